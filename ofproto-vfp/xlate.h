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

#ifndef OFPROTO_VFP_XLATE_H
#define OFPROTO_VFP_XLATE_H 1

/* The translator: VFP for one packet, into datapath actions.
 *
 * vfp_xlate_compile() is the one place where a packet goes through VFP: the
 * outbound layers of the port it entered on, forwarding (forwarding.h) on
 * the packet as they left it, then the inbound layers of each destination
 * port, each step's header transposition (HT) turned into datapath actions
 * by OVS's committer, encapsulation into tunnel actions.  Its callers are
 * the datapath misses (upcall.c), UF pairing (pairing.c), reassembled
 * fragments (fragments.c), OpenFlow packet-out (upcall.c) and trace
 * (trace.c); each decides what to do with the result.
 *
 * The translator reads only RCU-published state (the forwarding snapshot,
 * the ports' layers and the groups' classifiers) and may run in any thread:
 * a PMD thread, a kernel handler, the main thread.  It never installs a
 * datapath flow and never calls its callers. */

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/types.h"
#include "vfp/port.h"

struct dp_packet;
struct flow;
struct flow_wildcards;
struct ofpbuf;
struct vfp_fwd;
struct vfp_fwd_port;
struct vfp_ht;
struct vfp_layer_result;
struct vfp_uf_info;

/* What a translation went through, step by step, for "vfp-ctl trace"
 * (trace.c).  The translator calls these with the 'aux' it was given, in
 * the order the packet meets them; a translation with hooks has no side
 * effects.  A port is a "stage": stage(), then layer() after each of its
 * layers (vfp_port_process()'s callback), then stage_done() with the
 * port's composite HT, or malformed() instead of the layers.  forward()
 * gives the output ports (none: nowhere to go), tunnel() what became of a
 * tunnel packet. */
struct vfp_xlate_hooks {
    void (*stage)(void *aux, odp_port_t, enum vfp_dir);
    void (*layer)(const struct vfp_layer_result *, const struct flow *after,
                  void *aux);
    void (*stage_done)(void *aux, const struct vfp_ht *composite, bool pass);
    void (*malformed)(void *aux, const char *reason);
    void (*forward)(void *aux, const odp_port_t *outs, size_t n);
    void (*tunnel)(void *aux, const char *what);
};

void vfp_xlate_compile(const struct vfp_fwd *, const struct vfp_fwd_port *,
                       const struct flow *, const struct dp_packet *,
                       bool simulated, struct ofpbuf *odp_actions,
                       struct vfp_uf_info *,
                       const struct vfp_xlate_hooks *, void *aux);
int vfp_xlate_uf(const struct vfp_fwd *, const struct vfp_fwd_port *,
                 const struct flow *, const struct flow *dp_flow,
                 const struct dp_packet *, bool simulated,
                 struct flow_wildcards *, struct ofpbuf *odp_actions,
                 struct vfp_uf_info *);
void vfp_xlate_inbound(const struct vfp_fwd_port *, const struct flow *,
                       const struct dp_packet *, struct ofpbuf *odp_actions,
                       const struct vfp_xlate_hooks *, void *aux);
void vfp_xlate_add_proc_counters(struct vfp_uf_info *);
bool vfp_xlate_per_packet(const struct vfp_uf_info *, const struct flow *);

#endif /* ofproto-vfp/xlate.h */
