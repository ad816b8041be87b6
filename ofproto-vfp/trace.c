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
 * It runs the very code that handles datapath misses,
 * vfp_upcall_compile(), with a 'struct vfp_trace' that records each step
 * as JSON; vfp-ctl renders it. */

#include <config.h>

#include "dp-packet.h"
#include "dpif.h"
#include "flow.h"
#include "odp-util.h"
#include "ofproto-vfp/forwarding.h"
#include "ofproto-vfp/ofproto-vfp.h"
#include "ofproto-vfp/uf.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "unixctl.h"
#include "timeval.h"
#include "util.h"
#include "vfp/flow-table.h"
#include "vfp/layer.h"
#include "vfp/port.h"
#include "vfp/rule.h"

struct vfp_trace {
    const struct vfp_backer *backer;
    struct json *stages;        /* Array. */
    struct json *stage;         /* Current stage, in 'stages'. */
    struct json *layers;        /* Its layers. */
    struct json *forward;       /* Output ports of forwarding, or NULL. */
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

void
vfp_trace_stage(struct vfp_trace *trace, odp_port_t port, enum vfp_dir dir)
{
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

void
vfp_trace_layer(const struct vfp_layer_result *result,
                const struct flow *after, void *trace_)
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

void
vfp_trace_stage_done(struct vfp_trace *trace, const struct vfp_ht *composite,
                     bool pass)
{
    if (trace) {
        json_object_put(trace->stage, "composite", ht_json(composite));
        json_object_put_string(trace->stage, "result",
                               pass ? "pass" : "drop");
    }
}

/* The current stage's port dropped the packet for its malformed headers,
 * without running its layers. */
void
vfp_trace_malformed(struct vfp_trace *trace, const char *reason)
{
    if (trace) {
        json_object_put_string(trace->stage, "malformed", reason);
        json_object_put_string(trace->stage, "composite", "drop");
        json_object_put_string(trace->stage, "result", "drop");
    }
}

void
vfp_trace_forward(struct vfp_trace *trace, const odp_port_t *outs, size_t n)
{
    if (trace) {
        trace->forward = json_array_create_empty();
        for (size_t i = 0; i < n; i++) {
            json_array_add(trace->forward, json_string_create(
                               port_name(trace->backer, outs[i])));
        }
    }
}

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
    vfp_upcall_compile(fwd, in, flow, NULL, false, &odp_actions, &info,
                       &trace);
    vfp_uf_info_destroy(&info);
    ofpbuf_uninit(&odp_actions);
    json_destroy(trace.forward);

    /* Keep the composites, not the layer by layer detail. */
    const struct json_array *stages = json_array(trace.stages);
    for (size_t i = 0; i < stages->n; i++) {
        json_destroy(shash_find_and_delete(json_object(stages->elems[i]),
                                           "layers"));
    }
    return trace.stages;
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

/* The datapath flow a packet with headers 'flow' would hit now: {"ufid",
 * "actions"}, or null.  Dumps the datapath: for tests and debugging. */
static struct json *
find_dp_flow(const struct vfp_backer *backer, const struct flow *flow)
{
    struct dpif_flow_dump *dump = dpif_flow_dump_create(backer->dpif, false,
                                                        NULL);
    struct dpif_flow_dump_thread *thread = dpif_flow_dump_thread_create(dump);
    struct json *json = NULL;
    struct dpif_flow flows[50];
    int n;

    while (!json && (n = dpif_flow_dump_next(thread, flows,
                                             ARRAY_SIZE(flows))) > 0) {
        for (int i = 0; i < n && !json; i++) {
            if (dp_flow_matches(&flows[i], flow)) {
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
        const char *hex = argv[3] + 7;

        const char *bad = eth_from_hex(hex, &packet);
        error = NULL;
        if (bad) {
            error = xasprintf("packet \"%s\": %s", hex, bad);
            goto error;
        }
        /* As the datapath parses it on receive. */
        pkt_metadata_init(&packet->md, port->odp_port);
        flow_extract(packet, &flow);
    } else {
        error = parse_ofp_exact_flow(&flow, NULL, NULL, argv[3], NULL);
    }
    if (error) {
        char *msg = xasprintf("flow \"%s\": %s", argv[3], error);
        free(error);
        error = msg;
        goto error;
    }
    flow.in_port.odp_port = port->odp_port;

    const struct vfp_backer *backer
        = ofproto_vfp_cast(port->up.ofproto)->backer;
    const struct vfp_fwd *fwd = vfp_backer_fwd(backer);
    const struct vfp_fwd_port *fport = vfp_fwd_find_port(fwd,
                                                         port->odp_port);
    struct vfp_trace trace = {
        .backer = backer,
        .stages = json_array_create_empty(),
    };
    struct ofpbuf odp_actions;
    ofpbuf_init(&odp_actions, 64);

    enum vfp_malformed malformed;
    bool per_packet = false;
    if (!strcmp(argv[2], "out")) {
        struct vfp_uf_info info;

        vfp_upcall_compile(fwd, fport, &flow, packet, false, &odp_actions,
                           &info, &trace);
        per_packet = vfp_upcall_per_packet(&info, &flow);
        vfp_uf_info_destroy(&info);
    } else if (packet && vfp_port_layers(port->vport)->n
               && (malformed = vfp_packet_check(dp_packet_data(packet),
                                                dp_packet_size(packet)))) {
        /* As a destination port with layers drops it in the slow path. */
        vfp_trace_stage(&trace, port->odp_port, VFP_DIR_IN);
        vfp_trace_malformed(&trace, vfp_malformed_name(malformed));
    } else {
        /* Toward the VM: the port's inbound layers only. */
        struct flow in_flow = flow;
        struct vfp_proc proc;
        struct vfp_ht ht;

        vfp_proc_init(&proc, false, time_msec());
        vfp_trace_stage(&trace, port->odp_port, VFP_DIR_IN);
        bool pass = vfp_port_process(port->vport, VFP_DIR_IN, &in_flow, &ht,
                                     vfp_trace_layer, &trace, &proc);
        vfp_proc_destroy(&proc);
        vfp_trace_stage_done(&trace, &ht, pass);
        if (pass) {
            struct flow base = flow;
            struct flow_wildcards writable;

            memset(&writable.masks, 0xff, sizeof writable.masks);
            commit_odp_actions(&in_flow, &base, &odp_actions, &writable,
                               true, false, false, NULL);
            nl_msg_put_odp_port(&odp_actions, OVS_ACTION_ATTR_OUTPUT,
                                port->odp_port);
        }
    }

    struct json *json = json_object_create();
    struct ds actions = DS_EMPTY_INITIALIZER;
    /* Prints "drop" for no actions. */
    format_odp_actions(&actions, odp_actions.data, odp_actions.size, NULL);
    json_object_put_string(json, "port", argv[1]);
    json_object_put_string(json, "dir", argv[2]);
    json_object_put(json, "flow", flow_json(&flow));
    json_object_put(json, "stages", trace.stages);
    json_object_put(json, "forward", (trace.forward ? trace.forward
                                      : json_null_create()));
    json_object_put_string(json, "datapath_actions", ds_cstr(&actions));
    if (packet && !strcmp(argv[2], "out")) {
        /* Whether the slow path would cache the result as a UF, as far as
         * the packet alone decides (a closing connection, a resource miss
         * or a full port also keep it per packet). */
        json_object_put_string(json, "cache",
                               per_packet ? "per-packet" : "uf");
    }
    if (packet) {
        json_object_put(json, "datapath_flow", find_dp_flow(backer, &flow));
    }
    ds_destroy(&actions);
    dp_packet_delete(packet);
    ofpbuf_uninit(&odp_actions);
    vfp_unixctl_reply_json(conn, json);
    return;

error:
    unixctl_command_reply_error(conn, error);
    free(error);
    dp_packet_delete(packet);
}

void
vfp_trace_unixctl_init(void)
{
    unixctl_command_register("vfp/trace", "PORT in|out FLOW|packet=HEX", 3, 3,
                             trace_unixctl, NULL);
}
