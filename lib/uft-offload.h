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

#ifndef LIB_UFT_OFFLOAD_H
#define LIB_UFT_OFFLOAD_H 1

/* Hardware offload of a unified flow table's entries (netdev-offload.h).
 *
 * With other_config:hw-offload=true, each entry of a UF is offered to the
 * flow API of the netdev its packets come in on, as dpif-netdev offers its
 * own flows: netdev_flow_put() with the UF's match, actions and ufid, run
 * in dpif-netdev's offload threads (dpif-netdev-flow-cache.h), and removed
 * with netdev_flow_del() when the entry goes.
 *
 * The flow mark of an entry is its position in the table plus one: marks 1
 * to the table's capacity are reserved for it.  A netdev that takes the
 * flow marks its packets (partial offload); the lookup then goes straight
 * to the entry at the mark's position, with no hash and no index probe,
 * and takes it only if it is live and its key is the packet's key
 * (uft_lookup_position()).  A mark is a hint, never a verdict: a netdev
 * that matched fewer fields than the entry's key, or a mark that outlives
 * its entry until the netdev drops the flow, costs a lookup, not a packet
 * given a UF that is not its own.
 *
 * A netdev that handles the packets itself (full offload) counts them; a
 * dump adds its counts to the entry's (uft_offload_stats()), as dpif-netdev
 * does for its own flows, so that the revalidator sees the flow in use.
 *
 * Tunnel pop entries are not offered: their packets are popped by the
 * lookup (uft-decap.h), which needs the outer headers.
 *
 * Thread safety: uft_offload_create() and uft_offload_stop() from the main
 * thread; the others from any thread. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct dpif;
struct dpif_flow_stats;
struct match;
struct nlattr;
struct uft_offload;

/* Counters. */
struct uft_offload_counters {
    uint64_t n_put;             /* Flows the netdevs took, ... */
    uint64_t n_put_failed;      /* ... and refused (or were not there). */
    uint64_t n_del;             /* Flows removed from the netdevs. */
    uint64_t n_mark_hits;       /* Marked packets that found their entry, */
    uint64_t n_mark_misses;     /* ... and that did not. */
};

struct uft_offload *uft_offload_create(struct dpif *, uint32_t capacity);
void uft_offload_stop(struct uft_offload *);
void uft_offload_destroy(struct uft_offload *);

bool uft_offload_enabled(const struct uft_offload *);
void uft_offload_put(struct uft_offload *, const ovs_u128 *ufid,
                     unsigned pmd_id, uint32_t position, const struct match *,
                     const struct nlattr *actions, size_t actions_len);
void uft_offload_del(struct uft_offload *, const ovs_u128 *ufid,
                     unsigned pmd_id);
void uft_offload_flush(struct uft_offload *, unsigned pmd_id);
void uft_offload_stats(struct uft_offload *, const ovs_u128 *ufid,
                       struct dpif_flow_stats *);

/* Fast path. */
bool uft_offload_mark_position(const struct uft_offload *, uint32_t mark,
                               uint32_t *position);
void uft_offload_count_marks(struct uft_offload *, uint32_t n_hits,
                             uint32_t n_misses);

void uft_offload_get_counters(const struct uft_offload *,
                              struct uft_offload_counters *);

#endif /* lib/uft-offload.h */
