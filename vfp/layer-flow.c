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


#include <config.h>
#include "vfp/layer-flow.h"

#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "ovs-rcu.h"
#include "util.h"
#include "vfp/ht.h"
#include "vfp/layer.h"

static uint32_t
half_hash(enum vfp_dir dir, const struct vfp_tuple *key)
{
    return vfp_tuple_hash(key, dir);
}

void
vfp_layer_flow_table_init(struct vfp_layer_flow_table *table)
{
    cmap_init(&table->halves);
}

/* The caller removed every pair (see vfp_conns_forget_layer()). */
void
vfp_layer_flow_table_destroy(struct vfp_layer_flow_table *table)
{
    cmap_destroy(&table->halves);
}

size_t
vfp_layer_flow_table_count(const struct vfp_layer_flow_table *table)
{
    return cmap_count(&table->halves) / 2;
}


/* A pair of layer flows for a packet that went through 'layer' in 'dir',
 * 'before' it and 'after' it, transposed by 'ht'.  Both must be IP
 * packets (vfp_tuple_from_flow()). */
struct vfp_layer_flow *
vfp_layer_flow_create(const struct vfp_layer *layer, enum vfp_dir dir,
                      const struct flow *before, const struct flow *after,
                      const struct vfp_ht *ht)
{
    struct vfp_layer_flow *f = xzalloc(sizeof *f);
    struct vfp_tuple out;

    vfp_tuple_from_flow(before, &f->halves[0].key);
    vfp_tuple_from_flow(after, &out);
    vfp_tuple_reverse(&out, &f->halves[1].key);
    for (int i = 0; i < 2; i++) {
        f->halves[i].idx = i;
        vfp_counter_init(&f->halves[i].stats);
    }
    f->dir = dir;
    f->layer = layer;

    struct vfp_ht extra[2];
    extra[0] = *ht;
    vfp_ht_invert(ht, before, &extra[1]);
    vfp_ht_clear_tuple(&extra[0]);
    vfp_ht_clear_tuple(&extra[1]);
    if (!vfp_ht_is_identity(&extra[0]) || !vfp_ht_is_identity(&extra[1])) {
        f->extra = xmemdup(extra, sizeof extra);
    }
    return f;
}

/* Frees 'f' now; the caller waited for readers. */
void
vfp_layer_flow_free(struct vfp_layer_flow *f)
{
    if (f) {
        vfp_shared_counter_unref(f->rule_stats);
        free(f->extra);
        free(f);
    }
}

void
vfp_layer_flow_table_insert(struct vfp_layer_flow_table *table,
                            struct vfp_layer_flow *f)
{
    for (int i = 0; i < 2; i++) {
        struct vfp_layer_flow_half *h = &f->halves[i];
        cmap_insert(&table->halves, &h->node,
                    half_hash(vfp_layer_flow_half_dir(h), &h->key));
    }
}

void
vfp_layer_flow_table_remove(struct vfp_layer_flow_table *table,
                            struct vfp_layer_flow *f)
{
    for (int i = 0; i < 2; i++) {
        struct vfp_layer_flow_half *h = &f->halves[i];
        cmap_remove(&table->halves, &h->node,
                    half_hash(vfp_layer_flow_half_dir(h), &h->key));
    }
}

const struct vfp_layer_flow_half *
vfp_layer_flow_table_lookup(const struct vfp_layer_flow_table *table,
                            enum vfp_dir dir, const struct vfp_tuple *key)
{
    const struct vfp_layer_flow_half *h;

    CMAP_FOR_EACH_WITH_HASH (h, node, half_hash(dir, key), &table->halves) {
        if (vfp_layer_flow_half_dir(h) == dir
            && vfp_tuple_equals(&h->key, key)) {
            return h;
        }
    }
    return NULL;
}

/* The HT of 'half': from its tuple to the reverse of the other half's,
 * then its extra HT. */
void
vfp_layer_flow_half_ht(const struct vfp_layer_flow_half *half,
                       struct vfp_ht *ht)
{
    const struct vfp_layer_flow *f = vfp_layer_flow_from_half(half);
    const struct vfp_tuple *in = &half->key;
    struct vfp_tuple out;

    vfp_tuple_reverse(&f->halves[!half->idx].key, &out);
    vfp_ht_init(ht);
    if (!ipv6_addr_equals(&in->src, &out.src)) {
        if (in->ipv6) {
            vfp_ht_set_ipv6_src(ht, &out.src);
        } else {
            vfp_ht_set_nw_src(ht, in6_addr_get_mapped_ipv4(&out.src));
        }
    }
    if (!ipv6_addr_equals(&in->dst, &out.dst)) {
        if (in->ipv6) {
            vfp_ht_set_ipv6_dst(ht, &out.dst);
        } else {
            vfp_ht_set_nw_dst(ht, in6_addr_get_mapped_ipv4(&out.dst));
        }
    }
    if (in->proto != IPPROTO_ICMP && in->proto != IPPROTO_ICMPV6) {
        if (in->src_port != out.src_port) {
            vfp_ht_set_tp_src(ht, out.src_port);
        }
        if (in->dst_port != out.dst_port) {
            vfp_ht_set_tp_dst(ht, out.dst_port);
        }
    }
    if (f->extra) {
        vfp_ht_compose(ht, ht, &f->extra[half->idx]);
    }
}
