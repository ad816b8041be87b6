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

/* The ofproto_class of VFP bridges: see ofproto-vfp.h. */

#include <config.h>
#include "ofproto-vfp/ofproto-vfp.h"

#include "dp-packet.h"
#include "dpif-netdev.h"
#include "dpif.h"
#include "hash.h"
#include "lib/uft-dpif.h"
#include "netdev-vport.h"
#include "netdev.h"
#include "netlink.h"
#include "odp-util.h"
#include "ofproto-vfp/backer.h"
#include "ofproto-vfp/forwarding.h"
#include "ofproto-vfp/fragments.h"
#include "ofproto-vfp/revalidator.h"
#include "ofproto-vfp/state-file.h"
#include "ofproto-vfp/uf.h"
#include "ofproto-vfp/upcall.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"
#include "vfp/parse-util.h"
#include "vfp/port.h"

VLOG_DEFINE_THIS_MODULE(ofproto_vfp);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

/* All VFP bridges, by name. */
static struct hmap all_ofproto_vfps = HMAP_INITIALIZER(&all_ofproto_vfps);

struct ofproto_vfp *
ofproto_vfp_lookup(const char *name)
{
    struct ofproto_vfp *ofproto;

    HMAP_FOR_EACH_WITH_HASH (ofproto, all_node, hash_string(name, 0),
                             &all_ofproto_vfps) {
        if (!strcmp(ofproto->up.name, name)) {
            return ofproto;
        }
    }
    return NULL;
}

const struct hmap *
ofproto_vfp_all(void)
{
    return &all_ofproto_vfps;
}

/* A port's MAC for forwarding: the VM's (external_ids:attached-mac), else
 * the device's own. */
struct eth_addr
vfp_ofport_mac(const struct vfp_ofport *port)
{
    struct eth_addr mac = port->attached_mac;

    if (eth_addr_is_zero(mac)) {
        netdev_get_etheraddr(port->up.netdev, &mac);
    }
    return mac;
}

const char *
vfp_ofport_role(const struct vfp_ofport *port)
{
    return (port->uplink ? "uplink"
            : port->tunnel ? "tunnel"
            : port->up.ofp_port == OFPP_LOCAL ? "local"
            : "vm");
}

/* The name of 'netdev''s port in the datapath, in 'buf'. */
static const char *
dp_port_name(const struct netdev *netdev,
             char buf[NETDEV_VPORT_NAME_BUFSIZE])
{
    return netdev_vport_get_dpif_port(netdev, buf, NETDEV_VPORT_NAME_BUFSIZE);
}

static bool
is_tunnel(const struct netdev *netdev)
{
    return netdev_get_tunnel_config(netdev) != NULL;
}

/* The tunnel endpoint of 'ofproto', this host's address in the underlay:
 * the only destination for which its tunnel port decapsulates.  Its IP is
 * the tunnel Interface's options:local_ip, else the Bridge's
 * other_config:vfp-tunnel-ip; its MAC is other_config:vfp-tunnel-mac, else
 * the bridge's local port's.  No IP or no MAC: no endpoint, and nothing is
 * decapsulated. */
void
vfp_tunnel_endpoint(const struct ofproto_vfp *ofproto,
                    struct vfp_tnl_endpoint *ep)
{
    const struct ofport *ofport;

    memset(ep, 0, sizeof *ep);
    HMAP_FOR_EACH (ofport, hmap_node, &ofproto->up.ports) {
        const struct vfp_ofport *port = vfp_ofport_cast(ofport);

        /* The bridge's tunnel port is its first (forwarding.c). */
        if (port->tunnel
            && (!ep->port || ofp_to_u16(ofport->ofp_port)
                             < ofp_to_u16(ep->port->up.ofp_port))) {
            ep->port = port;
        }
    }
    if (!ep->port) {
        return;
    }

    const struct netdev_tunnel_config *cfg
        = netdev_get_tunnel_config(ep->port->up.netdev);
    if (cfg && !cfg->ip_src_flow && IN6_IS_ADDR_V4MAPPED(&cfg->ipv6_src)) {
        ep->ip = in6_addr_get_mapped_ipv4(&cfg->ipv6_src);
        ep->ip_source = "options:local_ip";
    } else if (ofproto->cfg_tnl_ip) {
        ep->ip = ofproto->cfg_tnl_ip;
        ep->ip_source = "other_config:vfp-tunnel-ip";
    }

    struct ofport *local = ofproto_get_port(&ofproto->up, OFPP_LOCAL);
    struct eth_addr mac;
    if (!eth_addr_is_zero(ofproto->cfg_tnl_mac)) {
        ep->mac = ofproto->cfg_tnl_mac;
        ep->mac_source = "other_config:vfp-tunnel-mac";
    } else if (local && !netdev_get_etheraddr(local->netdev, &mac)
               && !eth_addr_is_zero(mac) && !eth_addr_is_multicast(mac)) {
        ep->mac = mac;
        ep->mac_source = "local port";
    }
    if (!ep->ip || eth_addr_is_zero(ep->mac)) {
        ep->ip = 0;
    }
}

/* Parses Bridge other_config 'key', a unicast IPv4 address ('ip') or MAC
 * ('mac'), into '*ip' or '*mac' (zero if absent or invalid).  Warns when an
 * invalid value first appears: '*last' keeps the value seen last. */
static void
parse_tnl_cfg(const struct ofproto_vfp *ofproto, const struct smap *cfg,
              const char *key, char **last, ovs_be32 *ip,
              struct eth_addr *mac)
{
    const char *s = smap_get(cfg, key);
    bool ok = true;

    if (ip) {
        *ip = 0;
        ok = (!s || (ip_parse(s, ip) && *ip && *ip != OVS_BE32_MAX
                     && !ip_is_multicast(*ip)));
        if (!ok) {
            *ip = 0;
        }
    } else {
        *mac = eth_addr_zero;
        ok = (!s || (eth_addr_from_string(s, mac) && !eth_addr_is_zero(*mac)
                     && !eth_addr_is_multicast(*mac)));
        if (!ok) {
            *mac = eth_addr_zero;
        }
    }
    if (!ok && (!*last || strcmp(*last, s))) {
        VLOG_WARN("%s: ignoring other_config:%s=\"%s\": not a unicast %s",
                  ofproto->up.name, key, s,
                  ip ? "IPv4 address" : "MAC address");
    }
    free(*last);
    *last = nullable_xstrdup(s);
}

static void fwd_changed(struct ofproto_vfp *, const char *why);

/* Returns the backer of VFP type 'type' for a new bridge, or NULL.  The
 * first bridge of a type opens the backer's datapath; this starts its
 * reassembly and miss handling, which work on the backer from above. */
static struct vfp_backer *
backer_ref(const char *type)
{
    struct vfp_backer *backer = vfp_backer_ref(type);

    if (backer && backer->refcount == 1) {
        backer->frags = vfp_frags_create(dpif_is_netdev(backer->dpif));
        vfp_upcall_start(backer);
    }
    return backer;
}

/* Drops a bridge's reference to 'backer' (see vfp_backer_unref()), first
 * stopping miss handling and reassembly with the last bridge. */
static void
backer_unref(struct vfp_backer *backer, bool del)
{
    if (backer->refcount == 1) {
        vfp_upcall_stop(backer);
        vfp_frags_destroy(backer->frags);
        backer->frags = NULL;
    }
    vfp_backer_unref(backer, del);
}

/* Brings 'ofproto''s tunnel endpoint up to date, with a log line when it
 * changes. */
static void
update_tnl_endpoint(struct ofproto_vfp *ofproto)
{
    struct vfp_tnl_endpoint ep;

    vfp_tunnel_endpoint(ofproto, &ep);
    if (ep.port == ofproto->tnl.port && ep.ip == ofproto->tnl.ip
        && eth_addr_equals(ep.mac, ofproto->tnl.mac)) {
        return;
    }
    ofproto->tnl = ep;
    if (ep.port && ep.ip) {
        VLOG_INFO("%s: tunnel endpoint "IP_FMT" (%s) "ETH_ADDR_FMT" (%s): "
                  "%s decapsulates what the uplink receives for it",
                  ofproto->up.name, IP_ARGS(ep.ip), ep.ip_source,
                  ETH_ADDR_ARGS(ep.mac), ep.mac_source,
                  netdev_get_name(ep.port->up.netdev));
    } else if (ep.port) {
        VLOG_INFO("%s: no tunnel endpoint (options:local_ip of %s, or "
                  "other_config:vfp-tunnel-ip): decapsulating nothing",
                  ofproto->up.name, netdev_get_name(ep.port->up.netdev));
    }
    fwd_changed(ofproto, "tunnel endpoint changed");
}

/* Makes a forwarding change on 'ofproto' effective before returning.
 * 'why' is for the log. */
static void
fwd_changed(struct ofproto_vfp *ofproto, const char *why)
{
    static uint64_t generation_seq;

    ofproto->generation = ++generation_seq;
    VLOG_DBG("%s: forwarding generation %"PRIu64": %s", ofproto->up.name,
             ofproto->generation, why);
    vfp_backer_fwd_changed(ofproto->backer);
    vfp_revalidate(ofproto->backer);
}

/* Factory functions. */

/* The "vfp/" unixctl commands are registered by vswitchd/vfp-register.c,
 * above the files that implement them (unixctl-util.h). */
static void
init(const struct shash *iface_hints OVS_UNUSED)
{
    vfp_backer_reserve_datapaths();
}

static void
enumerate_types(struct sset *types)
{
    vfp_backer_enumerate_types(types);
}

static int
enumerate_names(const char *type, struct sset *names)
{
    struct ofproto_vfp *ofproto;

    sset_clear(names);
    HMAP_FOR_EACH (ofproto, all_node, &all_ofproto_vfps) {
        if (!strcmp(type, ofproto->up.type)) {
            sset_add(names, ofproto->up.name);
        }
    }
    return 0;
}

static int
del(const char *type OVS_UNUSED, const char *name OVS_UNUSED)
{
    /* Bridges have no datapath of their own to delete: the backer's
     * datapath goes away with its last bridge. */
    return 0;
}

static const char *
port_open_type(const char *datapath_type, const char *port_type)
{
    return dpif_port_open_type(vfp_dpif_type(datapath_type), port_type);
}

static int
type_run(const char *type)
{
    struct vfp_backer *backer = vfp_backer_find(type);

    if (backer) {
        dpif_run(backer->dpif);
        vfp_frags_run(backer);
        vfp_revalidate_run(backer);
    }
    return 0;
}

static void
type_wait(const char *type)
{
    struct vfp_backer *backer = vfp_backer_find(type);

    if (backer) {
        dpif_wait(backer->dpif);
        vfp_frags_wait(backer);
        vfp_revalidate_wait(backer);
    }
}

/* The Open_vSwitch table's other_config (pmd-cpu-mask, pmd-rxq-isolate,
 * emc-insert-inv-prob, smc-enable, pmd-perf-metrics, ...) reaches a
 * userspace datapath only through this hook: without it, the VFP datapath
 * ignores them all. */
static uint64_t config_get_uint(const struct smap *, const char *object,
                                const char *key, uint64_t min, uint64_t max,
                                uint64_t def);
static bool config_get_bool(const struct smap *, const char *object,
                            const char *key, bool def);

static void
type_set_config(const char *type, const struct smap *other_config)
{
    struct vfp_backer *backer = vfp_backer_find(type);

    if (backer) {
        dpif_set_config(backer->dpif, other_config);
        vfp_backer_set_uft_capacity(
            backer, config_get_uint(other_config, type, "vfp-uft-capacity",
                                    0, UINT32_MAX / 4,
                                    UFT_DPIF_DEFAULT_CAPACITY));
        vfp_backer_set_uft_single_pass(
            backer, config_get_bool(other_config, type,
                                    "vfp-uft-single-pass-decap", true));
    }
}

static void
type_get_memory_usage(const char *type, struct simap *usage)
{
    struct vfp_backer *backer = vfp_backer_find(type);

    if (backer) {
        simap_increase(usage, "vfp-ufs", vfp_uf_count(&backer->ufs));
    }
}

/* Basic life-cycle. */

static struct ofproto *
alloc(void)
{
    struct ofproto_vfp *ofproto = xzalloc(sizeof *ofproto);
    return &ofproto->up;
}

static void
dealloc(struct ofproto *ofproto_)
{
    free(ofproto_vfp_cast(ofproto_));
}

static int
construct(struct ofproto *ofproto_)
{
    struct ofproto_vfp *ofproto = ofproto_vfp_cast(ofproto_);

    ofproto->backer = backer_ref(ofproto->up.type);
    if (!ofproto->backer) {
        return ENODEV;
    }
    ovs_list_push_back(&ofproto->backer->bridges, &ofproto->backer_node);
    shash_init(&ofproto->ports);
    ofproto->timeouts = (struct vfp_conn_timeouts) VFP_CONN_TIMEOUTS_DEFAULT;
    hmap_insert(&all_ofproto_vfps, &ofproto->all_node,
                hash_string(ofproto->up.name, 0));

    /* One table, for the rules ovs-vswitchd installs itself. */
    ofproto_init_tables(ofproto_, 1);
    fwd_changed(ofproto, "bridge created");
    return 0;
}

static void state_file_save(void);

static void
destruct(struct ofproto *ofproto_, bool del)
{
    struct ofproto_vfp *ofproto = ofproto_vfp_cast(ofproto_);
    struct oftable *table;
    struct rule *rule;

    /* ofproto_destroy() flushed the table already; rules that a concurrent
     * flow-mod added since go now, as in ofproto-dpif. */
    OFPROTO_FOR_EACH_TABLE (table, ofproto_) {
        CLS_FOR_EACH (rule, cr, &table->cls) {
            ofproto_rule_delete(ofproto_, rule);
        }
    }
    ofproto_group_delete_all(ofproto_);

    hmap_remove(&all_ofproto_vfps, &ofproto->all_node);
    ovs_list_remove(&ofproto->backer_node);
    vfp_backer_fwd_changed(ofproto->backer);
    vfp_revalidate(ofproto->backer);
    shash_destroy_free_data(&ofproto->ports);
    /* The bridge's ports are gone (kept for the next ovs-vswitchd, unless
     * deleted): the file says so now. */
    state_file_save();
    free(ofproto->tnl_ip_cfg);
    free(ofproto->tnl_mac_cfg);
    backer_unref(ofproto->backer, del);
}

/* The vfp_ports of every port of every VFP bridge, for the state file. */
static struct vfp_port **
collect_vfp_ports(size_t *n)
{
    struct ofproto_vfp *ofproto;
    size_t n_ports = 0, k = 0;

    HMAP_FOR_EACH (ofproto, all_node, &all_ofproto_vfps) {
        n_ports += hmap_count(&ofproto->up.ports);
    }

    struct vfp_port **ports = xmalloc((n_ports + 1) * sizeof *ports);
    HMAP_FOR_EACH (ofproto, all_node, &all_ofproto_vfps) {
        struct ofport *ofport;

        HMAP_FOR_EACH (ofport, hmap_node, &ofproto->up.ports) {
            struct vfp_port *vfp_port = vfp_ofport_cast(ofport)->vfp_port;

            if (vfp_port && k < n_ports) {
                ports[k++] = vfp_port;
            }
        }
    }
    *n = k;
    return ports;
}

static void
state_file_save(void)
{
    size_t n;
    struct vfp_port **ports = collect_vfp_ports(&n);

    vfp_state_file_save(ports, n);
    free(ports);
}

/* When the state file next looks for changes to save: every half second,
 * for all bridges at once. */
#define STATE_FILE_CHECK_MS 500
static long long int state_file_next_check;

static int
run(struct ofproto *ofproto_ OVS_UNUSED)
{
    long long int now = time_msec();

    if (now >= state_file_next_check) {
        size_t n;
        struct vfp_port **ports = collect_vfp_ports(&n);

        state_file_next_check = now + STATE_FILE_CHECK_MS;
        vfp_state_file_run(ports, n, now);
        free(ports);
    }
    return 0;
}

static void
ofproto_vfp_wait(struct ofproto *ofproto_ OVS_UNUSED)
{
    poll_timer_wait_until(state_file_next_check);
}

static void
flush(struct ofproto *ofproto_)
{
    fwd_changed(ofproto_vfp_cast(ofproto_), "flushed");
}

static void
query_tables(struct ofproto *ofproto OVS_UNUSED,
             struct ofputil_table_features *features OVS_UNUSED,
             struct ofputil_table_stats *stats)
{
    if (stats) {
        stats[0].lookup_count = 0;
        stats[0].matched_count = 0;
    }
}

static void
set_tables_version(struct ofproto *ofproto OVS_UNUSED,
                   ovs_version_t version OVS_UNUSED)
{
}

static const char *
get_datapath_version(const struct ofproto *ofproto_)
{
    return ofproto_vfp_cast(ofproto_)->backer->dp_version;
}

/* Ports. */

static struct ofport *
port_alloc(void)
{
    struct vfp_ofport *port = xzalloc(sizeof *port);
    return &port->up;
}

static void
port_dealloc(struct ofport *port_)
{
    free(vfp_ofport_cast(port_));
}

static int
port_construct(struct ofport *port_)
{
    struct vfp_ofport *port = vfp_ofport_cast(port_);
    struct ofproto_vfp *ofproto = ofproto_vfp_cast(port->up.ofproto);
    char namebuf[NETDEV_VPORT_NAME_BUFSIZE];
    const char *dp_name = dp_port_name(port->up.netdev, namebuf);
    struct dpif_port dpif_port;
    int error;

    error = dpif_port_query_by_name(ofproto->backer->dpif, dp_name,
                                    &dpif_port);
    if (error) {
        return error;
    }
    port->odp_port = dpif_port.port_no;
    dpif_port_destroy(&dpif_port);

    const struct vfp_ofport *other = vfp_backer_find_ofport(ofproto->backer,
                                                            port->odp_port);
    if (other) {
        VLOG_ERR("%s: %s would share datapath port %s with %s on bridge %s; "
                 "a datapath has one tunnel port per type and UDP port",
                 ofproto->up.name, netdev_get_name(port->up.netdev), dp_name,
                 netdev_get_name(other->up.netdev), other->up.ofproto->name);
        return EBUSY;
    }
    hmap_insert(&ofproto->backer->odp_to_ofport, &port->odp_node,
                hash_odp_port(port->odp_port));
    port->tunnel = is_tunnel(port->up.netdev);
    port->mac = vfp_ofport_mac(port);
    /* The port's saved policy, if ovs-vswitchd saved it before a restart,
     * before the port handles a packet. */
    port->vfp_port = vfp_state_file_take(netdev_get_name(port->up.netdev));
    if (!port->vfp_port) {
        port->vfp_port = vfp_port_create(netdev_get_name(port->up.netdev));
    }
    port->vfp_port->conns.timeouts = ofproto->timeouts;
    fwd_changed(ofproto, "port added");
    return 0;
}

/* Deletes 'port''s datapath port, unless it is a tunnel port: those are
 * shared, and cost nothing when unused. */
static void
del_dp_port(struct ofproto_vfp *ofproto, struct vfp_ofport *port)
{
    if (!port->tunnel) {
        dpif_port_del(ofproto->backer->dpif, port->odp_port, false);
    }
}

static void
port_destruct(struct ofport *port_, bool del)
{
    struct vfp_ofport *port = vfp_ofport_cast(port_);
    struct ofproto_vfp *ofproto = ofproto_vfp_cast(port->up.ofproto);
    const char *devname = netdev_get_name(port->up.netdev);
    char *dp_name = shash_find_and_delete(&ofproto->ports, devname);

    if (port->tunnel) {
        vfp_backer_uft_tunnel_gone(ofproto->backer, port->odp_port);
    }
    if (del && dp_name) {
        /* ovs-vswitchd deletes the port from the datapath on port_del(),
         * except when the whole bridge goes away. */
        del_dp_port(ofproto, port);
    }
    free(dp_name);

    hmap_remove(&ofproto->backer->odp_to_ofport, &port->odp_node);
    if (ofproto->tnl.port == port) {
        /* Until the next reconfiguration finds another. */
        memset(&ofproto->tnl, 0, sizeof ofproto->tnl);
    }
    fwd_changed(ofproto, "port removed");

    /* No handler can see the port's layers any more.  Unless the port was
     * deleted, ovs-vswitchd is exiting: the next one restores the port. */
    if (del) {
        vfp_port_destroy(port->vfp_port);
    } else {
        vfp_state_file_keep(port->vfp_port);
    }
    port->vfp_port = NULL;
}

static void
port_modified(struct ofport *port_)
{
    struct vfp_ofport *port = vfp_ofport_cast(port_);
    struct eth_addr mac = vfp_ofport_mac(port);

    if (!eth_addr_equals(mac, port->mac)) {
        port->mac = mac;
        fwd_changed(ofproto_vfp_cast(port_->ofproto), "port MAC changed");
    }
    if (port_->ofp_port == OFPP_LOCAL) {
        /* The tunnel endpoint's MAC may be the local port's. */
        update_tnl_endpoint(ofproto_vfp_cast(port_->ofproto));
    }
}

static void
port_reconfigured(struct ofport *port_ OVS_UNUSED,
                  enum ofputil_port_config old_config OVS_UNUSED)
{
}

/* VFP's other_config keys (vfp-ctl(8), "CONFIGURATION").  An invalid value
 * takes the documented default, never a wider one, and is logged once per
 * object, key and value: not again on every reconfiguration. */
static struct ovs_mutex warned_mutex = OVS_MUTEX_INITIALIZER;
static struct sset warned OVS_GUARDED_BY(warned_mutex)
    = SSET_INITIALIZER(&warned);

static bool
config_warn_once(const char *object, const char *key, const char *value)
    OVS_EXCLUDED(warned_mutex)
{
    char *id = xasprintf("%s %s=%s", object, key, value);
    bool warn;

    ovs_mutex_lock(&warned_mutex);
    if (sset_contains(&warned, id)) {
        warn = false;
    } else if (sset_count(&warned) < 4096) {
        sset_add(&warned, id);
        warn = true;
    } else {
        /* Bounded: past this many, warnings are only rate-limited. */
        warn = !VLOG_DROP_WARN(&rl);
    }
    ovs_mutex_unlock(&warned_mutex);
    free(id);
    return warn;
}

/* Reads other_config:'key' of 'object' from 'cfg' as a number from 'min'
 * to 'max' (vfp_parse_uint()'s grammar), or 'def' if absent or invalid. */
static uint64_t
config_get_uint(const struct smap *cfg, const char *object, const char *key,
                uint64_t min, uint64_t max, uint64_t def)
{
    const char *s = smap_get(cfg, key);
    uint64_t x;

    if (!s) {
        return def;
    }
    if (vfp_parse_uint(s, max, &x) && x >= min) {
        return x;
    }
    if (config_warn_once(object, key, s)) {
        char *q = vfp_quote(s);
        VLOG_WARN("%s: other_config:%s=%s is not a number from %"PRIu64" to "
                  "%"PRIu64"; using the default %"PRIu64, object, key, q, min,
                  max, def);
        free(q);
    }
    return def;
}

/* Reads other_config:'key' of 'object' from 'cfg' as "true" or "false", or
 * 'def' if absent or invalid. */
static bool
config_get_bool(const struct smap *cfg, const char *object, const char *key,
                bool def)
{
    const char *s = smap_get(cfg, key);

    if (!s) {
        return def;
    } else if (!strcmp(s, "true")) {
        return true;
    } else if (!strcmp(s, "false")) {
        return false;
    }
    if (config_warn_once(object, key, s)) {
        char *q = vfp_quote(s);
        VLOG_WARN("%s: other_config:%s=%s is not true or false; using the "
                  "default %s", object, key, q, def ? "true" : "false");
        free(q);
    }
    return def;
}

static int
port_set_config(const struct ofport *port_, const struct smap *cfg)
{
    struct vfp_ofport *port = vfp_ofport_cast(port_);
    struct ofproto_vfp *ofproto = ofproto_vfp_cast(port->up.ofproto);
    const char *mac_s = smap_get(cfg, "external_ids:attached-mac");
    struct eth_addr mac = eth_addr_zero;
    char *object = xasprintf("%s: port %s", ofproto->up.name,
                             netdev_get_name(port->up.netdev));
    bool uplink = config_get_bool(cfg, object, "vfp-uplink", false);

    if (mac_s && (!vfp_parse_mac(mac_s, &mac)
                  || eth_addr_is_multicast(mac))) {
        if (config_warn_once(object, "external_ids:attached-mac", mac_s)) {
            char *q = vfp_quote(mac_s);
            VLOG_WARN("%s: ignoring external_ids:attached-mac %s: not a "
                      "unicast MAC address", object, q);
            free(q);
        }
        mac = eth_addr_zero;
    }

    if (!eth_addr_equals(mac, port->attached_mac) || uplink != port->uplink) {
        port->attached_mac = mac;
        port->uplink = uplink;
        port->mac = vfp_ofport_mac(port);
        fwd_changed(ofproto, "port configuration changed");
    }

    /* VFP section 9: state tracking stops at a number of connections per
     * port. */
    vfp_conns_set_limit(&port->vfp_port->conns,
                        config_get_uint(cfg, object, "vfp-max-connections",
                                        1, UINT32_MAX,
                                        VFP_CONN_LIMIT_DEFAULT));
    free(object);

    /* Datapath settings (e.g. pmd-rxq-affinity) work as on any bridge. */
    return dpif_port_set_config(ofproto->backer->dpif, port->odp_port, cfg);
}

/* Bridge other_config: the connection timeouts, in seconds, and the tunnel
 * endpoint. */
static void
set_other_config(struct ofproto *ofproto_, const struct smap *cfg)
{
    struct ofproto_vfp *ofproto = ofproto_vfp_cast(ofproto_);
    static const struct vfp_conn_timeouts defaults
        = VFP_CONN_TIMEOUTS_DEFAULT;
    struct vfp_conn_timeouts *t = &ofproto->timeouts;
    const struct {
        const char *key;
        long long int *value;
        long long int def;
    } keys[] = {
        { "vfp-tcp-syn-timeout", &t->tcp_syn, defaults.tcp_syn },
        { "vfp-tcp-established-timeout", &t->tcp_established,
          defaults.tcp_established },
        { "vfp-tcp-fin-timeout", &t->tcp_fin, defaults.tcp_fin },
        { "vfp-tcp-time-wait-timeout", &t->tcp_time_wait,
          defaults.tcp_time_wait },
        { "vfp-udp-timeout", &t->udp, defaults.udp },
        { "vfp-other-timeout", &t->other, defaults.other },
    };

    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        *keys[i].value = 1000 * config_get_uint(cfg, ofproto->up.name,
                                                keys[i].key, 1, 7 * 86400,
                                                keys[i].def / 1000);
    }

    struct ofport *ofport;
    HMAP_FOR_EACH (ofport, hmap_node, &ofproto->up.ports) {
        vfp_ofport_cast(ofport)->vfp_port->conns.timeouts = *t;
    }

    parse_tnl_cfg(ofproto, cfg, "vfp-tunnel-ip", &ofproto->tnl_ip_cfg,
                  &ofproto->cfg_tnl_ip, NULL);
    parse_tnl_cfg(ofproto, cfg, "vfp-tunnel-mac", &ofproto->tnl_mac_cfg,
                  NULL, &ofproto->cfg_tnl_mac);
    update_tnl_endpoint(ofproto);
}

static int
port_query_by_name(const struct ofproto *ofproto_, const char *devname,
                   struct ofproto_port *ofproto_port)
{
    struct ofproto_vfp *ofproto = ofproto_vfp_cast(ofproto_);
    const char *dp_name = shash_find_data(&ofproto->ports, devname);
    struct dpif_port dpif_port;
    int error;

    if (!dp_name) {
        return ENODEV;
    }
    error = dpif_port_query_by_name(ofproto->backer->dpif, dp_name,
                                    &dpif_port);
    if (error) {
        return error;
    }

    const struct ofport *ofport;
    ofproto_port->ofp_port = OFPP_NONE;
    HMAP_FOR_EACH (ofport, hmap_node, &ofproto->up.ports) {
        if (!strcmp(netdev_get_name(ofport->netdev), devname)) {
            ofproto_port->ofp_port = ofport->ofp_port;
            break;
        }
    }
    ofproto_port->name = xstrdup(devname);
    ofproto_port->type = dpif_port.type;
    free(dpif_port.name);
    return 0;
}

static int
port_add(struct ofproto *ofproto_, struct netdev *netdev)
{
    struct ofproto_vfp *ofproto = ofproto_vfp_cast(ofproto_);
    char namebuf[NETDEV_VPORT_NAME_BUFSIZE];
    const char *dp_name = dp_port_name(netdev, namebuf);

    if (!dpif_port_exists(ofproto->backer->dpif, dp_name)) {
        odp_port_t port_no = ODPP_NONE;
        int error = dpif_port_add(ofproto->backer->dpif, netdev, &port_no);
        if (error) {
            return error;
        }
    }
    if (!shash_find(&ofproto->ports, netdev_get_name(netdev))) {
        shash_add_nocopy(&ofproto->ports, xstrdup(netdev_get_name(netdev)),
                         xstrdup(dp_name));
    }
    return 0;
}

static int
port_del(struct ofproto *ofproto_, ofp_port_t ofp_port)
{
    struct ofproto_vfp *ofproto = ofproto_vfp_cast(ofproto_);
    struct vfp_ofport *port = vfp_ofport_cast(
        ofproto_get_port(ofproto_, ofp_port));

    if (port) {
        del_dp_port(ofproto, port);
        free(shash_find_and_delete(&ofproto->ports,
                                   netdev_get_name(port->up.netdev)));
    }
    return 0;
}

static int
port_get_stats(const struct ofport *port_, struct netdev_stats *stats)
{
    return netdev_get_stats(port_->netdev, stats);
}

struct port_dump_state {
    char **names;               /* Sorted device names. */
    size_t n, next;
    struct ofproto_port port;
    bool has_port;
};

static int
port_dump_start(const struct ofproto *ofproto_, void **statep)
{
    struct ofproto_vfp *ofproto = ofproto_vfp_cast(ofproto_);
    struct port_dump_state *state = xzalloc(sizeof *state);
    const struct shash_node **nodes = shash_sort(&ofproto->ports);

    state->n = shash_count(&ofproto->ports);
    state->names = xmalloc((state->n + 1) * sizeof *state->names);
    for (size_t i = 0; i < state->n; i++) {
        state->names[i] = xstrdup(nodes[i]->name);
    }
    free(nodes);
    *statep = state;
    return 0;
}

static int
port_dump_next(const struct ofproto *ofproto_, void *state_,
               struct ofproto_port *port)
{
    struct port_dump_state *state = state_;

    if (state->has_port) {
        ofproto_port_destroy(&state->port);
        state->has_port = false;
    }
    while (state->next < state->n) {
        const char *name = state->names[state->next++];
        if (!port_query_by_name(ofproto_, name, &state->port)) {
            *port = state->port;
            state->has_port = true;
            return 0;
        }
    }
    return EOF;
}

static int
port_dump_done(const struct ofproto *ofproto_ OVS_UNUSED, void *state_)
{
    struct port_dump_state *state = state_;

    if (state->has_port) {
        ofproto_port_destroy(&state->port);
    }
    for (size_t i = 0; i < state->n; i++) {
        free(state->names[i]);
    }
    free(state->names);
    free(state);
    return 0;
}

static int
port_poll(const struct ofproto *ofproto_ OVS_UNUSED,
          char **devnamep OVS_UNUSED)
{
    return EAGAIN;
}

static void
port_poll_wait(const struct ofproto *ofproto_ OVS_UNUSED)
{
}

/* BFD, LLDP and CFM are not implemented on VFP bridges: accept only their
 * absence, so that ofproto reports a configuration that asks for them. */

static int
set_bfd(struct ofport *port OVS_UNUSED, const struct smap *cfg)
{
    return smap_get_bool(cfg, "enable", false) ? EOPNOTSUPP : 0;
}

static int
set_lldp(struct ofport *port OVS_UNUSED, const struct smap *cfg)
{
    return cfg && smap_get_bool(cfg, "enable", false) ? EOPNOTSUPP : 0;
}

static int
set_cfm(struct ofport *port OVS_UNUSED, const struct cfm_settings *s)
{
    return s ? EOPNOTSUPP : 0;
}

/* OpenFlow rules.  See "OpenFlow" in ofproto-vfp.h. */

static struct rule *
rule_alloc(void)
{
    return xzalloc(sizeof(struct rule));
}

static void
rule_dealloc(struct rule *rule)
{
    free(rule);
}

/* True if 'rule' is one that ovs-vswitchd installs by itself: a hidden rule
 * (fail-open, in-band: priority above 65535) or the catch-all NORMAL rule
 * that a bridge in standalone fail-mode gets. */
static bool
rule_is_internal(const struct rule *rule)
{
    if (rule->cr.priority > UINT16_MAX) {
        return true;
    }

    const struct rule_actions *actions = rule_get_actions(rule);
    const struct ofpact_output *output;

    if (rule->cr.priority || !minimask_is_catchall(rule->cr.match.mask)
        || actions->ofpacts_len != OFPACT_ALIGN(sizeof *output)
        || actions->ofpacts->type != OFPACT_OUTPUT) {
        return false;
    }
    output = ofpact_get_OUTPUT(actions->ofpacts);
    return output->port == OFPP_NORMAL;
}

static enum ofperr
rule_construct(struct rule *rule)
{
    if (rule_is_internal(rule)) {
        return 0;
    }

    VLOG_WARN_RL(&rl, "%s: refusing OpenFlow flow: a VFP bridge is "
                 "programmed with vfp-ctl (layers, groups, rules), not "
                 "OpenFlow flows", rule->ofproto->name);
    return OFPERR_OFPFMFC_EPERM;
}

static enum ofperr
rule_insert(struct rule *rule OVS_UNUSED, struct rule *old_rule OVS_UNUSED,
            bool forward_counts OVS_UNUSED)
{
    return 0;
}

static void
rule_destruct(struct rule *rule OVS_UNUSED)
{
}

static void
rule_get_stats(struct rule *rule OVS_UNUSED, struct pkt_stats *stats,
               long long int *used)
{
    memset(stats, 0, sizeof *stats);
    *used = 0;
}

static bool
port_has_layers(const struct vfp_ofport *port)
{
    return port && vfp_port_layers(port->vfp_port)->n;
}

/* Packet-out: the provider hook that turns a packet-out's OpenFlow actions
 * into datapath actions.  It is not a second translator: VFP's pipeline is
 * the translator's (xlate.h), which NORMAL and TABLE take as a packet
 * received on the packet-out's in_port, through vfp_upcall_packet_out()
 * (its outbound layers, forwarding, each destination's inbound layers,
 * with their side effects: it is a real packet), and they need an in_port
 * that is a VFP port.  What is left here is only what OpenFlow's output
 * actions mean and VFP has no notion of: an output to a port, FLOOD, ALL
 * and IN_PORT name their ports themselves and become plain datapath
 * outputs, refused if the in_port or a port they name has layers, so that
 * no path into (or out of) a VM bypasses its layers. */
static enum ofperr
packet_xlate(struct ofproto *ofproto_, struct ofproto_packet_out *opo)
{
    struct ofproto_vfp *ofproto = ofproto_vfp_cast(ofproto_);
    struct ofpbuf *odp_actions = ofpbuf_new(64);
    const struct vfp_fwd *fwd = vfp_backer_fwd(ofproto->backer);
    const struct vfp_fwd_bridge *bridge = vfp_fwd_find_bridge(
        fwd, ofproto->up.name);
    struct vfp_ofport *in_port = vfp_ofport_cast(
        ofproto_get_port(ofproto_, opo->flow->in_port.ofp_port));
    odp_port_t in_odp = in_port ? in_port->odp_port : ODPP_NONE;
    const struct ofpact *a;
    enum ofperr error = 0;

    OFPACT_FOR_EACH (a, opo->ofpacts, opo->ofpacts_len) {
        if (a->type != OFPACT_OUTPUT) {
            error = OFPERR_OFPBAC_BAD_TYPE;
            break;
        }

        ofp_port_t port = ofpact_get_OUTPUT(a)->port;
        if (port == OFPP_NORMAL || port == OFPP_TABLE) {
            struct flow flow = *opo->flow;

            flow.in_port.odp_port = in_odp;
            if (!bridge || !vfp_upcall_packet_out(ofproto->backer, &flow,
                                                  opo->packet, odp_actions)) {
                VLOG_WARN_RL(&rl, "%s: packet-out to NORMAL refused: its "
                             "in_port is not a VFP port of the bridge",
                             ofproto->up.name);
                error = OFPERR_OFPBRC_BAD_PORT;
                break;
            }
            continue;
        }
        if (port_has_layers(in_port)) {
            error = OFPERR_OFPBAC_BAD_OUT_PORT;
            break;
        } else if (port == OFPP_FLOOD || port == OFPP_ALL) {
            struct vfp_ofport *out;
            HMAP_FOR_EACH (out, up.hmap_node, &ofproto->up.ports) {
                if (port_has_layers(out)) {
                    error = OFPERR_OFPBAC_BAD_OUT_PORT;
                }
            }
            if (error) {
                break;
            }
            HMAP_FOR_EACH (out, up.hmap_node, &ofproto->up.ports) {
                if (out != in_port) {
                    nl_msg_put_odp_port(odp_actions, OVS_ACTION_ATTR_OUTPUT,
                                        out->odp_port);
                }
            }
        } else if (port == OFPP_IN_PORT) {
            if (in_port) {
                nl_msg_put_odp_port(odp_actions, OVS_ACTION_ATTR_OUTPUT,
                                    in_odp);
            }
        } else {
            struct vfp_ofport *out = vfp_ofport_cast(
                ofproto_get_port(ofproto_, port));
            if (!out || port_has_layers(out)) {
                error = OFPERR_OFPBAC_BAD_OUT_PORT;
                break;
            }
            if (out != in_port) {
                nl_msg_put_odp_port(odp_actions, OVS_ACTION_ATTR_OUTPUT,
                                    out->odp_port);
            }
        }
    }

    if (error) {
        ofpbuf_delete(odp_actions);
        return error;
    }
    opo->aux = odp_actions;
    return 0;
}

static void
packet_xlate_revert(struct ofproto *ofproto OVS_UNUSED,
                    struct ofproto_packet_out *opo)
{
    ofpbuf_delete(opo->aux);
    opo->aux = NULL;
}

static void
packet_execute_prepare(struct ofproto *ofproto OVS_UNUSED,
                       struct ofproto_packet_out *opo OVS_UNUSED)
{
}

static void
packet_execute(struct ofproto *ofproto_, struct ofproto_packet_out *opo)
{
    struct ofproto_vfp *ofproto = ofproto_vfp_cast(ofproto_);
    struct ofpbuf *odp_actions = opo->aux;
    struct vfp_ofport *in_port = vfp_ofport_cast(
        ofproto_get_port(ofproto_, opo->flow->in_port.ofp_port));
    struct flow flow = *opo->flow;

    flow.in_port.odp_port = in_port ? in_port->odp_port : ODPP_NONE;
    pkt_metadata_from_flow(&opo->packet->md, &flow);

    struct dpif_execute execute = {
        .actions = odp_actions->data,
        .actions_len = odp_actions->size,
        .packet = opo->packet,
        .flow = &flow,
    };
    dpif_execute(ofproto->backer->dpif, &execute);

    ofpbuf_delete(odp_actions);
    opo->aux = NULL;
}

static bool
set_frag_handling(struct ofproto *ofproto OVS_UNUSED,
                  enum ofputil_frag_handling frag_handling)
{
    return frag_handling == OFPUTIL_FRAG_NORMAL;
}

static void
get_netflow_ids(const struct ofproto *ofproto_, uint8_t *engine_type,
                uint8_t *engine_id)
{
    dpif_get_netflow_ids(ofproto_vfp_cast(ofproto_)->backer->dpif,
                         engine_type, engine_id);
}

/* Meters and groups are not part of VFP's model: ofproto reports no meter
 * support (meter_get_features is null), and group-mods are refused. */

static enum ofperr
meter_set(struct ofproto *ofproto OVS_UNUSED,
          ofproto_meter_id *id OVS_UNUSED,
          struct ofputil_meter_config *config OVS_UNUSED)
{
    return OFPERR_OFPMMFC_OUT_OF_METERS;
}

static enum ofperr
meter_get(const struct ofproto *ofproto OVS_UNUSED,
          ofproto_meter_id id OVS_UNUSED,
          struct ofputil_meter_stats *stats OVS_UNUSED,
          uint16_t n_bands OVS_UNUSED)
{
    return OFPERR_OFPMMFC_UNKNOWN_METER;
}

static void
meter_del(struct ofproto *ofproto OVS_UNUSED,
          ofproto_meter_id id OVS_UNUSED)
{
}

static struct ofgroup *
group_alloc(void)
{
    return xzalloc(sizeof(struct ofgroup));
}

static enum ofperr
group_construct(struct ofgroup *group OVS_UNUSED)
{
    return OFPERR_OFPGMFC_EPERM;
}

static void
group_destruct(struct ofgroup *group OVS_UNUSED)
{
}

static void
group_dealloc(struct ofgroup *group)
{
    free(group);
}

static enum ofperr
group_get_stats(const struct ofgroup *group OVS_UNUSED,
                struct ofputil_group_stats *stats OVS_UNUSED)
{
    return 0;
}

const struct ofproto_class ofproto_vfp_class = {
    .init = init,
    .enumerate_types = enumerate_types,
    .enumerate_names = enumerate_names,
    .del = del,
    .port_open_type = port_open_type,
    .type_run = type_run,
    .type_wait = type_wait,
    .alloc = alloc,
    .construct = construct,
    .destruct = destruct,
    .dealloc = dealloc,
    .run = run,
    .wait = ofproto_vfp_wait,
    .type_set_config = type_set_config,
    .type_get_memory_usage = type_get_memory_usage,
    .flush = flush,
    .query_tables = query_tables,
    .set_tables_version = set_tables_version,
    .port_alloc = port_alloc,
    .port_construct = port_construct,
    .port_destruct = port_destruct,
    .port_dealloc = port_dealloc,
    .port_modified = port_modified,
    .port_reconfigured = port_reconfigured,
    .port_query_by_name = port_query_by_name,
    .port_add = port_add,
    .port_del = port_del,
    .port_set_config = port_set_config,
    .set_other_config = set_other_config,
    .port_get_stats = port_get_stats,
    .port_dump_start = port_dump_start,
    .port_dump_next = port_dump_next,
    .port_dump_done = port_dump_done,
    .port_poll = port_poll,
    .port_poll_wait = port_poll_wait,
    .rule_alloc = rule_alloc,
    .rule_construct = rule_construct,
    .rule_insert = rule_insert,
    .rule_destruct = rule_destruct,
    .rule_dealloc = rule_dealloc,
    .rule_get_stats = rule_get_stats,
    .packet_xlate = packet_xlate,
    .packet_xlate_revert = packet_xlate_revert,
    .packet_execute_prepare = packet_execute_prepare,
    .packet_execute = packet_execute,
    .set_frag_handling = set_frag_handling,
    .get_netflow_ids = get_netflow_ids,
    .set_cfm = set_cfm,
    .set_lldp = set_lldp,
    .set_bfd = set_bfd,
    .meter_set = meter_set,
    .meter_get = meter_get,
    .meter_del = meter_del,
    .group_alloc = group_alloc,
    .group_construct = group_construct,
    .group_destruct = group_destruct,
    .group_dealloc = group_dealloc,
    .group_get_stats = group_get_stats,
    .get_datapath_version = get_datapath_version,
};
