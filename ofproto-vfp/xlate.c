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

/* The translator: VFP for one packet, into datapath actions (xlate.h). */

#include <config.h>
#include "ofproto-vfp/xlate.h"

#include "dp-packet.h"
#include "netdev.h"
#include "netlink.h"
#include "odp-util.h"
#include "ofproto-vfp/forwarding.h"
#include "ofproto-vfp/uf.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "vfp/counter.h"
#include "vfp/layer-flow.h"
#include "vfp/layer.h"
#include "vfp/packet-check.h"
#include "vfp/port.h"
#include "vfp/rule.h"

VLOG_DEFINE_THIS_MODULE(vfp_xlate);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

/* Collects what a UF goes through while vfp_xlate_compile() runs. */
struct compile_ctx {
    struct vfp_uf_info *info;
    const struct vfp_xlate_hooks *hooks;    /* Reports, or NULL. */
    void *aux;                              /* For 'hooks'. */
    enum vfp_dir dir;
};

/* Reports to the hooks of 'ctx', if any. */

static void
report_stage(const struct compile_ctx *ctx, odp_port_t port, enum vfp_dir dir)
{
    if (ctx->hooks) {
        ctx->hooks->stage(ctx->aux, port, dir);
    }
}

static void
report_stage_done(const struct compile_ctx *ctx, const struct vfp_ht *ht,
                  bool pass)
{
    if (ctx->hooks) {
        ctx->hooks->stage_done(ctx->aux, ht, pass);
    }
}

static void
report_malformed(const struct compile_ctx *ctx, const char *reason)
{
    if (ctx->hooks) {
        ctx->hooks->malformed(ctx->aux, reason);
    }
}

static void
report_forward(const struct compile_ctx *ctx, const odp_port_t *outs,
               size_t n)
{
    if (ctx->hooks) {
        ctx->hooks->forward(ctx->aux, outs, n);
    }
}

static void
report_tunnel(const struct compile_ctx *ctx, const char *what)
{
    if (ctx->hooks) {
        ctx->hooks->tunnel(ctx->aux, what);
    }
}

static void
add_counter(struct vfp_uf_info *info, struct vfp_counter *counter)
{
    if (info->n_counters >= info->allocated_counters) {
        info->counters = x2nrealloc(info->counters,
                                    &info->allocated_counters,
                                    sizeof *info->counters);
    }
    info->counters[info->n_counters++] = counter;
}

/* Adds 'port' to the UF before its layers process the packet in direction
 * 'dir'.  Returns false if the port drops the packet instead, because its
 * headers are malformed and the port has layers, which could match on what
 * the parser did not see (vfp/packet-check.h); counted there, in the slow
 * path, under the reason. */
static bool
add_port(struct compile_ctx *ctx, const struct vfp_fwd_port *port,
         enum vfp_dir dir, size_t packet_size)
{
    struct vfp_uf_info *info = ctx->info;

    /* Read generations before the layers: a change in between makes the UF
     * stale rather than wrongly current. */
    info->ports[info->n_ports++] = (struct vfp_uf_port) {
        port->odp_port, vfp_port_generation(port->vfp_port) };
    ctx->dir = dir;
    report_stage(ctx, port->odp_port, dir);

    if (vfp_port_layers(port->vfp_port)->n) {
        info->layered = true;
        if (info->malformed) {
            if (info->proc.commit && !info->proc.simulated) {
                vfp_counter_add(CONST_CAST(struct vfp_counter *,
                                           &port->vfp_port->malformed[
                                               info->malformed]),
                                1, packet_size);
            }
            report_malformed(ctx, vfp_malformed_name(info->malformed));
            return false;
        }
    }
    add_counter(info, CONST_CAST(struct vfp_counter *,
                                 &port->vfp_port->stats[dir]));
    return true;
}

/* Adds the counters of the connections and layer flows that the layers
 * went through (in 'info->proc') to the UF's counters. */
void
vfp_xlate_add_proc_counters(struct vfp_uf_info *info)
{
    for (size_t i = 0; i < info->proc.n_counters; i++) {
        add_counter(info, info->proc.counters[i]);
    }
}

/* True if the packet that made 'info', with headers 'flow', must be
 * handled alone instead of caching a UF: through a port with layers, a
 * malformed packet (its UF would drop valid packets of the same key), or
 * a key that a malformed packet can also have (its UF would let malformed
 * packets through).  See vfp/packet-check.h. */
bool
vfp_xlate_per_packet(const struct vfp_uf_info *info, const struct flow *flow)
{
    return info->layered && (info->malformed
                             || vfp_flow_is_ambiguous(flow));
}

/* vfp_port_process() callback: after each layer. */
static void
layer_done(const struct vfp_layer_result *result, const struct flow *after,
           void *ctx_)
{
    struct compile_ctx *ctx = ctx_;
    struct vfp_layer *layer = CONST_CAST(struct vfp_layer *, result->layer);
    struct vfp_rule *rule = CONST_CAST(struct vfp_rule *, result->rule);

    add_counter(ctx->info, &layer->stats[ctx->dir]);
    if (result->half) {
        struct vfp_layer_flow_half *half
            = CONST_CAST(struct vfp_layer_flow_half *, result->half);
        struct vfp_layer_flow *f = vfp_layer_flow_from_half(half);

        add_counter(ctx->info, &half->stats);
        if (f->rule_stats) {
            /* The rule acts through its layer flows. */
            add_counter(ctx->info, &f->rule_stats->counter);
        }
        if (f->context) {
            add_counter(ctx->info, f->context);
        }
    } else if (rule) {
        add_counter(ctx->info, &rule->stats->counter);
        if (rule->context) {
            add_counter(ctx->info, rule->context);
        }
    }
    if (ctx->hooks) {
        ctx->hooks->layer(result, after, ctx->aux);
    }
}

/* Appends the datapath actions that send 'flow', encapsulated in 'encap'
 * by the layers, out of 'bridge''s uplink.  Userspace datapath: the tunnel
 * port builds the outer header, tnl_push() puts it on, the uplink sends it.
 * Kernel datapath: set(tunnel(...)) and output to the tunnel port, whose
 * device encapsulates (outer MACs come from the kernel's routing there).
 * Returns false, appending nothing, if the bridge cannot: no uplink, or no
 * tunnel port of the right type. */
static bool
compile_encap(const struct vfp_fwd *fwd, const struct vfp_fwd_bridge *bridge,
              const struct vfp_encap *encap, struct ofpbuf *odp_actions)
{
    const struct netdev *tunnel = bridge->tunnel_netdev;

    if (bridge->uplink == ODPP_NONE || !tunnel
        || strcmp(netdev_get_type(tunnel), vfp_encap_type_name(encap->type))) {
        VLOG_WARN_RL(&rl, "%s: cannot encap(%s): the bridge needs an uplink "
                     "and a %s tunnel port", bridge->name,
                     vfp_encap_type_name(encap->type),
                     vfp_encap_type_name(encap->type));
        return false;
    }

    struct flow tnl_flow;
    memset(&tnl_flow, 0, sizeof tnl_flow);
    vfp_encap_to_tunnel(encap, &tnl_flow.tunnel);
    if (encap->type == VFP_ENCAP_GRE) {
        tnl_flow.tunnel.tun_id = vfp_nvgre_vsid_to_key(encap->key);
    }

    if (!fwd->userspace) {
        odp_put_tunnel_action(&tnl_flow.tunnel, odp_actions, NULL);
        nl_msg_put_odp_port(odp_actions, OVS_ACTION_ATTR_OUTPUT,
                            bridge->tunnel);
        return true;
    }

    struct netdev_tnl_build_header_params params;
    struct ovs_action_push_tnl data;
    struct in6_addr s_ip;

    in6_addr_set_mapped_ipv4(&s_ip, encap->ip_src);
    netdev_init_tnl_build_header_params(&params, &tnl_flow, &s_ip,
                                        encap->eth_dst, encap->eth_src);
    if (netdev_build_header(tunnel, &data, &params)) {
        VLOG_WARN_RL(&rl, "%s: %s cannot build a %s header", bridge->name,
                     netdev_get_name(tunnel),
                     vfp_encap_type_name(encap->type));
        return false;
    }
    data.tnl_port = bridge->tunnel;
    data.out_port = bridge->uplink;
    odp_put_tnl_push_action(odp_actions, &data);
    nl_msg_put_odp_port(odp_actions, OVS_ACTION_ATTR_OUTPUT, bridge->uplink);
    return true;
}

/* True if 'flow', from 'in', is tunnel traffic that the userspace datapath
 * must decapsulate before VFP sees the packet inside: it came in on the
 * uplink, addressed to the bridge's tunnel endpoint, for its tunnel port's
 * protocol (vfp_fwd_for_endpoint()).  The kernel datapath decapsulates in
 * its vport, for what the host's stack hands it. */
static bool
must_pop(const struct vfp_fwd *fwd, const struct vfp_fwd_port *in,
         const struct flow *flow)
{
    return (fwd->userspace && in->uplink
            && vfp_fwd_for_endpoint(in->bridge, flow, NULL));
}

/* Sets 'wc' to the mask of the datapath flow that pops the outer headers of
 * the tunneled packet 'flow' from 'in' (must_pop() is true): what
 * must_pop() reads and nothing else, so that the flow pops exactly the
 * packets the slow path would.  Each connection behind a remote host has
 * its own outer UDP source port (the inner flow's hash), so the exact match
 * of a UF would cost a datapath flow and an upcall per connection for a
 * decision that is the same for all: one flow pops them all, as
 * ofproto-dpif's native tunneling does.  The tunnel port's pop drops what
 * is not of its protocol (VXLAN flags, GRE version and flags); the inner
 * packet's UF, after recirculation, stays exact (the outer header is its
 * tunnel metadata) and vfp_fwd_tnl_accept() checks the rest. */
static void
pop_mask(const struct vfp_fwd_port *in, const struct flow *flow,
         struct flow_wildcards *wc)
{
    flow_wildcards_init_catchall(wc);
    wc->masks.recirc_id = UINT32_MAX;
    wc->masks.in_port.odp_port = u32_to_odp(UINT32_MAX);
    wc->masks.packet_type = OVS_BE32_MAX;
    vfp_fwd_for_endpoint(in->bridge, flow, wc);
}

/* True if 'flow', from 'in', is a tunnel packet that the bridge must not
 * take: decapsulated by the tunnel port but not for the endpoint or not of
 * its protocol (the kernel's vport decapsulates whatever the host's stack
 * gives it), or sent by a VM port to the endpoint, which decapsulates only
 * what comes from the underlay. */
static bool
tunnel_refused(const struct vfp_fwd_port *in, const struct flow *flow)
{
    return (in->tunnel
            ? !vfp_fwd_tnl_accept(in->bridge, in->odp_port, flow)
            : !in->uplink && vfp_fwd_for_endpoint(in->bridge, flow, NULL));
}

/* Runs VFP for the first packet of a connection, with headers 'flow', that
 * entered on 'in': the outbound layers of 'in', forwarding on the packet as
 * they left it, then the inbound layers of each destination port.  Appends
 * the datapath actions to 'odp_actions': for each destination, what turns
 * the packet into what that port's layers made of it, then the output.
 * Fills 'info' with the ports whose layers were consulted, with their
 * generations, the counters the UF's packets count in, and the packet's
 * connections; the caller frees it with vfp_uf_info_destroy().
 *
 * Without 'hooks' or 'simulated', this is the slow path of a packet that
 * really passed: connections and layer flows are recorded, resources taken,
 * events raised.  'simulated' (no packet, see pairing.h) and 'hooks' (each
 * step is reported to them, with 'aux') have no side effects: a simulation
 * only finds the connections that exist, and sets VFP_NO_CACHE_INCOMPLETE
 * in 'info->proc.no_cache' if its result needs state that a real packet
 * must make. */
void
vfp_xlate_compile(const struct vfp_fwd *fwd, const struct vfp_fwd_port *in,
                  const struct flow *flow, const struct dp_packet *packet,
                  bool simulated, struct ofpbuf *odp_actions,
                  struct vfp_uf_info *info,
                  const struct vfp_xlate_hooks *hooks, void *aux)
{
    struct compile_ctx ctx = { .info = info, .hooks = hooks, .aux = aux };
    struct flow out_flow = *flow;
    struct vfp_ht ht;

    memset(info, 0, sizeof *info);
    info->ports = xmalloc((in->bridge->n_ports + 1) * sizeof *info->ports);
    vfp_proc_init(&info->proc, !hooks && !simulated, time_msec());
    info->proc.simulated = simulated;
    info->delivered_port = ODPP_NONE;

    size_t packet_size = packet ? dp_packet_size(packet) : 0;
    if (packet) {
        info->malformed = vfp_packet_check(dp_packet_data(packet),
                                           packet_size);
    }

    if (must_pop(fwd, in, flow)) {
        /* Decapsulation costs a second datapath pass: the datapath
         * recirculates the inner packet, which comes back as a miss from
         * the tunnel port with the outer header as tunnel metadata. */
        nl_msg_put_odp_port(odp_actions, OVS_ACTION_ATTR_TUNNEL_POP,
                            in->bridge->tunnel);
        report_forward(&ctx, &in->bridge->tunnel, 1);
        report_tunnel(&ctx, "for the tunnel endpoint: decapsulated "
                         "(the inner packet comes back from the tunnel "
                         "port)");
        return;
    }
    if (tunnel_refused(in, flow)) {
        add_counter(info, CONST_CAST(struct vfp_counter *,
                                     &in->vfp_port->tnl_drops));
        report_tunnel(&ctx, in->tunnel
                      ? "decapsulated, but not for the tunnel endpoint "
                        "or not of its protocol: dropped"
                      : "a tunnel packet to the endpoint from a port "
                        "other than the uplink: dropped");
        return;
    }
    if (in->tunnel && !strcmp(netdev_get_type(in->bridge->tunnel_netdev),
                              "gre")) {
        /* Layers see an NVGRE packet's VSID as its tun-id. */
        out_flow.tunnel.tun_id = vfp_nvgre_key_to_vsid(flow->tunnel.tun_id);
    }

    if (!add_port(&ctx, in, VFP_DIR_OUT, packet_size)) {
        return;
    }
    bool pass = vfp_port_process(in->vfp_port, VFP_DIR_OUT, &out_flow, &ht,
                                 layer_done, &ctx, &info->proc);
    report_stage_done(&ctx, &ht, pass);
    if (!pass) {
        return;
    }

    struct flow base = *flow;
    if (ht.tunnel_op == VFP_TUNNEL_PUSH) {
        /* Encapsulated for the physical network: out of the uplink. */
        struct flow_wildcards writable;
        size_t start = odp_actions->size;

        memset(&writable.masks, 0xff, sizeof writable.masks);
        commit_odp_actions(&out_flow, &base, odp_actions, &writable, true,
                           false, false, NULL);
        if (compile_encap(fwd, in->bridge, &ht.encap, odp_actions)) {
            report_forward(&ctx, &in->bridge->uplink, 1);
        } else {
            odp_actions->size = start;
            report_forward(&ctx, NULL, 0);
        }
        return;
    }

    odp_port_t *outs = xmalloc((in->bridge->n_ports + 1) * sizeof *outs);
    size_t n_outs = vfp_fwd_decide(in->bridge, in->odp_port, &out_flow,
                                   outs);
    report_forward(&ctx, outs, n_outs);
    for (size_t i = 0; i < n_outs; i++) {
        const struct vfp_fwd_port *dst = vfp_fwd_find_port(fwd, outs[i]);
        struct flow in_flow = out_flow;

        if (!add_port(&ctx, dst, VFP_DIR_IN, packet_size)) {
            continue;
        }
        pass = vfp_port_process(dst->vfp_port, VFP_DIR_IN, &in_flow, &ht,
                                layer_done, &ctx, &info->proc);
        report_stage_done(&ctx, &ht, pass);
        if (!pass) {
            continue;
        }

        /* OVS's own committer turns the difference between what the packet
         * is now ('base') and what it must become into set_masked and VLAN
         * actions, and keeps 'base' up to date for the next output.  It
         * writes only fields that differ, under the masks in 'writable'. */
        struct flow_wildcards writable;
        memset(&writable.masks, 0xff, sizeof writable.masks);
        commit_odp_actions(&in_flow, &base, odp_actions, &writable, true,
                           false, false, NULL);
        nl_msg_put_odp_port(odp_actions, OVS_ACTION_ATTR_OUTPUT, outs[i]);
        if (n_outs == 1) {
            info->delivered_port = outs[i];
            info->delivered = in_flow;
        }
    }
    free(outs);
}

/* Translates the first packet of a connection, 'packet' (null for a
 * simulated one, see pairing.h), with headers 'flow', that entered on
 * 'port', for its UF: runs vfp_xlate_compile() with 'simulated', narrows
 * 'wc' (the UF's mask, vfp_ufid_mask()) for a tunnel pop, and counts the
 * packet unless 'simulated' (the datapath counts the packets after it).
 * Fills 'info' for the UF table; the caller frees it with
 * vfp_uf_info_destroy().
 *
 * Returns 0 if the result may be cached as a UF, ENOSPC if it applies to
 * this packet only: a port refused a new connection (its limit), a
 * connection is closing, a resource lookup missed, another packet made the
 * connection's layer flows first, a simulation would need state that only
 * a real packet makes, or the packet is malformed or its key ambiguous
 * (vfp_xlate_per_packet()).  'dp_flow', if nonnull, is the key the
 * datapath parsed itself, when it may differ from 'flow' (the kernel's):
 * ambiguous too, it is not cached either. */
int
vfp_xlate_uf(const struct vfp_fwd *fwd, const struct vfp_fwd_port *port,
             const struct flow *flow, const struct flow *dp_flow,
             const struct dp_packet *packet, bool simulated,
             struct flow_wildcards *wc, struct ofpbuf *odp_actions,
             struct vfp_uf_info *info)
{
    if (must_pop(fwd, port, flow)) {
        pop_mask(port, flow, wc);
    }

    size_t packet_size = packet ? dp_packet_size(packet) : 0;
    vfp_xlate_compile(fwd, port, flow, packet, simulated, odp_actions, info,
                      NULL, NULL);
    vfp_xlate_add_proc_counters(info);

    /* The datapath counts the packets after this one. */
    for (size_t i = 0; i < info->n_counters && !simulated; i++) {
        vfp_counter_add(info->counters[i], 1, packet_size);
    }

    if (vfp_xlate_per_packet(info, flow)
        || (dp_flow && info->layered && vfp_flow_is_ambiguous(dp_flow))) {
        /* Malformed packets and the keys they share with valid ones are
         * decided packet by packet, so that no UF made by one kind of
         * packet applies to the other. */
        return ENOSPC;
    } else if (info->proc.no_cache) {
        /* Refused connections must not take memory; closing ones are
         * watched packet by packet (a new SYN starts over); after a
         * resource miss, the next packet tries again (the controller may
         * have added the mapping, a port may have come free); a packet
         * that lost the race to create its connection's layer flows
         * leaves the UF to the next one, which finds them; a simulation
         * that would need new state leaves the UF to the real packet. */
        return ENOSPC;
    }
    return 0;
}

/* vfp_port_process() callback for vfp_xlate_inbound(): reports only. */
static void
inbound_layer_done(const struct vfp_layer_result *result,
                   const struct flow *after, void *ctx_)
{
    const struct compile_ctx *ctx = ctx_;

    if (ctx->hooks) {
        ctx->hooks->layer(result, after, ctx->aux);
    }
}

/* Runs the inbound layers of 'port' alone on 'flow', a packet on its way to
 * the port ("vfp-ctl trace PORT in"), and appends to 'odp_actions' what
 * turns the packet into what the layers made of it, then the output to
 * 'port'.  With 'packet' (the bytes 'flow' came from), a port with layers
 * drops the packet if its headers are malformed, as vfp_xlate_compile()
 * does for a destination port.  Each step is reported to 'hooks' with
 * 'aux'.  No side effects. */
void
vfp_xlate_inbound(const struct vfp_fwd_port *port, const struct flow *flow,
                  const struct dp_packet *packet, struct ofpbuf *odp_actions,
                  const struct vfp_xlate_hooks *hooks, void *aux)
{
    struct compile_ctx ctx = { .hooks = hooks, .aux = aux,
                               .dir = VFP_DIR_IN };
    enum vfp_malformed malformed;

    if (packet && vfp_port_layers(port->vfp_port)->n
        && (malformed = vfp_packet_check(dp_packet_data(packet),
                                         dp_packet_size(packet)))) {
        /* As a destination port with layers drops it in the slow path. */
        report_stage(&ctx, port->odp_port, VFP_DIR_IN);
        report_malformed(&ctx, vfp_malformed_name(malformed));
        return;
    }

    struct flow in_flow = *flow;
    struct vfp_proc proc;
    struct vfp_ht ht;

    vfp_proc_init(&proc, false, time_msec());
    report_stage(&ctx, port->odp_port, VFP_DIR_IN);
    bool pass = vfp_port_process(port->vfp_port, VFP_DIR_IN, &in_flow, &ht,
                                 inbound_layer_done, &ctx, &proc);
    vfp_proc_destroy(&proc);
    report_stage_done(&ctx, &ht, pass);
    if (pass) {
        struct flow base = *flow;
        struct flow_wildcards writable;

        memset(&writable.masks, 0xff, sizeof writable.masks);
        commit_odp_actions(&in_flow, &base, odp_actions, &writable, true,
                           false, false, NULL);
        nl_msg_put_odp_port(odp_actions, OVS_ACTION_ATTR_OUTPUT,
                            port->odp_port);
    }
}
