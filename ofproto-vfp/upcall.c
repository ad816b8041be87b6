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

/* Datapath misses.
 *
 * The first packet of a connection misses in the datapath.  Its handler runs
 * VFP for it (today: the forwarding of forwarding.h), and the result is
 * installed as the connection's unified flow, exact on its UFID
 * (vfp/ufid.h), so that every later packet stays in the datapath.
 *
 * The userspace datapath calls vfp_upcall_cb() from the PMD thread (or the
 * main thread, for non-PMD ports) that missed, and installs the flow itself.
 * The kernel datapath queues misses to handler threads, which read them with
 * dpif_recv() and install the flow and execute the packet with one
 * dpif_operate().  Both run vfp_upcall_translate(). */

#include <config.h>

#include "dp-packet.h"
#include "dpif.h"
#include "dpif-netdev.h"
#include "flow.h"
#include "latch.h"
#include "netdev.h"
#include "netlink.h"
#include "odp-util.h"
#include "ofproto-vfp/forwarding.h"
#include "ofproto-vfp/fragments.h"
#include "ofproto-vfp/ofproto-vfp.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-numa.h"
#include "ovs-thread.h"
#include "timeval.h"
#include "vfp/counter.h"
#include "vfp/layer-flow.h"
#include "vfp/layer.h"
#include "vfp/packet-check.h"
#include "vfp/port.h"
#include "vfp/rule.h"
#include "vfp/ufid.h"

VLOG_DEFINE_THIS_MODULE(vfp_upcall);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

/* Handler threads, for datapaths without an upcall callback. */
struct vfp_handler {
    struct vfp_handlers *handlers;
    uint32_t id;
    pthread_t thread;
};

struct vfp_handlers {
    struct vfp_backer *backer;
    struct latch exit_latch;
    struct vfp_handler *handlers;
    uint32_t n;
};

/* Collects what a UF goes through while vfp_upcall_compile() runs. */
struct compile_ctx {
    struct vfp_uf_info *info;
    struct vfp_trace *trace;
    enum vfp_dir dir;
};

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
    vfp_trace_stage(ctx->trace, port->odp_port, dir);

    if (vfp_port_layers(port->vfp_port)->n) {
        info->layered = true;
        if (info->malformed) {
            if (info->proc.commit && !info->proc.simulated) {
                vfp_counter_add(CONST_CAST(struct vfp_counter *,
                                           &port->vfp_port->malformed[
                                               info->malformed]),
                                1, packet_size);
            }
            vfp_trace_malformed(ctx->trace,
                                vfp_malformed_name(info->malformed));
            return false;
        }
    }
    add_counter(info, CONST_CAST(struct vfp_counter *,
                                 &port->vfp_port->stats[dir]));
    return true;
}

/* True if the packet that made 'info', with headers 'flow', must be
 * handled alone instead of caching a UF: through a port with layers, a
 * malformed packet (its UF would drop valid packets of the same key), or
 * a key that a malformed packet can also have (its UF would let malformed
 * packets through).  See vfp/packet-check.h. */
bool
vfp_upcall_per_packet(const struct vfp_uf_info *info, const struct flow *flow)
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
    if (ctx->trace) {
        vfp_trace_layer(result, after, ctx->trace);
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
 * Without 'trace' or 'simulated', this is the slow path of a packet that
 * really passed: connections and layer flows are recorded, resources taken,
 * events raised.  'simulated' (no packet, see pair_uf()) and 'trace' (each
 * step is reported to it) have no side effects: a simulation only finds
 * the connections that exist, and sets 'info->proc.incomplete' if its
 * result needs state that a real packet must make. */
void
vfp_upcall_compile(const struct vfp_fwd *fwd, const struct vfp_fwd_port *in,
                   const struct flow *flow, const struct dp_packet *packet,
                   bool simulated, struct ofpbuf *odp_actions,
                   struct vfp_uf_info *info, struct vfp_trace *trace)
{
    struct compile_ctx ctx = { .info = info, .trace = trace };
    struct flow out_flow = *flow;
    struct vfp_ht ht;

    memset(info, 0, sizeof *info);
    info->ports = xmalloc((in->bridge->n_ports + 1) * sizeof *info->ports);
    vfp_proc_init(&info->proc, !trace && !simulated, time_msec());
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
        vfp_trace_forward(trace, &in->bridge->tunnel, 1);
        vfp_trace_tunnel(trace, "for the tunnel endpoint: decapsulated "
                         "(the inner packet comes back from the tunnel "
                         "port)");
        return;
    }
    if (tunnel_refused(in, flow)) {
        add_counter(info, CONST_CAST(struct vfp_counter *,
                                     &in->vfp_port->tnl_drops));
        vfp_trace_tunnel(trace, in->tunnel
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
    vfp_trace_stage_done(trace, &ht, pass);
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
            vfp_trace_forward(trace, &in->bridge->uplink, 1);
        } else {
            odp_actions->size = start;
            vfp_trace_forward(trace, NULL, 0);
        }
        return;
    }

    odp_port_t *outs = xmalloc((in->bridge->n_ports + 1) * sizeof *outs);
    size_t n_outs = vfp_fwd_decide(in->bridge, in->odp_port, &out_flow,
                                   outs);
    vfp_trace_forward(trace, outs, n_outs);
    for (size_t i = 0; i < n_outs; i++) {
        const struct vfp_fwd_port *dst = vfp_fwd_find_port(fwd, outs[i]);
        struct flow in_flow = out_flow;

        if (!add_port(&ctx, dst, VFP_DIR_IN, packet_size)) {
            continue;
        }
        pass = vfp_port_process(dst->vfp_port, VFP_DIR_IN, &in_flow, &ht,
                                layer_done, &ctx, &info->proc);
        vfp_trace_stage_done(trace, &ht, pass);
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

/* Decides what happens to the packets of the connection whose first packet
 * is 'packet' (null for a simulated one), with headers 'flow': appends
 * datapath actions to 'odp_actions', sets 'wc' to the UF's mask and records
 * the UF under datapath flow id 'ufid'.
 *
 * Returns 0 if the actions are to be installed as a datapath flow, ENOSPC if
 * they apply to this packet only: the packet came in on no VFP port (the
 * datapath's own local port, a port being removed), the UF table is full,
 * a port refused a new connection (its limit), a connection is closing, a
 * resource lookup missed, another packet made the connection's layer
 * flows first, the packet is an IP fragment (held for reassembly, with no
 * actions), or the packet is malformed or its key ambiguous
 * (vfp_upcall_per_packet()).  'dp_flow', if nonnull, is the key the
 * datapath parsed itself, when it may differ from 'flow' (the kernel's):
 * ambiguous too, it is not cached either.  'simulated' is for pair_uf(): no
 * packet, no side effects, no counting, no pairing of its own (EEXIST if the
 * UF already exists, ENOSPC if only a real packet can make its state). */
static void pair_uf(struct vfp_backer *, const struct vfp_fwd *,
                    const struct vfp_uf_info *, unsigned pmd_id);

static int
vfp_upcall_translate(struct vfp_backer *backer, const struct flow *flow,
                     const struct flow *dp_flow,
                     const struct dp_packet *packet, const ovs_u128 *ufid,
                     unsigned pmd_id, struct flow_wildcards *wc,
                     struct ofpbuf *odp_actions, bool simulated)
{
    const struct vfp_fwd *fwd = vfp_backer_fwd(backer);
    const struct vfp_fwd_port *port = vfp_fwd_find_port(
        fwd, flow->in_port.odp_port);

    vfp_ufid_mask(flow, wc);
    if (!port) {
        atomic_count_inc64(&backer->n_upcall_drops);
        return ENOSPC;
    }
    if (flow->nw_frag) {
        /* Held until its datagram is complete; never a UF (fragments.h). */
        if (packet) {
            vfp_frags_receive(backer, packet, flow);
        }
        return ENOSPC;
    }
    if (must_pop(fwd, port, flow)) {
        pop_mask(port, flow, wc);
    }

    struct vfp_uf_info info;
    size_t packet_size = packet ? dp_packet_size(packet) : 0;
    vfp_upcall_compile(fwd, port, flow, packet, simulated, odp_actions, &info,
                       NULL);
    for (size_t i = 0; i < info.proc.n_counters; i++) {
        add_counter(&info, info.proc.counters[i]);
    }

    /* The datapath counts the packets after this one. */
    for (size_t i = 0; i < info.n_counters && !simulated; i++) {
        vfp_counter_add(info.counters[i], 1, packet_size);
    }

    int error = 0;
    if (vfp_upcall_per_packet(&info, flow)
        || (dp_flow && info.layered && vfp_flow_is_ambiguous(dp_flow))) {
        /* Malformed packets and the keys they share with valid ones are
         * decided packet by packet, so that no UF made by one kind of
         * packet applies to the other. */
        error = ENOSPC;
    } else if (info.proc.refused || info.proc.closing || info.proc.missed
               || info.proc.raced || info.proc.incomplete) {
        /* Refused connections must not take memory; closing ones are
         * watched packet by packet (a new SYN starts over); after a
         * resource miss, the next packet tries again (the controller may
         * have added the mapping, a port may have come free); a packet
         * that lost the race to create its connection's layer flows
         * leaves the UF to the next one, which finds them; a simulation
         * that would need new state leaves the UF to the real packet. */
        error = ENOSPC;
    } else if (vfp_uf_count(&backer->ufs) >= ofproto_flow_limit) {
        VLOG_WARN_RL(&rl, "%s: %u unified flows, the flow-limit: forwarding "
                     "new connections without installing them",
                     backer->type, ofproto_flow_limit);
        if (!simulated) {
            atomic_count_inc64(&backer->n_upcall_drops);
        }
        error = ENOSPC;
    } else if (!vfp_uf_insert(&backer->ufs, ufid, pmd_id, port->odp_port,
                              port->bridge->generation, &info)) {
        /* Another handler installs it. */
        error = simulated ? EEXIST : 0;
    } else {
        if (!simulated) {
            atomic_count_inc64(&backer->n_upcalls);
            pair_uf(backer, fwd, &info, pmd_id);
        }
    }
    vfp_uf_info_destroy(&info);
    return error;
}

/* A packet that no datapath miss brought (a controller's packet-out to
 * NORMAL), with headers 'flow' (its in_port an odp port) and 'packet_size'
 * bytes: appends to 'odp_actions' what a miss would execute, with the same
 * side effects and counts (it is a real packet), but caches no UF.
 * Returns false, appending nothing, if it entered on no VFP port. */
bool
vfp_upcall_packet_out(struct vfp_backer *backer, const struct flow *flow,
                      const struct dp_packet *packet,
                      struct ofpbuf *odp_actions)
{
    const struct vfp_fwd *fwd = vfp_backer_fwd(backer);
    const struct vfp_fwd_port *port = vfp_fwd_find_port(
        fwd, flow->in_port.odp_port);
    struct vfp_uf_info info;

    if (!port) {
        return false;
    }
    if (flow->nw_frag) {
        /* Judged with its datagram, as a received fragment is. */
        vfp_frags_receive(backer, packet, flow);
        return true;
    }
    vfp_upcall_compile(fwd, port, flow, packet, false, odp_actions, &info,
                       NULL);
    for (size_t i = 0; i < info.proc.n_counters; i++) {
        add_counter(&info, info.proc.counters[i]);
    }
    for (size_t i = 0; i < info.n_counters; i++) {
        vfp_counter_add(info.counters[i], 1, dp_packet_size(packet));
    }
    vfp_uf_info_destroy(&info);
    return true;
}

/* UF pairing (VFP section 6.4.1): a new inbound UF of a connection creates its
 * outbound pair at once, so that the VM's answer stays in the datapath.
 * The answer is the packet as the inbound layers delivered it, reversed;
 * simulated through the VM port's outbound layers (they find the layer
 * flows the inbound packet made), it becomes a UF like any other.  An
 * outbound UF made first pairs with the inbound one when that appears.
 *
 * The simulation has no side effects (no SNAT port, layer flow,
 * connection, event or count): if the answer would need state that does
 * not exist yet (a stateful outbound rule without its layer flows, an SNAT
 * port, a mapping), no pair is installed and the real answer makes the
 * state in the slow path.
 *
 * Only untagged TCP and UDP over IPv4: the answer of other protocols
 * differs in more than its addresses and ports, and a VM that tags its own
 * frames is rare enough not to guess its tags. */
static void
pair_uf(struct vfp_backer *backer, const struct vfp_fwd *fwd,
        const struct vfp_uf_info *info, unsigned pmd_id)
{
    const struct flow *in = &info->delivered;
    const struct vfp_fwd_port *vm = (info->delivered_port == ODPP_NONE ? NULL
                                     : vfp_fwd_find_port(
                                         fwd, info->delivered_port));

    if (!vm || in->dl_type != htons(ETH_TYPE_IP) || in->nw_frag
        || (in->nw_proto != IPPROTO_TCP && in->nw_proto != IPPROTO_UDP)
        || in->vlans[0].tci & htons(VLAN_CFI)) {
        return;
    }

    bool unpaired = false;
    for (size_t i = 0; i < info->proc.n_conns; i++) {
        const struct vfp_proc_conn *pc = &info->proc.conns[i];

        if (pc->port == vm->vfp_port && pc->dir == VFP_DIR_IN) {
            ovs_u128 out = vfp_conn_get_uf(pc->port, pc->conn, VFP_DIR_OUT);
            unpaired = (ovs_u128_is_zero(out)
                        || !vfp_uf_find(&backer->ufs, &out, pmd_id));
        }
    }
    if (!unpaired) {
        return;
    }

    struct flow answer;
    memset(&answer, 0, sizeof answer);
    answer.in_port.odp_port = info->delivered_port;
    answer.packet_type = htonl(PT_ETH);
    answer.dl_src = in->dl_dst;
    answer.dl_dst = in->dl_src;
    answer.dl_type = in->dl_type;
    answer.nw_src = in->nw_dst;
    answer.nw_dst = in->nw_src;
    answer.nw_proto = in->nw_proto;
    answer.nw_ttl = 64;
    answer.tp_src = in->tp_dst;
    answer.tp_dst = in->tp_src;

    uint64_t actions_stub[512 / 8];
    struct ofpbuf actions = OFPBUF_STUB_INITIALIZER(actions_stub);
    struct flow_wildcards wc;
    ovs_u128 ufid;

    odp_flow_key_hash(&answer, sizeof answer, &ufid);
    if (!vfp_upcall_translate(backer, &answer, NULL, NULL, &ufid, pmd_id,
                              &wc, &actions, true)) {
        struct odp_flow_key_parms parms = {
            .flow = &answer,
            .mask = &wc.masks,
            .support = {
                .max_vlan_headers = 2,
                .max_mpls_depth = 1,
                .recirc = true,
            },
        };
        struct ofpbuf key, mask;

        ofpbuf_init(&key, 128);
        ofpbuf_init(&mask, 128);
        odp_flow_key_from_flow(&parms, &key);
        parms.key_buf = &key;
        odp_flow_key_from_mask(&parms, &mask);
        int error = dpif_flow_put(backer->dpif, DPIF_FP_CREATE, key.data,
                                  key.size, mask.data, mask.size,
                                  actions.data, actions.size, &ufid,
                                  pmd_id, NULL);
        struct vfp_uf *uf = vfp_uf_find(&backer->ufs, &ufid, pmd_id);
        if (error) {
            VLOG_DBG_RL(&rl, "%s: cannot install the pair of a UF (%s)",
                        backer->type, ovs_strerror(error));
        }
        if (uf) {
            /* Refused, even with EEXIST (a flow no UF records), it goes. */
            vfp_uf_installed(&backer->ufs, uf, !error);
        }
        ofpbuf_uninit(&key);
        ofpbuf_uninit(&mask);
    }
    ofpbuf_uninit(&actions);
}

/* The userspace datapath's upcall callback. */
static int
vfp_upcall_cb(const struct dp_packet *packet,
              const struct flow *flow, ovs_u128 *ufid, unsigned pmd_id,
              enum dpif_upcall_type type,
              const struct nlattr *userdata OVS_UNUSED,
              struct ofpbuf *actions, struct flow_wildcards *wc,
              struct ofpbuf *put_actions OVS_UNUSED, void *backer_)
{
    struct vfp_backer *backer = backer_;

    if (type != DPIF_UC_MISS) {
        /* VFP installs no userspace() actions. */
        return ENODEV;
    }
    return vfp_upcall_translate(backer, flow, NULL, packet, ufid, pmd_id, wc,
                                actions, false);
}

/* Fits the tunnel part of 'wc', a UF mask for 'flow', to the kernel.
 *
 * vfp_ufid_mask() makes every tunnel field exact, which puts in the mask
 * tunnel attributes the flow's key does not have.  The kernel refuses
 * (EINVAL) such a mask with IPv6 outer addresses next to IPv4 ones (seen:
 * every decapsulated VXLAN connection); refused, the UF is never installed
 * and every packet of the connection misses.  Option attributes the packet
 * did not carry (VXLAN GBP, GTP-U, ERSPAN) are left out for the same
 * reason.  A field absent from the packet is zero in 'flow' and no VFP
 * condition names it, so wildcarding it changes no decision. */
static void
kernel_tunnel_mask(const struct flow *flow, struct flow_wildcards *wc)
{
    const struct flow_tnl *tnl = &flow->tunnel;
    struct flow_tnl *mask = &wc->masks.tunnel;

    if (!flow_tnl_dst_is_set(tnl)) {
        return;
    }
    if (tnl->ip_dst) {
        mask->ipv6_src = in6addr_any;
        mask->ipv6_dst = in6addr_any;
    } else {
        mask->ip_src = htonl(0);
        mask->ip_dst = htonl(0);
    }
    if (!tnl->gbp_id && !tnl->gbp_flags) {
        mask->gbp_id = htons(0);
        mask->gbp_flags = 0;
    }
    if (!tnl->gtpu_flags && !tnl->gtpu_msgtype) {
        mask->gtpu_flags = 0;
        mask->gtpu_msgtype = 0;
    }
    if (!tnl->erspan_ver) {
        mask->erspan_ver = 0;
        mask->erspan_idx = 0;
        mask->erspan_dir = 0;
        mask->erspan_hwid = 0;
    }
}

/* The kernel datapath: one miss read by handler 'h'.  Returns false if
 * there was none. */
static bool
handle_one_upcall(struct vfp_handler *h)
{
    struct vfp_backer *backer = h->handlers->backer;
    uint64_t recv_stub[4096 / 8];
    struct ofpbuf recv_buf;
    struct dpif_upcall dupcall;

    ofpbuf_use_stub(&recv_buf, recv_stub, sizeof recv_stub);
    if (dpif_recv(backer->dpif, h->id, &dupcall, &recv_buf)) {
        ofpbuf_uninit(&recv_buf);
        return false;
    }

    struct flow flow;
    char *error_str = NULL;
    if (dupcall.type != DPIF_UC_MISS
        || odp_flow_key_to_flow(dupcall.key, dupcall.key_len, &flow,
                                &error_str) == ODP_FIT_ERROR) {
        VLOG_WARN_RL(&rl, "%s: dropping upcall of type %d (%s)", backer->type,
                     dupcall.type, error_str ? error_str : "not a miss");
        free(error_str);
        goto out;
    }
    /* The key holds what the kernel parsed; take the rest (e.g. ND, TCP
     * flags) from the packet itself, as ofproto-dpif does.  Where the two
     * parsers differ (on malformed headers), the flow installed has the
     * kernel's key: keep it to check it too. */
    struct flow dp_flow = flow;
    pkt_metadata_from_flow(&dupcall.packet.md, &flow);
    flow_extract(&dupcall.packet, &flow);

    uint64_t actions_stub[512 / 8], mask_stub[512 / 8];
    struct ofpbuf odp_actions = OFPBUF_STUB_INITIALIZER(actions_stub);
    struct ofpbuf mask = OFPBUF_STUB_INITIALIZER(mask_stub);
    struct flow_wildcards wc;
    int error = vfp_upcall_translate(backer, &flow, &dp_flow,
                                     &dupcall.packet, &dupcall.ufid,
                                     PMD_ID_NULL, &wc, &odp_actions, false);

    struct dpif_op ops[2], *opsp[2];
    size_t n_ops = 0;
    if (!error) {
        kernel_tunnel_mask(&flow, &wc);

        struct ofpbuf key;
        struct odp_flow_key_parms parms = {
            .flow = &flow,
            .mask = &wc.masks,
            .support = {
                .max_vlan_headers = 2,
                .max_mpls_depth = 1,
                .recirc = true,
            },
            .key_buf = &key,
        };
        struct dpif_flow_put *put = &ops[n_ops].flow_put;

        ofpbuf_use_const(&key, dupcall.key, dupcall.key_len);
        odp_flow_key_from_mask(&parms, &mask);

        ops[n_ops].type = DPIF_OP_FLOW_PUT;
        *put = (struct dpif_flow_put) {
            .flags = DPIF_FP_CREATE,
            .key = dupcall.key,
            .key_len = dupcall.key_len,
            .mask = mask.data,
            .mask_len = mask.size,
            .actions = odp_actions.data,
            .actions_len = odp_actions.size,
            .ufid = &dupcall.ufid,
            .pmd_id = PMD_ID_NULL,
        };
        n_ops++;
    }
    if (odp_actions.size) {
        ops[n_ops].type = DPIF_OP_EXECUTE;
        ops[n_ops].execute = (struct dpif_execute) {
            .actions = odp_actions.data,
            .actions_len = odp_actions.size,
            .packet = &dupcall.packet,
            .flow = &flow,
        };
        n_ops++;
    }
    for (size_t i = 0; i < n_ops; i++) {
        opsp[i] = &ops[i];
    }
    dpif_operate(backer->dpif, opsp, n_ops, DPIF_OFFLOAD_AUTO);
    if (!error) {
        struct vfp_uf *uf = vfp_uf_find(&backer->ufs, &dupcall.ufid,
                                        PMD_ID_NULL);
        if (uf) {
            /* EEXIST: another handler put it first. */
            vfp_uf_installed(&backer->ufs, uf, (!ops[0].error
                                                || ops[0].error == EEXIST));
        }
    }

    ofpbuf_uninit(&odp_actions);
    ofpbuf_uninit(&mask);
out:
    dp_packet_uninit(&dupcall.packet);
    ofpbuf_uninit(&recv_buf);
    return true;
}

static void *
handler_main(void *h_)
{
    struct vfp_handler *h = h_;
    struct vfp_handlers *handlers = h->handlers;

    while (!latch_is_set(&handlers->exit_latch)) {
        size_t n = 0;

        while (n < 64 && handle_one_upcall(h)) {
            n++;
        }
        if (n) {
            poll_immediate_wake();
        } else {
            dpif_recv_wait(handlers->backer->dpif, h->id);
            latch_wait(&handlers->exit_latch);
        }
        poll_block();
    }
    return NULL;
}

/* Starts handling misses on 'backer''s datapath. */
void
vfp_upcall_start(struct vfp_backer *backer)
{
    if (dpif_is_netdev(backer->dpif)) {
        dpif_register_upcall_cb(backer->dpif, vfp_upcall_cb, backer);
        dpif_enable_upcall(backer->dpif);
        return;
    }

    uint32_t n;
    if (!dpif_number_handlers_required(backer->dpif, &n)) {
        n = MAX(1, count_cpu_cores() - 1);
    }

    int error = dpif_handlers_set(backer->dpif, n);
    if (!error) {
        error = dpif_recv_set(backer->dpif, true);
    }
    if (error) {
        VLOG_ERR("%s: cannot receive datapath misses (%s)", backer->type,
                 ovs_strerror(error));
        return;
    }

    struct vfp_handlers *handlers = xzalloc(sizeof *handlers);
    handlers->backer = backer;
    latch_init(&handlers->exit_latch);
    handlers->n = n;
    handlers->handlers = xcalloc(n, sizeof *handlers->handlers);
    for (uint32_t i = 0; i < n; i++) {
        struct vfp_handler *h = &handlers->handlers[i];

        h->handlers = handlers;
        h->id = i;
        h->thread = ovs_thread_create("vfp_handler", handler_main, h);
    }
    backer->handlers = handlers;
    dpif_enable_upcall(backer->dpif);
}

void
vfp_upcall_stop(struct vfp_backer *backer)
{
    dpif_disable_upcall(backer->dpif);

    struct vfp_handlers *handlers = backer->handlers;
    if (handlers) {
        latch_set(&handlers->exit_latch);
        for (uint32_t i = 0; i < handlers->n; i++) {
            xpthread_join(handlers->handlers[i].thread, NULL);
        }
        latch_destroy(&handlers->exit_latch);
        free(handlers->handlers);
        free(handlers);
        backer->handlers = NULL;
        dpif_recv_set(backer->dpif, false);
    } else {
        dpif_register_upcall_cb(backer->dpif, NULL, NULL);
    }
}
