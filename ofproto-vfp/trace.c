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

/* "vfp/trace PORT in|out FLOW|packet=HEX": what VFP does to a packet, layer
 * by layer, without side effects (nothing installed, nothing counted).
 *
 * Given a packet, trace parses it as the datapath does and checks its
 * headers as the slow path does (vfp/packet-check.h), and reports the
 * datapath flow that the packet would hit now, if any, so that a test can
 * check that the datapath does what trace says.
 *
 * It runs the very code that handles datapath misses, the translator
 * (xlate.h), with hooks that record each step in a 'struct vfp_trace' as
 * JSON; vfp-ctl renders it. */

#include <config.h>

#include <arpa/inet.h>

#include "dp-packet.h"
#include "dpif.h"
#include "flow.h"
#include "lib/uft-key.h"
#include "netdev.h"
#include "odp-util.h"
#include "ofproto-vfp/backer.h"
#include "ofproto-vfp/forwarding.h"
#include "ofproto-vfp/ofproto-vfp.h"
#include "ofproto-vfp/trace.h"
#include "ofproto-vfp/uf.h"
#include "ofproto-vfp/unixctl-util.h"
#include "ofproto-vfp/xlate.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-parse.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "vfp/layer-flow.h"
#include "vfp/layer.h"
#include "vfp/parse-util.h"
#include "vfp/port.h"
#include "vfp/rule.h"

struct vfp_trace {
    const struct vfp_backer *backer;
    struct json *stages;        /* Array. */
    struct json *stage;         /* Current stage, in 'stages'. */
    struct json *layers;        /* Its layers. */
    struct json *forward;       /* Output ports of forwarding, or NULL. */
    struct json *tunnel;        /* What became of a tunnel packet, or NULL. */
};

static const char *
port_name(const struct vfp_backer *backer, odp_port_t odp_port)
{
    const struct vfp_ofport *port = vfp_backer_find_ofport(backer, odp_port);
    return port ? netdev_get_name(port->up.netdev) : "?";
}

static struct json *
flow_json(const struct flow *flow)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    struct flow f = *flow;

    /* The in_port means nothing to the reader here. */
    f.in_port.ofp_port = 0;
    flow_format(&s, &f, NULL);
    return json_string_create_nocopy(ds_steal_cstr(&s));
}

static struct json *
ht_json(const struct vfp_ht *ht)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    vfp_ht_format(ht, &s);
    return json_string_create_nocopy(ds_steal_cstr(&s));
}

static void
trace_stage(void *trace_, odp_port_t port, enum vfp_dir dir)
{
    struct vfp_trace *trace = trace_;

    if (trace) {
        trace->stage = json_object_create();
        trace->layers = json_array_create_empty();
        json_object_put_string(trace->stage, "port",
                               port_name(trace->backer, port));
        json_object_put_string(trace->stage, "dir", vfp_dir_name(dir));
        json_object_put(trace->stage, "layers", trace->layers);
        json_array_add(trace->stages, trace->stage);
    }
}

static void
trace_layer(const struct vfp_layer_result *result, const struct flow *after,
            void *trace_)
{
    struct vfp_trace *trace = trace_;
    struct json *json = json_object_create();

    json_object_put_string(json, "layer", result->layer->name);
    if (result->rule) {
        json_object_put_string(json, "group", result->group->name);
        json_object_put_string(json, "rule", result->rule->name);
    } else {
        json_object_put(json, "group", json_null_create());
        json_object_put(json, "rule", json_null_create());
    }
    if (result->half) {
        struct ds s = DS_EMPTY_INITIALIZER;

        vfp_tuple_format(&result->half->key, &s);
        json_object_put(json, "layer_flow",
                        json_string_create_nocopy(ds_steal_cstr(&s)));
    } else if (result->rule && result->rule->stateful && !result->ht.drop) {
        json_object_put(json, "creates_flow", json_boolean_create(true));
    }
    if (result->miss) {
        json_object_put(json, "miss", json_boolean_create(true));
    }
    json_object_put(json, "ht", ht_json(&result->ht));
    json_object_put(json, "packet", (result->ht.drop ? json_null_create()
                                     : flow_json(after)));
    json_array_add(trace->layers, json);
}

static void
trace_stage_done(void *trace_, const struct vfp_ht *composite, bool pass)
{
    struct vfp_trace *trace = trace_;

    if (trace) {
        json_object_put(trace->stage, "composite", ht_json(composite));
        json_object_put_string(trace->stage, "result",
                               pass ? "pass" : "drop");
    }
}

/* The current stage's port dropped the packet for its malformed headers,
 * without running its layers. */
static void
trace_malformed(void *trace_, const char *reason)
{
    struct vfp_trace *trace = trace_;

    if (trace) {
        json_object_put_string(trace->stage, "malformed", reason);
        json_object_put_string(trace->stage, "composite", "drop");
        json_object_put_string(trace->stage, "result", "drop");
    }
}

static void
trace_forward(void *trace_, const odp_port_t *outs, size_t n)
{
    struct vfp_trace *trace = trace_;

    if (trace) {
        trace->forward = json_array_create_empty();
        for (size_t i = 0; i < n; i++) {
            json_array_add(trace->forward, json_string_create(
                               port_name(trace->backer, outs[i])));
        }
    }
}

static void
trace_tunnel(void *trace_, const char *what)
{
    struct vfp_trace *trace = trace_;

    if (trace) {
        json_destroy(trace->tunnel);
        trace->tunnel = json_string_create(what);
    }
}

/* The translator's reports, into a 'struct vfp_trace'. */
static const struct vfp_xlate_hooks trace_hooks = {
    .stage = trace_stage,
    .layer = trace_layer,
    .stage_done = trace_stage_done,
    .malformed = trace_malformed,
    .forward = trace_forward,
    .tunnel = trace_tunnel,
};

/* Re-simulates the UF of a packet with headers 'flow' (in_port set) and
 * returns, as a JSON array, the composite HT of each port it goes through
 * ("port", "dir", "composite", "result"), or null if 'flow' entered on no
 * VFP port.  No side effects. */
struct json *
vfp_trace_composites(const struct vfp_backer *backer, const struct flow *flow)
{
    const struct vfp_fwd *fwd = vfp_backer_fwd(backer);
    const struct vfp_fwd_port *in = vfp_fwd_find_port(fwd,
                                                      flow->in_port.odp_port);
    if (!in) {
        return json_null_create();
    }

    struct vfp_trace trace = {
        .backer = backer,
        .stages = json_array_create_empty(),
    };
    struct vfp_uf_info info;
    struct ofpbuf odp_actions;

    ofpbuf_init(&odp_actions, 64);
    vfp_xlate_compile(fwd, in, flow, NULL, false, &odp_actions, &info,
                      &trace_hooks, &trace);
    vfp_uf_info_destroy(&info);
    ofpbuf_uninit(&odp_actions);
    json_destroy(trace.forward);
    json_destroy(trace.tunnel);

    /* Keep the composites, not the layer by layer detail. */
    const struct json_array *stages = json_array(trace.stages);
    for (size_t i = 0; i < stages->n; i++) {
        json_destroy(shash_find_and_delete(json_object(stages->elems[i]),
                                           "layers"));
    }
    return trace.stages;
}

/* OVS's flow parser lets some values wrap ("nw_dst=999.1.1.1" is
 * 231.1.1.1, "vlan_pcp=9" fits its byte): refuses every address and number
 * in 'flow_s' that it would not represent exactly, so that trace never
 * answers for another flow than the one asked about. */
static char * OVS_WARN_UNUSED_RESULT
check_flow_values(const char *flow_s)
{
    char *copy = xstrdup(flow_s);
    char *string = copy;
    char *name, *value;
    char *error = NULL;

    while (!error && ofputil_parse_key_value(&string, &name, &value)) {
        const struct mf_field *mf = mf_from_name(name);
        union {
            struct in_addr a4;
            struct in6_addr a6;
            struct eth_addr mac;
        } u;
        uint64_t x;
        bool ok = true;

        if (!mf || !*value) {
            continue;
        }
        switch (mf->string) {
        case MFS_IPV4:
            ok = inet_pton(AF_INET, value, &u.a4) == 1;
            break;
        case MFS_IPV6:
            ok = inet_pton(AF_INET6, value, &u.a6) == 1;
            break;
        case MFS_ETHERNET:
            ok = vfp_parse_mac(value, &u.mac);
            break;
        case MFS_DECIMAL:
        case MFS_HEXADECIMAL:
            ok = (mf->n_bits > 64
                  || vfp_parse_uint(value, (mf->n_bits == 64 ? UINT64_MAX
                                            : (UINT64_C(1) << mf->n_bits) - 1),
                                    &x));
            break;
        case MFS_CT_STATE:
        case MFS_OFP_PORT:
        case MFS_OFP_PORT_OXM:
        case MFS_FRAG:
        case MFS_TNL_FLAGS:
        case MFS_TCP_FLAGS:
        case MFS_PACKET_TYPE:
        default:
            break;
        }
        if (!ok) {
            char *q = vfp_quote(value);
            error = xasprintf("%s=%s: not a valid value (exact values "
                              "only)", name, q);
            free(q);
        }
    }
    free(copy);
    return error;
}

/* Traces 'flow', which entered on 'port' ('out') or goes to it ('in'), and
 * returns the JSON of what happened: "flow", "stages", "forward", "tunnel"
 * (if it is a tunnel packet that VFP decapsulated or refused) and
 * "datapath_actions".  With 'packet' (the headers 'flow' came from), its
 * bytes are checked as the slow path checks them, and '*per_packet' says
 * whether the slow path would cache no UF for it. */
static struct json *
trace_flow(const struct vfp_backer *backer, const struct vfp_fwd_port *fport,
           bool out, const struct flow *flow, const struct dp_packet *packet,
           bool *per_packet)
{
    const struct vfp_fwd *fwd = vfp_backer_fwd(backer);
    struct vfp_trace trace = {
        .backer = backer,
        .stages = json_array_create_empty(),
    };
    struct ofpbuf odp_actions;
    ofpbuf_init(&odp_actions, 64);

    *per_packet = false;
    if (out) {
        struct vfp_uf_info info;

        vfp_xlate_compile(fwd, fport, flow, packet, false, &odp_actions,
                          &info, &trace_hooks, &trace);
        /* As the slow path decides (vfp_xlate_uf()); a trace makes no
         * state, so "incomplete" (state a real packet would make) does
         * not count. */
        *per_packet = (vfp_xlate_per_packet(&info, flow)
                       || (info.proc.no_cache & ~VFP_NO_CACHE_INCOMPLETE));
        vfp_uf_info_destroy(&info);
    } else {
        /* Toward the VM: the port's inbound layers only. */
        vfp_xlate_inbound(fport, flow, packet, &odp_actions, &trace_hooks,
                          &trace);
    }

    struct json *json = json_object_create();
    struct ds actions = DS_EMPTY_INITIALIZER;
    /* Prints "drop" for no actions. */
    format_odp_actions(&actions, odp_actions.data, odp_actions.size, NULL);
    json_object_put(json, "flow", flow_json(flow));
    json_object_put(json, "stages", trace.stages);
    json_object_put(json, "forward", (trace.forward ? trace.forward
                                      : json_null_create()));
    if (trace.tunnel) {
        json_object_put(json, "tunnel", trace.tunnel);
    }
    json_object_put_string(json, "datapath_actions", ds_cstr(&actions));
    ds_destroy(&actions);
    ofpbuf_uninit(&odp_actions);
    return json;
}

/* For "vfp-ctl trace PORT out packet=HEX": if 'packet', with headers
 * 'flow', from 'fport', is a tunnel packet for the bridge's endpoint
 * (what the userspace datapath pops, and the kernel's vport decapsulates
 * once the host's stack hands it over), decapsulates it as the tunnel port
 * does and traces the inner packet from the tunnel port; returns that
 * trace, with "tunnel_port" (the tunnel port's name) and, if the tunnel port's
 * header checks dropped it, "dropped", or NULL for any other packet.
 * Consumes 'packet'. */
static struct json *
trace_decap(const struct vfp_backer *backer, const struct vfp_fwd_port *fport,
            const struct flow *flow, struct dp_packet *packet)
{
    const struct vfp_fwd_bridge *bridge = fport->bridge;

    if (!fport->uplink || !vfp_fwd_for_endpoint(bridge, flow, NULL)) {
        dp_packet_delete(packet);
        return NULL;
    }

    struct dp_packet_batch batch;
    dp_packet_batch_init_packet(&batch, packet);
    netdev_pop_header(CONST_CAST(struct netdev *, bridge->tunnel_netdev),
                      &batch);

    struct json *json;
    if (dp_packet_batch_is_empty(&batch)) {
        json = json_object_create();
        json_object_put_string(json, "dropped", "the tunnel port's header "
                               "checks refused it (bad VXLAN flags, GRE "
                               "version or flags, or checksum)");
    } else {
        const struct vfp_fwd_port *tport = vfp_fwd_find_port(
            vfp_backer_fwd(backer), bridge->tunnel);
        struct flow inner;
        bool per_packet;

        packet = batch.packets[0];
        packet->md.in_port.odp_port = bridge->tunnel;
        flow_extract(packet, &inner);
        json = trace_flow(backer, tport, true, &inner, packet, &per_packet);
        dp_packet_delete_batch(&batch, true);
    }
    json_object_put_string(json, "tunnel_port",
                           port_name(backer, bridge->tunnel));
    return json;
}

/* True if 'flow' matches datapath flow 'f', key and mask. */
static bool
dp_flow_matches(const struct dpif_flow *f, const struct flow *flow)
{
    struct flow_wildcards wc;
    struct flow key;

    if (odp_flow_key_to_flow(f->key, f->key_len, &key, NULL) == ODP_FIT_ERROR
        || odp_flow_key_to_mask(f->mask, f->mask_len, &wc, &key,
                                NULL) == ODP_FIT_ERROR) {
        return false;
    }

    const uint64_t *a = (const uint64_t *) flow;
    const uint64_t *b = (const uint64_t *) &key;
    const uint64_t *m = (const uint64_t *) &wc.masks;
    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((a[i] ^ b[i]) & m[i]) {
            return false;
        }
    }
    return true;
}

/* True if 'f' is a tunnel pop flow that the unified flow table holds as
 * such (lib/uft-key.h): one found by the table's lenient pop parser. */
static bool
is_uft_pop_flow(const struct dpif_flow *f)
{
    struct uft_key key;
    struct match match;

    if (f->actions_len != NL_A_U32_SIZE
        || nl_attr_type(f->actions) != OVS_ACTION_ATTR_TUNNEL_POP
        || odp_flow_key_to_flow(f->key, f->key_len, &match.flow,
                                NULL) == ODP_FIT_ERROR
        || odp_flow_key_to_mask(f->mask, f->mask_len, &match.wc, &match.flow,
                                NULL) == ODP_FIT_ERROR) {
        return false;
    }
    return uft_key_pop_from_match(&match, &key);
}

/* The datapath flow a packet with headers 'flow' would hit now: {"ufid",
 * "actions"}, or null.  'uft_parses' and 'uft_pop_parses' say whether the
 * unified flow table's parsers read the packet.  Dumps the datapath: for
 * tests and debugging. */
static struct json *
find_dp_flow(const struct vfp_backer *backer, const struct flow *flow,
             bool uft_parses, bool uft_pop_parses)
{
    struct dpif_flow_dump *dump = dpif_flow_dump_create(backer->dpif, false,
                                                        NULL);
    struct dpif_flow_dump_thread *thread = dpif_flow_dump_thread_create(dump);
    struct json *json = NULL;
    struct dpif_flow flows[50];
    int n;

    /* The dump always runs to its end: OVS's userspace datapath drops its
     * reference to the PMD thread being dumped only there, not in
     * dpif_flow_dump_destroy(), and a dump stopped early leaks it. */
    while ((n = dpif_flow_dump_next(thread, flows, ARRAY_SIZE(flows))) > 0) {
        for (int i = 0; i < n && !json; i++) {
            /* The unified flow table's entries are found only by the
             * packets its parser accepts, its pop flows by those of its
             * pop parser (lib/uft-key.h); the others miss them and go to
             * the slow path. */
            bool in_uft = (flows[i].attrs.dp_layer
                           && !strcmp(flows[i].attrs.dp_layer, "uft"));
            bool reachable = (!in_uft
                              || (is_uft_pop_flow(&flows[i])
                                  ? uft_pop_parses : uft_parses));

            if (reachable && dp_flow_matches(&flows[i], flow)) {
                struct ds s = DS_EMPTY_INITIALIZER;

                json = json_object_create();
                odp_format_ufid(&flows[i].ufid, &s);
                json_object_put_string(json, "ufid", ds_cstr(&s));
                ds_clear(&s);
                format_odp_actions(&s, flows[i].actions, flows[i].actions_len,
                                   NULL);
                json_object_put(json, "actions",
                                json_string_create_nocopy(ds_steal_cstr(&s)));
            }
        }
    }
    dpif_flow_dump_thread_destroy(thread);
    dpif_flow_dump_destroy(dump);
    return json ? json : json_null_create();
}

/* vfp/trace PORT in|out FLOW|packet=HEX */
static void
trace_unixctl(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[], void *aux OVS_UNUSED)
{
    char *error;
    struct vfp_ofport *port = vfp_ofport_find(argv[1], &error);
    struct dp_packet *packet = NULL;
    struct flow flow;

    if (!port) {
        goto error;
    }
    if (strcmp(argv[2], "in") && strcmp(argv[2], "out")) {
        error = xasprintf("direction \"%s\" is not in or out", argv[2]);
        goto error;
    }
    if (!strncmp(argv[3], "packet=", 7)) {
        /* A whole packet, as hex: its headers are the flow, and a tunnel
         * packet is followed through its decapsulation. */
        const char *msg = eth_from_hex(argv[3] + 7, &packet);
        if (msg) {
            error = xasprintf("packet \"%s\": %s", argv[3] + 7, msg);
            goto error;
        }
        pkt_metadata_init(&packet->md, port->odp_port);
        flow_extract(packet, &flow);
    } else {
        error = check_flow_values(argv[3]);
        if (!error) {
            error = parse_ofp_exact_flow(&flow, NULL, NULL, argv[3], NULL);
        }
        if (error) {
            char *msg = xasprintf("flow \"%s\": %s", argv[3], error);
            free(error);
            error = msg;
            goto error;
        }
    }
    flow.in_port.odp_port = port->odp_port;

    if (flow.nw_frag) {
        /* What the datapath does with a fragment, wherever it goes: no UF,
         * no verdict of its own (fragments.h). */
        struct json *json = json_object_create();

        json_object_put_string(json, "port", argv[1]);
        json_object_put_string(json, "dir", argv[2]);
        json_object_put(json, "flow", flow_json(&flow));
        json_object_put(json, "stages", json_array_create_empty());
        json_object_put(json, "forward", json_null_create());
        json_object_put_string(json, "fragment", "held for reassembly; the "
                               "reassembled datagram's verdict and actions "
                               "apply to every fragment; tiny, overlapping "
                               "and expired fragments are dropped");
        json_object_put_string(json, "datapath_actions", "drop");
        if (packet && !strcmp(argv[2], "out")) {
            json_object_put_string(json, "cache", "per-packet");
        }
        vfp_unixctl_reply_json(conn, json);
        dp_packet_delete(packet);
        return;
    }

    const struct vfp_backer *backer
        = ofproto_vfp_cast(port->up.ofproto)->backer;
    const struct vfp_fwd_port *fport = vfp_fwd_find_port(
        vfp_backer_fwd(backer), port->odp_port);
    bool out = !strcmp(argv[2], "out");
    bool per_packet;
    struct json *json = trace_flow(backer, fport, out, &flow, packet,
                                   &per_packet);

    json_object_put_string(json, "port", argv[1]);
    json_object_put_string(json, "dir", argv[2]);
    if (packet && out) {
        /* Whether the slow path would cache the result as a UF, as far as
         * the packet alone decides (a closing connection, a resource miss
         * or a full port also keep it per packet). */
        json_object_put_string(json, "cache",
                               per_packet ? "per-packet" : "uf");
    }
    if (packet) {
        /* On a copy: the parser sets offsets and the RSS hash. */
        struct dp_packet *copy = dp_packet_clone(packet);
        struct uft_key key;
        uint16_t tcp_flags;
        bool uft_parses, uft_pop_parses;

        pkt_metadata_init(&copy->md, port->odp_port);
        uft_parses = uft_key_from_packet(copy, port->odp_port, &key,
                                         &tcp_flags);
        uft_pop_parses = uft_key_pop_from_packet(copy, port->odp_port, &key);
        dp_packet_delete(copy);
        json_object_put(json, "datapath_flow",
                        find_dp_flow(backer, &flow, uft_parses,
                                     uft_pop_parses));
    }
    if (packet && out) {
        struct json *decap = trace_decap(backer, fport, &flow, packet);
        if (decap) {
            json_object_put(json, "decap", decap);
        }
    } else {
        dp_packet_delete(packet);
    }
    vfp_unixctl_reply_json(conn, json);
    return;

error:
    vfp_unixctl_reply_error(conn, error);
    free(error);
    dp_packet_delete(packet);
}

void
vfp_trace_unixctl_init(void)
{
    unixctl_command_register("vfp/trace", "PORT in|out FLOW|packet=HEX", 3, 3,
                             trace_unixctl, NULL);
}
