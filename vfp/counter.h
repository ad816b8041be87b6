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

#ifndef VFP_COUNTER_H
#define VFP_COUNTER_H 1

/* Packet and byte counters of ports, layers, rules and count(NAME)
 * contexts (VFP section 5.3.2: actions with a context).
 *
 * Packets of an established connection never leave the datapath, so the
 * counters are fed after the fact: each unified flow lists the counters of
 * everything it went through, the first packet adds itself when the flow is
 * made, and the revalidator adds the datapath flow's statistics as they
 * grow.  Any thread may add; readers see eventually consistent values. */

#include <stdint.h>
#include <stdlib.h>
#include "ovs-atomic.h"
#include "util.h"

struct vfp_counter {
    atomic_uint64_t n_packets;
    atomic_uint64_t n_bytes;
};

static inline void
vfp_counter_init(struct vfp_counter *c)
{
    atomic_init(&c->n_packets, 0);
    atomic_init(&c->n_bytes, 0);
}

static inline void
vfp_counter_add(struct vfp_counter *c, uint64_t n_packets, uint64_t n_bytes)
{
    uint64_t orig;

    atomic_add_relaxed(&c->n_packets, n_packets, &orig);
    atomic_add_relaxed(&c->n_bytes, n_bytes, &orig);
}

static inline void
vfp_counter_read(const struct vfp_counter *c, uint64_t *n_packets,
                 uint64_t *n_bytes)
{
    atomic_read_relaxed(&((struct vfp_counter *) c)->n_packets, n_packets);
    atomic_read_relaxed(&((struct vfp_counter *) c)->n_bytes, n_bytes);
}

/* A counter with references: a rule's, which the layer flows the rule
 * created keep counting in after the rule is gone.  The last reference
 * frees it at once: holders drop theirs only once no reader can see them
 * (after a grace period). */
struct vfp_shared_counter {
    struct vfp_counter counter;
    struct ovs_refcount ref_cnt;
};

static inline struct vfp_shared_counter *
vfp_shared_counter_create(void)
{
    struct vfp_shared_counter *c = xmalloc(sizeof *c);

    vfp_counter_init(&c->counter);
    ovs_refcount_init(&c->ref_cnt);
    return c;
}

static inline struct vfp_shared_counter *
vfp_shared_counter_ref(struct vfp_shared_counter *c)
{
    if (c) {
        ovs_refcount_ref(&c->ref_cnt);
    }
    return c;
}

static inline void
vfp_shared_counter_unref(struct vfp_shared_counter *c)
{
    if (c && ovs_refcount_unref(&c->ref_cnt) == 1) {
        free(c);
    }
}

#endif /* vfp/counter.h */
