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

#ifndef VFP_PORT_H
#define VFP_PORT_H 1

/* A VFP port (VFP section 5.1): the layers programmed on one vNIC, and the
 * generation number that says when they last changed.
 *
 * Layers are ordered by priority, the lowest next to the VM: a packet
 * leaving the VM (outbound, "out") visits them in ascending priority, a
 * packet going to the VM (inbound, "in") in descending priority.
 *
 * Every change to the policy bumps 'generation'.  A unified flow records
 * the generations of the ports it was computed from; the revalidator
 * removes it once one of them moved on (VFP section 6.3, reconciliation).
 *
 * Threads: the main thread changes the policy, publishing a new layer
 * array with RCU; after each change it must wait for a grace period
 * (ovsrcu_synchronize()) before destroying what it removed.  Handlers read
 * the policy without locks. */

#include <stdbool.h>
#include <stdint.h>
#include "ovs-atomic.h"
#include "openvswitch/shash.h"
#include "ovs-rcu.h"
#include "vfp/conn.h"
#include "vfp/counter.h"
#include "vfp/group.h"
#include "vfp/ht.h"
#include "vfp/packet-check.h"
#include "vfp/resource.h"

struct flow;
struct vfp_layer;
struct vfp_layer_result;
struct vfp_rule;

struct vfp_layers {
    size_t n;
    struct vfp_layer *layers[];     /* Ascending priority. */
};

struct vfp_port {
    char *name;                     /* For logs and events. */
    OVSRCU_TYPE(struct vfp_layers *) layers;
    OVSRCU_TYPE(struct vfp_resources *) resources;  /* vfp/resource.h */
    struct vfp_conns conns;         /* vfp/conn.h */
    atomic_uint64_t generation;
    struct vfp_counter stats[2];    /* Packets through the layers, by
                                     * direction. */
    struct vfp_counter tnl_drops;   /* Tunnel packets dropped on entry: not
                                     * for this host's tunnel endpoint. */
    struct vfp_counter malformed[VFP_MALFORMED_N];  /* Dropped for their
                                     * headers (vfp/packet-check.h), by
                                     * reason; [0] unused. */
    struct shash counters;          /* count(NAME): "struct vfp_counter"s.
                                     * Main thread only; they live as long
                                     * as the port. */
};

struct vfp_port *vfp_port_create(const char *name);
void vfp_port_destroy(struct vfp_port *);

const struct vfp_layers *vfp_port_layers(const struct vfp_port *);
uint64_t vfp_port_generation(const struct vfp_port *);
void vfp_port_changed(struct vfp_port *);

struct vfp_counter *vfp_port_get_counter(struct vfp_port *,
                                         const char *name);
struct vfp_layer *vfp_port_find_layer(const struct vfp_port *,
                                      const char *name);
char *vfp_port_add_layer(struct vfp_port *, struct vfp_layer *)
    OVS_WARN_UNUSED_RESULT;
struct vfp_layer *vfp_port_remove_layer(struct vfp_port *, const char *name);
void vfp_port_destroy_layer(struct vfp_port *, struct vfp_layer *);

bool vfp_port_has_policy(const struct vfp_port *);
void vfp_port_replace_policy(struct vfp_port *, struct vfp_port *staging);
void vfp_port_destroy_replaced(struct vfp_port *, struct vfp_port *staging);

struct vfp_resource *vfp_port_find_resource(const struct vfp_port *,
                                            const char *name);
const struct vfp_resources *vfp_port_resources(const struct vfp_port *);
char *vfp_port_add_resource(struct vfp_port *, struct vfp_resource *)
    OVS_WARN_UNUSED_RESULT;
char *vfp_port_check_resource_unused(const struct vfp_port *,
                                     const struct vfp_resource *)
    OVS_WARN_UNUSED_RESULT;
struct vfp_resource *vfp_port_remove_resource(struct vfp_port *,
                                              const char *name);

/* Why the result of processing a packet must not be cached as a unified
 * flow: a bitmap, like OVS's "enum slow_path_reason", since several may
 * hold at once.  Zero: it may be cached. */
enum vfp_no_cache {
    VFP_NO_CACHE_REFUSED = 1 << 0,  /* Over a port's connection limit:
                                     * refused connections take no
                                     * memory. */
    VFP_NO_CACHE_CLOSING = 1 << 1,  /* A connection is closing: watched
                                     * packet by packet (a new SYN starts
                                     * over). */
    VFP_NO_CACHE_MISSED = 1 << 2,   /* A resource lookup missed: the next
                                     * packet tries again. */
    VFP_NO_CACHE_INCOMPLETE = 1 << 3,   /* 'simulated': only a real packet
                                         * can make this result. */
    VFP_NO_CACHE_RACED = 1 << 4,    /* Another packet of the connection
                                     * made its layer flows first: the HT
                                     * computed here may differ (e.g.
                                     * another SNAT port). */
};

/* What processing a packet through a port's layers may do besides
 * computing its HT, and what it did. */
struct vfp_proc {
    bool commit;                /* The slow path: create connections and
                                 * layer flows, take resources, raise
                                 * events.  Else: only consult. */
    bool simulated;             /* No packet (UF pairing): with '!commit',
                                 * collect the connections that already
                                 * exist, and mark the result
                                 * VFP_NO_CACHE_INCOMPLETE if it would
                                 * need state that does not (a stateful
                                 * rule without its layer flows, a
                                 * connection). */
    long long int now;

    /* Out, if 'commit' or 'simulated': the connections the packet belongs
     * to, each with a reference the caller owns, and the direction the
     * packet went. */
    struct vfp_proc_conn {
        struct vfp_conn *conn;
        struct vfp_port *port;
        enum vfp_dir dir;
    } *conns;
    size_t n_conns, allocated_conns;
    struct vfp_counter **counters;  /* Of the layer flows the packet made:
                                     * its connection's later packets
                                     * count there. */
    size_t n_counters, allocated_counters;
    enum vfp_no_cache no_cache; /* Why the result must not be cached;
                                 * 0 if it may be. */
    bool provisional;           /* Dropped after a layer decided by its
                                 * rules, where a layer flow may later
                                 * decide instead (vfp_layer_result): the
                                 * drop holds until a connection of the
                                 * packet's tuple appears. */
};

void vfp_proc_init(struct vfp_proc *, bool commit, long long int now);
void vfp_proc_destroy(struct vfp_proc *);

/* The engine (VFP Pseudocode 1): runs a packet with headers 'flow' through
 * the layers of 'port' in direction 'dir', transposing 'flow' layer by
 * layer, and composes the layers' HTs into 'composite'.  Calls 'cb' (if
 * nonnull) after each layer.  Returns false if a layer dropped the packet
 * (or the port refused a new connection).
 *
 * With 'proc', layer flows and resources are consulted, and, if
 * 'proc->commit', the packet's connection and the layer flows of its
 * stateful rules are recorded (see vfp/conn.h).  Without, the layers only
 * classify (no side effects).  Only 'proc->commit' has side effects: a
 * simulation ('proc->simulated' without 'commit') takes references to the
 * connections it finds and nothing else. */
bool vfp_port_process(const struct vfp_port *, enum vfp_dir, struct flow *,
                      struct vfp_ht *composite,
                      void (*cb)(const struct vfp_layer_result *,
                                 const struct flow *after, void *aux),
                      void *aux, struct vfp_proc *);

#endif /* vfp/port.h */
