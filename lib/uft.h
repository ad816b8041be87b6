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

#ifndef LIB_UFT_H
#define LIB_UFT_H 1

/* The unified flow table (VFP section 6.1.1).
 *
 * A unified flow (UF) is the whole result of a connection's trip through
 * a port's layers, cached as one exact match on the connection's header
 * tuple.  The UFT holds them for the userspace datapath, in place of its
 * generic flow machinery (EMC, SMC, megaflow classifier): a packet that
 * the table knows is parsed once into a 64-byte key (uft-key.h), found
 * with one hash lookup, counted and handed its actions, without
 * miniflow_extract() and without a dp_netdev_flow.
 *
 *
 * Structure
 * =========
 *
 * Entries live in one array allocated when the table is created, sized by
 * the table's capacity; nothing is allocated or rehashed afterwards on the
 * fast path.  The array is reserved, not touched: the kernel backs its
 * pages as entries are first used, so an idle table costs little memory.
 *
 * Actions are kept once per distinct action list, shared by the entries
 * that execute it (the connections of one policy decision: same rewrites,
 * same output), and allocated by writers when a list is new.  Entries of
 * a NAT that gives each connection its own port share nothing.
 *
 * Packets find entries through an index by key, an open-addressed array
 * of 64-byte buckets of seven slots, preallocated with the array; a slot
 * holds the 32-bit hash and the entry's position.  An entry is placed in
 * the first bucket with a free slot from its hash's home bucket on; every
 * bucket passed over counts it as an overflow, and a lookup moves past a
 * bucket only while that count is nonzero.  Lookups thus read one bucket
 * and one entry in the common case, and deletions need no tombstones.
 *
 * Writers find entries by the datapath's flow id ("ufid"), for the dpif
 * interface (delete, get, modify), through a map (hmap) with a node in
 * each entry.  It grows with what it holds, under the mutex: a second
 * preallocated index would cost its full size at any occupancy, since
 * hashing touches its pages at random.
 *
 *
 * Thread-safety
 * =============
 *
 * Lookups (uft_lookup_batch(), uft_lookup()) are lock-free and may run
 * in any number of threads at once with one writer.  Writers (insert,
 * modify, remove, flush, and reading entries for a dump) take the table's
 * mutex.  A removed entry, and replaced actions, are reused or freed only
 * after an RCU grace period, so an entry or actions pointer that a lookup
 * returned stays valid until the calling thread quiesces.
 *
 * Statistics are updated by the thread that hit the entry, with relaxed
 * loads and stores and no lock (uft_entry_account()).  They are exact when
 * each entry is hit by one thread at a time, which the datapath gives when
 * the packets of one connection direction arrive on one receive queue
 * (RSS); two threads hitting one entry at the same instant may lose one
 * increment. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/uft-key.h"
#include "openvswitch/types.h"

struct ds;
struct nlattr;
struct uft;
struct uft_entry;

/* Statistics of an entry. */
struct uft_stats {
    uint64_t n_packets;
    uint64_t n_bytes;
    long long int used;         /* Last hit, in msec; 0 if never. */
    uint16_t tcp_flags;         /* Union of the TCP flags seen. */
};

/* The table's own counters. */
struct uft_counters {
    uint32_t capacity;          /* Entries the table can hold. */
    uint32_t n_entries;         /* Entries it holds now. */
    uint64_t n_hits;            /* Packets found, ... */
    uint64_t n_misses;          /* ... not found, ... */
    uint64_t n_unparsed;        /* ... and not parsed into a key. */
    uint64_t n_decap_single;    /* Tunnel pops in the lookup's pass, ... */
    uint64_t n_decap_two;       /* ... and left to the pop flow's action. */
    uint64_t n_inserted;        /* Insertions that succeeded, ... */
    uint64_t n_insert_full;     /* ... that failed for lack of room. */
    uint64_t n_removed;
    size_t memory;              /* Bytes reserved for entries and the index
                                 * by key. */
};

/* An entry as a dump sees it. */
struct uft_dump_entry {
    struct uft_key key;
    ovs_u128 ufid;
    unsigned pmd_id;
    struct uft_stats stats;
    const struct nlattr *actions; /* Valid until the caller quiesces. */
    size_t actions_len;
};

struct uft *uft_create(uint32_t capacity);
void uft_destroy(struct uft *);

int uft_insert(struct uft *, const struct uft_key *, const ovs_u128 *ufid,
               unsigned pmd_id, const struct nlattr *actions,
               size_t actions_len);
int uft_modify(struct uft *, const ovs_u128 *ufid,
               const struct nlattr *actions, size_t actions_len,
               struct uft_stats *);
bool uft_remove(struct uft *, const ovs_u128 *ufid, unsigned pmd_id,
                struct uft_stats *);
void uft_flush(struct uft *, unsigned pmd_id);
bool uft_get(const struct uft *, const ovs_u128 *ufid, unsigned pmd_id,
             struct uft_dump_entry *);
uint32_t uft_count(const struct uft *);
bool uft_position(const struct uft *, const ovs_u128 *ufid, unsigned pmd_id,
                  uint32_t *position);
size_t uft_dump(const struct uft *, uint32_t *position,
                struct uft_dump_entry *, size_t max);

/* Fast path. */
void uft_lookup_batch(const struct uft *, const struct uft_key keys[],
                      size_t n, struct uft_entry *entries[]);
struct uft_entry *uft_lookup(const struct uft *, const struct uft_key *);
struct uft_entry *uft_lookup_position(const struct uft *, uint32_t position,
                                      const struct uft_key *);
void uft_entry_account(struct uft_entry *, uint32_t n_packets,
                       uint32_t n_bytes, uint16_t tcp_flags,
                       long long int now);
const struct nlattr *uft_entry_actions(const struct uft_entry *,
                                       size_t *actions_len);
void uft_count_lookups(struct uft *, uint32_t n_hits, uint32_t n_misses,
                       uint32_t n_unparsed);

void uft_count_decap(struct uft *, uint32_t n_single, uint32_t n_two);
void uft_get_counters(const struct uft *, struct uft_counters *);
uint32_t uft_hash(const struct uft *, const struct uft_key *);

#endif /* lib/uft.h */
