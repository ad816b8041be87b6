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
 * dpif_operate().  Both run vfp_upcall_translate(), which translates with
 * the translator (xlate.h) and installs the UF's pair (pairing.h). */

#include <config.h>
#include "ofproto-vfp/upcall.h"

#include "dp-packet.h"
#include "dpif-netdev.h"
#include "dpif.h"
#include "flow.h"
#include "latch.h"
#include "netlink.h"
#include "odp-util.h"
#include "ofproto-vfp/backer.h"
#include "ofproto-vfp/forwarding.h"
#include "ofproto-vfp/fragments.h"
#include "ofproto-vfp/pairing.h"
#include "ofproto-vfp/uf.h"
#include "ofproto-vfp/xlate.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-numa.h"
#include "ovs-thread.h"
#include "vfp/counter.h"
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

/* Decides what happens to the packets of the connection whose first packet
 * is 'packet', with headers 'flow': appends datapath actions to
 * 'odp_actions', sets 'wc' to the UF's mask and records the UF under
 * datapath flow id 'ufid', then installs its pair (pairing.h).
 *
 * Returns 0 if the actions are to be installed as a datapath flow, ENOSPC if
 * they apply to this packet only: the packet came in on no VFP port (the
 * datapath's own local port, a port being removed), the UF table is full
 * (vfp_backer_add_uf()), the packet is an IP fragment (held for
 * reassembly, with no actions), or the translator says so
 * (vfp_xlate_uf()).  'dp_flow', if nonnull, is the key the datapath parsed
 * itself, when it may differ from 'flow' (the kernel's). */
static int
vfp_upcall_translate(struct vfp_backer *backer, const struct flow *flow,
                     const struct flow *dp_flow,
                     const struct dp_packet *packet, const ovs_u128 *ufid,
                     unsigned pmd_id, struct flow_wildcards *wc,
                     struct ofpbuf *odp_actions)
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

    struct vfp_uf_info info;
    int error = vfp_xlate_uf(fwd, port, flow, dp_flow, packet, false, wc,
                             odp_actions, &info);
    if (!error) {
        error = vfp_backer_add_uf(backer, ufid, pmd_id, port, &info, false);
        if (!error) {
            atomic_count_inc64(&backer->n_upcalls);
            vfp_pair_uf(backer, fwd, &info, pmd_id);
        } else if (error == EEXIST) {
            /* Another handler installs it. */
            error = 0;
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
    vfp_xlate_compile(fwd, port, flow, packet, false, odp_actions, &info,
                      NULL, NULL);
    vfp_xlate_add_proc_counters(&info);
    for (size_t i = 0; i < info.n_counters; i++) {
        vfp_counter_add(info.counters[i], 1, dp_packet_size(packet));
    }
    vfp_uf_info_destroy(&info);
    return true;
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
                                actions);
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
                                     PMD_ID_NULL, &wc, &odp_actions);

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
