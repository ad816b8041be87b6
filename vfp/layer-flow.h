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


#ifndef VFP_LAYER_FLOW_H
#define VFP_LAYER_FLOW_H 1

/* Layer flows (VFP section 5.2): the flow table of a layer.
 *
 * When a stateful rule of a layer acts on a packet going in direction D,
 * the layer records a pair of layer flows, "struct vfp_layer_flow":
 *
 *   - halves[0]: the packet's tuple as it entered the layer in D, with the
 *     rule's HT as it was for this packet (the NAT destination chosen, the
 *     SNAT port taken, the mapping found);
 *   - halves[1]: the reversed tuple of the packet as it left the layer, in
 *     the other direction, with the inverse HT: an answer enters the layer
 *     from the other side, and leaves it as the reverse of the original
 *     packet (NAT undone, encap becomes decap).
 *
 * A layer looks its flows up before its rules: an established connection
 * keeps the HT it was admitted with even if the rules change (as a stateful
 * firewall does), until the connection expires (vfp/conn.h) or the layer
 * is deleted.
 *
 * Memory: a pair holds two tuples; the rewrite of addresses and ports that
 * a half does is implied by the other half's tuple.  Only HTs that do more
 * (MACs, VLANs, encapsulation) keep an extra HT.
 *
 * Threads: handlers look halves up without locks (cmap, RCU); pairs are
 * inserted and removed under the mutex of the port's connections, and
 * freed after a grace period. */

#include <stdbool.h>
#include <stdint.h>
#include "cmap.h"
#include "vfp/counter.h"
#include "vfp/group.h"
#include "vfp/resource.h"
#include "vfp/tuple.h"

struct ds;
struct flow;
struct vfp_conn;
struct vfp_ht;
struct vfp_layer;

struct vfp_layer_flow_half {
    struct cmap_node node;      /* In the layer's table. */
    struct vfp_tuple key;       /* Packets entering the layer. */
    uint8_t idx;                /* 0 or 1: index in the pair. */
    struct vfp_counter stats;
};

struct vfp_layer_flow {
    struct vfp_layer_flow_half halves[2];
    const struct vfp_layer *layer;
    struct vfp_conn *conn;      /* The connection that owns the pair. */
    struct vfp_layer_flow *next;      /* In 'conn''s list. */
    struct vfp_counter *context;    /* The rule's count(NAME), or NULL. */
    struct vfp_shared_counter *rule_stats;  /* The rule's counter (a
                                             * reference), or NULL. */
    struct vfp_ht *extra;       /* [2]: what each half does beyond the
                                 * tuple rewrite; NULL if nothing. */
    struct vfp_snat_lease lease;    /* The SNAT port the pair holds. */
    uint8_t dir;                /* enum vfp_dir of halves[0]. */
};

struct vfp_layer_flow_table {
    struct cmap halves;         /* Contains "struct vfp_layer_flow_half"s. */
};

void vfp_layer_flow_table_init(struct vfp_layer_flow_table *);
void vfp_layer_flow_table_destroy(struct vfp_layer_flow_table *);
size_t vfp_layer_flow_table_count(const struct vfp_layer_flow_table *);

struct vfp_layer_flow *vfp_layer_flow_create(const struct vfp_layer *,
                                             enum vfp_dir,
                                             const struct flow *before,
                                             const struct flow *after,
                                             const struct vfp_ht *);
void vfp_layer_flow_free(struct vfp_layer_flow *);

void vfp_layer_flow_table_insert(struct vfp_layer_flow_table *,
                                 struct vfp_layer_flow *);
void vfp_layer_flow_table_remove(struct vfp_layer_flow_table *,
                                 struct vfp_layer_flow *);
const struct vfp_layer_flow_half *vfp_layer_flow_table_lookup(
    const struct vfp_layer_flow_table *, enum vfp_dir,
    const struct vfp_tuple *);

static inline struct vfp_layer_flow *
vfp_layer_flow_from_half(const struct vfp_layer_flow_half *half)
{
    return CONTAINER_OF(half - half->idx, struct vfp_layer_flow, halves[0]);
}

static inline enum vfp_dir
vfp_layer_flow_half_dir(const struct vfp_layer_flow_half *half)
{
    enum vfp_dir dir = vfp_layer_flow_from_half(half)->dir;
    return half->idx ? !dir : dir;
}

void vfp_layer_flow_half_ht(const struct vfp_layer_flow_half *,
                            struct vfp_ht *);

#endif /* vfp/layer-flow.h */
