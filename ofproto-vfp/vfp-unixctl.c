/*
 * Copyright (c) 2026 The ovs-vfp authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* "vfp/show" and "vfp/dump-ufs", the overview commands of vfp-ctl
 * (unixctl-util.h lists the other families).
 *
 * Every command replies with one JSON document on success and a one-line
 * message on error; vfp-ctl renders the JSON as a table or passes it
 * through.  Keeping the rendering in the client keeps one source of truth
 * for the data and lets scripts use --format=json. */

#include <config.h>

#include "dpdk.h"
#include "dpif.h"
#include "lib/uft-dpif.h"
#include "lib/uft-offload.h"
#include "lib/uft.h"
#include "netdev.h"
#include "odp-util.h"
#include "ofproto-vfp/backer.h"
#include "ofproto-vfp/forwarding.h"
#include "ofproto-vfp/fragments.h"
#include "ofproto-vfp/ofproto-vfp.h"
#include "ofproto-vfp/trace.h"
#include "ofproto-vfp/uf.h"
#include "ofproto-vfp/unixctl-util.h"
#include "ofproto.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "sset.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "vfp/parse-util.h"
#include "vfp/port.h"

/* Explains why 'name' is not a VFP bridge, for an error reply. */
static char *
not_a_vfp_bridge(const char *name)
{
    struct ofproto *ofproto = ofproto_lookup(name);

    /* A VFP bridge that ofproto still lists is one being destroyed. */
    return (ofproto && ofproto->ofproto_class != &ofproto_vfp_class
            ? xasprintf("bridge %s is not a VFP bridge (datapath_type=%s); "
                        "VFP bridges have datapath_type=vfp-netdev or "
                        "vfp-system", name, ofproto->type)
            : xasprintf("no bridge named \"%s\"", name));
}

static size_t
count_port_ufs(const struct vfp_backer *backer, odp_port_t odp_port)
{
    const struct vfp_uf *uf;
    size_t n = 0;

    VFP_UF_FOR_EACH (uf, &backer->ufs) {
        n += uf->in_port == odp_port;
    }
    return n;
}

static struct json *
port_to_json(const struct vfp_ofport *port, const struct vfp_backer *backer)
{
    struct json *json = json_object_create();
    char mac_s[ETH_ADDR_STRLEN + 1];

    /* The MAC forwarding uses. */
    snprintf(mac_s, sizeof mac_s, ETH_ADDR_FMT, ETH_ADDR_ARGS(port->mac));
    json_object_put_string(json, "name", netdev_get_name(port->up.netdev));
    json_object_put_string(json, "role", vfp_ofport_role(port));
    json_object_put_string(json, "mac", mac_s);
    json_object_put_string(json, "mac_source",
                           eth_addr_is_zero(port->attached_mac)
                           ? "mac_in_use" : "attached-mac");
    json_object_put(json, "ofport",
                    json_integer_create(ofp_to_u16(port->up.ofp_port)));
    json_object_put(json, "odp_port",
                    json_integer_create(odp_to_u32(port->odp_port)));
    json_object_put(json, "ufs",
                    json_integer_create(count_port_ufs(backer,
                                                       port->odp_port)));
    json_object_put(json, "layers",
                    json_integer_create(vfp_port_layers(port->vfp_port)->n));
    return json;
}

static int
compare_ports_by_ofp(const void *a_, const void *b_)
{
    const struct vfp_ofport *const *a = a_;
    const struct vfp_ofport *const *b = b_;
    uint16_t pa = ofp_to_u16((*a)->up.ofp_port);
    uint16_t pb = ofp_to_u16((*b)->up.ofp_port);

    return pa < pb ? -1 : pa > pb;
}

/* The bridge's tunnel port and endpoint, or null without a tunnel port. */
static struct json *
tunnel_to_json(const struct ofproto_vfp *ofproto)
{
    struct vfp_tnl_endpoint ep;

    vfp_tunnel_endpoint(ofproto, &ep);
    if (!ep.port) {
        return json_null_create();
    }

    const struct netdev *netdev = ep.port->up.netdev;
    const struct netdev_tunnel_config *cfg = netdev_get_tunnel_config(netdev);
    struct json *json = json_object_create();

    json_object_put_string(json, "port", netdev_get_name(netdev));
    json_object_put_string(json, "type", netdev_get_type(netdev));
    if (!strcmp(netdev_get_type(netdev), "vxlan")) {
        json_object_put(json, "udp_port",
                        json_integer_create(ntohs(cfg->dst_port)));
    }
    if (ep.ip) {
        json_object_put_format(json, "ip", IP_FMT, IP_ARGS(ep.ip));
        json_object_put_string(json, "ip_source", ep.ip_source);
        json_object_put_format(json, "mac", ETH_ADDR_FMT,
                               ETH_ADDR_ARGS(ep.mac));
        json_object_put_string(json, "mac_source", ep.mac_source);
    } else {
        json_object_put(json, "ip", json_null_create());
    }
    return json;
}

static struct json *
bridge_to_json(const struct ofproto_vfp *ofproto)
{
    struct json *json = json_object_create();
    struct vfp_backer *backer = ofproto->backer;
    size_t n = hmap_count(&ofproto->up.ports);
    struct vfp_ofport **ports = xmalloc(n * sizeof *ports + 1);
    struct ofport *ofport;
    size_t i = 0;

    HMAP_FOR_EACH (ofport, hmap_node, &ofproto->up.ports) {
        ports[i++] = vfp_ofport_cast(ofport);
    }
    qsort(ports, n, sizeof *ports, compare_ports_by_ofp);

    struct json *ports_json = json_array_create_empty();
    size_t n_ufs = 0;
    for (i = 0; i < n; i++) {
        json_array_add(ports_json, port_to_json(ports[i], backer));
        n_ufs += count_port_ufs(backer, ports[i]->odp_port);
    }
    free(ports);

    json_object_put_string(json, "name", ofproto->up.name);
    json_object_put_string(json, "datapath_type", ofproto->up.type);
    json_object_put_string(json, "datapath", dpif_name(backer->dpif));
    json_object_put(json, "generation",
                    json_integer_create(ofproto->generation));
    json_object_put(json, "ufs", json_integer_create(n_ufs));
    json_object_put(json, "ports", ports_json);
    json_object_put(json, "tunnel", tunnel_to_json(ofproto));
    return json;
}

static struct json *
datapath_to_json(const struct vfp_backer *backer)
{
    struct json *json = json_object_create();
    uint64_t n_upcalls, n_drops;

    atomic_read_relaxed(&CONST_CAST(struct vfp_backer *, backer)->n_upcalls,
                        &n_upcalls);
    atomic_read_relaxed(
        &CONST_CAST(struct vfp_backer *, backer)->n_upcall_drops, &n_drops);
    json_object_put_string(json, "name", dpif_name(backer->dpif));
    json_object_put_string(json, "type", backer->type);
    json_object_put(json, "ufs",
                    json_integer_create(vfp_uf_count(&backer->ufs)));
    json_object_put(json, "upcalls", json_integer_create(n_upcalls));
    json_object_put(json, "upcall_drops", json_integer_create(n_drops));
    json_object_put(json, "fragments", vfp_frags_to_json(backer->frags));
    return json;
}

static void
vfp_unixctl_show(struct unixctl_conn *conn, int argc, const char *argv[],
                 void *aux OVS_UNUSED)
{
    struct json *bridges = json_array_create_empty();
    struct json *datapaths = json_array_create_empty();
    struct sset names = SSET_INITIALIZER(&names);
    struct sset types = SSET_INITIALIZER(&types);
    struct ofproto_vfp *ofproto;

    if (argc > 1) {
        ofproto = ofproto_vfp_lookup(argv[1]);
        if (!ofproto) {
            char *error = not_a_vfp_bridge(argv[1]);
            vfp_unixctl_reply_error(conn, error);
            free(error);
            json_destroy(bridges);
            json_destroy(datapaths);
            return;
        }
        sset_add(&names, argv[1]);
    } else {
        HMAP_FOR_EACH (ofproto, all_node, ofproto_vfp_all()) {
            sset_add(&names, ofproto->up.name);
        }
    }

    const char **sorted = sset_sort(&names);
    for (size_t i = 0; i < sset_count(&names); i++) {
        ofproto = ofproto_vfp_lookup(sorted[i]);
        json_array_add(bridges, bridge_to_json(ofproto));
        if (sset_add(&types, ofproto->backer->type)) {
            json_array_add(datapaths, datapath_to_json(ofproto->backer));
        }
    }
    free(sorted);
    sset_destroy(&names);
    sset_destroy(&types);

    struct json *json = json_object_create();
    json_object_put(json, "bridges", bridges);
    json_object_put(json, "datapaths", datapaths);
    vfp_unixctl_reply_json(conn, json);
}

static struct json *
uf_to_json(const struct vfp_backer *backer, const struct vfp_uf *uf,
           long long int now)
{
    struct json *json = json_object_create();
    uint64_t buf_stub[DPIF_FLOW_BUFSIZE / 8];
    struct ofpbuf buf = OFPBUF_STUB_INITIALIZER(buf_stub);
    struct dpif_flow flow;
    struct ds s = DS_EMPTY_INITIALIZER;

    odp_format_ufid(&uf->ufid, &s);
    json_object_put_string(json, "dp_ufid", ds_cstr(&s));
    json_object_put(json, "generation", json_integer_create(uf->generation));
    json_object_put(json, "age_ms", json_integer_create(now - uf->created));

    if (!dpif_flow_get(backer->dpif, NULL, 0, &uf->ufid, uf->pmd_id, &buf,
                       &flow)) {
        ds_clear(&s);
        odp_flow_format(flow.key, flow.key_len, flow.mask, flow.mask_len,
                        NULL, &s, false);
        json_object_put_string(json, "match", ds_cstr(&s));
        ds_clear(&s);
        format_odp_actions(&s, flow.actions, flow.actions_len, NULL);
        json_object_put_string(json, "actions", ds_cstr(&s));
        json_object_put(json, "packets",
                        json_integer_create(flow.stats.n_packets));
        json_object_put(json, "bytes",
                        json_integer_create(flow.stats.n_bytes));
        json_object_put(json, "used_ms_ago",
                        flow.stats.used
                        ? json_integer_create(now - flow.stats.used)
                        : json_null_create());
        json_object_put_string(json, "datapath_layer",
                               flow.attrs.dp_layer ? flow.attrs.dp_layer
                               : "ovs");
        json_object_put(json, "pmd",
                        (uf->pmd_id == PMD_ID_NULL
                         || uf->pmd_id == NON_PMD_CORE_ID)
                        ? json_null_create()
                        : json_integer_create(uf->pmd_id));

        /* The composite HT of each port, re-simulated from the key. */
        struct flow f;
        if (odp_flow_key_to_flow(flow.key, flow.key_len, &f, NULL)
            != ODP_FIT_ERROR) {
            json_object_put(json, "composite",
                            vfp_trace_composites(backer, &f));
        }
    } else {
        /* Expired or removed since the last revalidation. */
        json_object_put(json, "match", json_null_create());
    }

    /* Its connections, and the UF of each one's other direction (VFP
     * section 6.4.1: UFs pair on the VM side). */
    struct json *conns = json_array_create_empty();
    for (size_t i = 0; i < uf->n_conns; i++) {
        const struct vfp_proc_conn *pc = &vfp_uf_conns(uf)[i];
        struct json *cj = json_object_create();
        ovs_u128 pair_ufid = vfp_conn_get_uf(&pc->port->conns, pc->conn,
                                             !pc->dir);
        const ovs_u128 *pair = &pair_ufid;

        json_object_put_string(cj, "port", pc->port->name);
        json_object_put_string(cj, "dir", vfp_dir_name(pc->dir));
        ds_clear(&s);
        vfp_tuple_format(&pc->conn->key, &s);
        json_object_put_string(cj, "connection", ds_cstr(&s));
        json_object_put_string(cj, "state", vfp_conn_state_name(
                                   vfp_conn_get_state(pc->conn)));
        if (ovs_u128_is_zero(*pair)
            || !vfp_uf_find(&backer->ufs, pair, uf->pmd_id)) {
            json_object_put(cj, "pair", json_null_create());
        } else {
            ds_clear(&s);
            odp_format_ufid(pair, &s);
            json_object_put_string(cj, "pair", ds_cstr(&s));
        }
        json_array_add(conns, cj);
    }
    json_object_put(json, "connections", conns);
    ds_destroy(&s);
    ofpbuf_uninit(&buf);
    return json;
}

static int
compare_json_match(const void *a_, const void *b_)
{
    const struct json *const *a = a_;
    const struct json *const *b = b_;
    const struct json *ma = shash_find_data(json_object(*a), "match");
    const struct json *mb = shash_find_data(json_object(*b), "match");

    return strcmp(ma->type == JSON_STRING ? json_string(ma) : "",
                  mb->type == JSON_STRING ? json_string(mb) : "");
}

static void
vfp_unixctl_dump_ufs(struct unixctl_conn *conn, int argc OVS_UNUSED,
                     const char *argv[], void *aux OVS_UNUSED)
{
    char *error;
    struct vfp_ofport *port = vfp_ofport_find(argv[1], &error);

    if (!port) {
        vfp_unixctl_reply(conn, error);
        return;
    }

    const struct vfp_backer *backer
        = ofproto_vfp_cast(port->up.ofproto)->backer;
    long long int now = time_msec();
    struct json **ufs = NULL;
    size_t n = 0, allocated = 0;
    const struct vfp_uf *uf;

    VFP_UF_FOR_EACH (uf, &backer->ufs) {
        bool through = uf->in_port == port->odp_port;

        for (size_t i = 0; i < uf->n_ports && !through; i++) {
            through = vfp_uf_ports(uf)[i].port == port->odp_port;
        }
        if (through) {
            if (n >= allocated) {
                ufs = x2nrealloc(ufs, &allocated, sizeof *ufs);
            }
            ufs[n++] = uf_to_json(backer, uf, now);
        }
    }
    /* Stable output for people and tests alike.  'ufs' is null without
     * UFs, which qsort() must not get. */
    if (n) {
        qsort(ufs, n, sizeof *ufs, compare_json_match);
    }

    struct json *json = json_object_create();
    json_object_put_string(json, "port", argv[1]);
    json_object_put_string(json, "bridge", port->up.ofproto->name);
    json_object_put(json, "ufs", json_array_create(ufs, n));
    vfp_unixctl_reply_json(conn, json);
}

static struct json *
uft_to_json(const struct vfp_backer *backer)
{
    if (!backer->uft) {
        return json_null_create();
    }

    struct json *json = json_object_create();
    struct uft_counters c;

    uft_get_counters(uft_dpif_table(backer->uft), &c);
    json_object_put(json, "capacity", json_integer_create(c.capacity));
    json_object_put(json, "entries", json_integer_create(c.n_entries));
    json_object_put(json, "reserved_bytes", json_integer_create(c.memory));
    json_object_put(json, "hits", json_integer_create(c.n_hits));
    json_object_put(json, "misses", json_integer_create(c.n_misses));
    json_object_put(json, "unparsed", json_integer_create(c.n_unparsed));
    json_object_put(json, "decap_single_pass",
                    json_integer_create(c.n_decap_single));
    json_object_put(json, "decap_two_pass",
                    json_integer_create(c.n_decap_two));
    json_object_put(json, "inserted", json_integer_create(c.n_inserted));
    json_object_put(json, "insert_full",
                    json_integer_create(c.n_insert_full));
    json_object_put(json, "removed", json_integer_create(c.n_removed));

    const struct uft_offload *offload = uft_dpif_offload(backer->uft);
    if (uft_offload_enabled(offload)) {
        struct json *o = json_object_create();
        struct uft_offload_counters oc;

        uft_offload_get_counters(offload, &oc);
        json_object_put(o, "put", json_integer_create(oc.n_put));
        json_object_put(o, "put_failed", json_integer_create(oc.n_put_failed));
        json_object_put(o, "deleted", json_integer_create(oc.n_del));
        json_object_put(o, "mark_hits", json_integer_create(oc.n_mark_hits));
        json_object_put(o, "mark_misses",
                        json_integer_create(oc.n_mark_misses));
        json_object_put(json, "offload", o);
    }
    return json;
}

/* "vfp/datapath-stats": each VFP datapath's unified flow table. */
static void
vfp_unixctl_datapath_stats(struct unixctl_conn *conn, int argc OVS_UNUSED,
                           const char *argv[] OVS_UNUSED,
                           void *aux OVS_UNUSED)
{
    struct json *datapaths = json_array_create_empty();
    struct sset types = SSET_INITIALIZER(&types);
    const char *type;

    vfp_backer_enumerate_types(&types);
    SSET_FOR_EACH (type, &types) {
        const struct vfp_backer *backer = vfp_backer_find(type);

        if (backer) {
            struct json *dp = json_object_create();

            json_object_put_string(dp, "name", dpif_name(backer->dpif));
            json_object_put_string(dp, "type", backer->type);
            json_object_put(dp, "uft", uft_to_json(backer));
            json_array_add(datapaths, dp);
        }
    }
    sset_destroy(&types);

    struct json *json = json_object_create();
    json_object_put(json, "datapaths", datapaths);
    vfp_unixctl_reply_json(conn, json);
}

void
vfp_unixctl_init(void)
{
    unixctl_command_register("vfp/show", "[BRIDGE]", 0, 1,
                             vfp_unixctl_show, NULL);
    unixctl_command_register("vfp/dump-ufs", "PORT", 1, 1,
                             vfp_unixctl_dump_ufs, NULL);
    unixctl_command_register("vfp/datapath-stats", "", 0, 0,
                             vfp_unixctl_datapath_stats, NULL);
}
