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
#include "lib/uft.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "dp-packet.h"
#include "dpif.h"
#include "hash.h"
#include "openvswitch/hmap.h"
#include "openvswitch/util.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "random.h"
#include "util.h"

/* An index: buckets of UFT_SLOTS slots and an overflow count.  A slot is
 * 0 if free, otherwise (hash << 32) | (entry position + 1). */
#define UFT_SLOTS 7

struct uft_bucket {
    atomic_uint64_t slots[UFT_SLOTS];
    atomic_uint64_t n_overflow; /* Entries placed past this bucket. */
};
BUILD_ASSERT_DECL(sizeof(struct uft_bucket) == 64);

/* How many buckets past its home an entry may be placed.  A table whose
 * indexes hold 5/4 of its capacity in slots rarely needs more than one. */
#define UFT_MAX_PROBE 64

struct uft_index {
    struct uft_bucket *buckets;
    uint32_t n_buckets;         /* Not necessarily a power of 2. */
};

/* Actions, with their length, so that one pointer read gives both.  One
 * copy serves every entry that executes them: the connections of one policy
 * decision (same rewrites, same output) share it, which saves a copy per
 * entry and lets the datapath execute their packets as one batch. */
struct uft_actions {
    struct hmap_node node;      /* In the table's 'actions'. */
    uint32_t refcnt;            /* Entries using it. */
    uint32_t len;
    /* 'len' bytes of struct nlattr follow. */
};

static const struct nlattr *
actions_data(const struct uft_actions *actions)
{
    return (const struct nlattr *) (actions + 1);
}

/* An entry: 192 bytes, three cache lines.  The key, which every lookup
 * compares, comes first (its first line holds all of it but the tunnel
 * part); then what a hit touches; then what only writers read. */
struct uft_entry {
    struct uft_key key;         /* Bytes 0 to 95. */

    /* Bytes 96 to 127: what a hit reads and writes first.  Statistics are
     * written by the thread that hits the entry (uft.h, "Thread-safety"). */
    OVSRCU_TYPE(const struct uft_actions *) actions;
    atomic_ullong n_packets;
    atomic_ullong n_bytes;
    atomic_llong used;

    /* Bytes 128 to 191. */
    atomic_uint16_t tcp_flags;
    atomic_bool live;           /* Written under the table's mutex. */
    uint32_t hash;              /* hash_key(&key). */
    union {
        unsigned pmd_id;        /* Thread that installed it, if live. */
        uint32_t next_free;     /* Next in the free list, if not. */
    };
    ovs_u128 ufid;
    struct hmap_node ufid_node; /* In 'by_ufid', while live. */
    uint8_t pad[16];            /* Cache line alignment of the next. */
};
BUILD_ASSERT_DECL(sizeof(struct uft_entry) == 3 * 64);
BUILD_ASSERT_DECL(offsetof(struct uft_entry, actions) == 96);

struct uft {
    struct ovs_mutex mutex;
    struct uft_entry *entries;
    uint32_t capacity;
    uint32_t n_used OVS_GUARDED;      /* Entries ever handed out. */
    uint32_t free_head OVS_GUARDED;   /* First free entry, or UINT32_MAX. */
    uint32_t n_entries OVS_GUARDED;
    uint32_t n_pending OVS_GUARDED;   /* Removed, awaiting grace period. */
    struct uft_index by_key;
    struct hmap by_ufid OVS_GUARDED;  /* Entries, by keyed hash of ufid. */
    uint32_t ufid_basis;
    struct hmap actions OVS_GUARDED;  /* "struct uft_actions"s in use. */
    uint32_t seed[2 * sizeof(struct uft_key) / sizeof(uint64_t)];
    struct ovs_refcount refcnt;       /* The owner and each retired batch. */

    atomic_ullong n_hits;
    atomic_ullong n_misses;
    atomic_ullong n_unparsed;
    atomic_ullong n_decap_single;
    atomic_ullong n_decap_two;
    uint64_t n_inserted OVS_GUARDED;
    uint64_t n_insert_full OVS_GUARDED;
    uint64_t n_removed OVS_GUARDED;
};

/* Entries removed together, freed after a grace period. */
struct uft_retired {
    struct uft *uft;
    uint32_t n;
    uint32_t positions[];
};

/* The table's hash of 'key' (uft_hash()). */
static uint32_t
hash_key(const struct uft *uft, const struct uft_key *key)
{
    const uint64_t *w = (const uint64_t *) key;
    size_t n = (key->flags & UFT_KEY_TUNNEL
                ? sizeof *key / sizeof *w
                : offsetof(struct uft_key, tun) / sizeof *w);
    uint64_t acc = 0;

    /* NH universal hashing: the products are independent, so they
     * pipeline, where a chained hash (hash_words64()) costs the latency
     * of two multiplications per word.  Then murmur3's 64-bit finalizer. */
    for (size_t i = 0; i < n; i++) {
        uint32_t lo = w[i] + uft->seed[2 * i];
        uint32_t hi = (w[i] >> 32) + uft->seed[2 * i + 1];

        acc += (uint64_t) lo * hi;
    }
    acc ^= acc >> 33;
    acc *= UINT64_C(0xff51afd7ed558ccd);
    acc ^= acc >> 33;
    acc *= UINT64_C(0xc4ceb9fe1a85ec53);
    acc ^= acc >> 33;
    return acc;
}

/* Returns the hash that 'uft' files 'key' under: a function of the key and
 * of random values drawn when the table was created, so that whoever
 * chooses packets' headers cannot choose which entries collide. */
uint32_t
uft_hash(const struct uft *uft, const struct uft_key *key)
{
    return hash_key(uft, key);
}

static uint32_t
bucket_of(const struct uft_index *index, uint32_t hash)
{
    /* Lemire's multiply-shift range reduction: any bucket count. */
    return ((uint64_t) hash * index->n_buckets) >> 32;
}

/* Returns 'size' bytes of zeroed, page-aligned memory that the kernel
 * backs only as it is first written: a table reserved for a million
 * connections costs what its entries in use cost. */
static void *
reserve(size_t size, bool huge)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (p == MAP_FAILED) {
        out_of_memory();
    }
#ifdef MADV_HUGEPAGE
    if (huge) {
        /* Transparent huge pages, where the system allows them: a lookup
         * reads a bucket and an entry that a million others are spread
         * across, and 4 kB pages would make each a TLB miss. */
        madvise(p, size, MADV_HUGEPAGE);
    }
#endif
    return p;
}

static void
unreserve(void *p, size_t size)
{
    if (p) {
        munmap(p, size);
    }
}

static size_t
index_size(const struct uft_index *index)
{
    return (size_t) index->n_buckets * sizeof *index->buckets;
}

static void
index_init(struct uft_index *index, uint32_t capacity, bool huge)
{
    /* 80% full at capacity: seven-slot buckets rarely overflow there, and
     * every slot costs memory once the table is in use (its pages are
     * touched at random). */
    uint64_t n_slots = (uint64_t) capacity * 5 / 4;

    index->n_buckets = MAX(1, DIV_ROUND_UP(n_slots, UFT_SLOTS));
    index->buckets = reserve(index_size(index), huge);
}

/* Places entry 'pos' with 'hash' in 'index'.  Returns false if no bucket
 * within UFT_MAX_PROBE of its home has a free slot. */
static bool
index_insert(struct uft_index *index, uint32_t hash, uint32_t pos)
{
    uint32_t home = bucket_of(index, hash);
    uint32_t b = home;

    for (int probe = 0; probe < UFT_MAX_PROBE; probe++) {
        struct uft_bucket *bucket = &index->buckets[b];

        for (int i = 0; i < UFT_SLOTS; i++) {
            uint64_t slot;

            atomic_read_relaxed(&bucket->slots[i], &slot);
            if (!slot) {
                /* Counts first, so that a reader that sees the slot walks
                 * far enough to find it. */
                for (uint32_t o = home; o != b;
                     o = o + 1 == index->n_buckets ? 0 : o + 1) {
                    uint64_t n;

                    atomic_read_relaxed(&index->buckets[o].n_overflow, &n);
                    atomic_store_relaxed(&index->buckets[o].n_overflow,
                                         n + 1);
                }
                atomic_store_explicit(&bucket->slots[i],
                                      ((uint64_t) hash << 32) | (pos + 1),
                                      memory_order_release);
                return true;
            }
        }
        b = b + 1 == index->n_buckets ? 0 : b + 1;
    }
    return false;
}

/* Removes entry 'pos' with 'hash' from 'index'. */
static void
index_remove(struct uft_index *index, uint32_t hash, uint32_t pos)
{
    uint64_t want = ((uint64_t) hash << 32) | (pos + 1);
    uint32_t home = bucket_of(index, hash);
    uint32_t b = home;

    for (int probe = 0; probe < UFT_MAX_PROBE; probe++) {
        struct uft_bucket *bucket = &index->buckets[b];

        for (int i = 0; i < UFT_SLOTS; i++) {
            uint64_t slot;

            atomic_read_relaxed(&bucket->slots[i], &slot);
            if (slot == want) {
                atomic_store_relaxed(&bucket->slots[i], 0);
                for (uint32_t o = home; o != b;
                     o = o + 1 == index->n_buckets ? 0 : o + 1) {
                    uint64_t n;

                    atomic_read_relaxed(&index->buckets[o].n_overflow, &n);
                    atomic_store_relaxed(&index->buckets[o].n_overflow,
                                         n - 1);
                }
                return;
            }
        }
        b = b + 1 == index->n_buckets ? 0 : b + 1;
    }
    OVS_NOT_REACHED();
}

static size_t
entries_size(uint32_t capacity)
{
    return (size_t) capacity * sizeof(struct uft_entry);
}

/* Creates a table for 'capacity' entries (at least 1).  No other thread
 * knows the table yet: no lock. */
struct uft *
uft_create(uint32_t capacity)
    OVS_NO_THREAD_SAFETY_ANALYSIS
{
    struct uft *uft = xzalloc(sizeof *uft);

    capacity = MAX(1, MIN(capacity, UINT32_MAX / 4));
    ovs_mutex_init(&uft->mutex);
    uft->capacity = capacity;
    uft->entries = reserve(entries_size(capacity), true);
    uft->free_head = UINT32_MAX;
    /* Packets find entries by key, through the lock-free index; writers
     * find them by ufid, through a map that grows with what it holds: it
     * would otherwise cost a second index's memory for the capacity, at
     * any occupancy (its pages are touched at random). */
    index_init(&uft->by_key, capacity, true);
    hmap_init(&uft->by_ufid);
    uft->ufid_basis = random_uint32();
    for (size_t i = 0; i < ARRAY_SIZE(uft->seed); i++) {
        uft->seed[i] = random_uint32();
    }
    hmap_init(&uft->actions);
    ovs_refcount_init(&uft->refcnt);
    return uft;
}

/* Returns the table's copy of 'actions', with a new reference. */
static const struct uft_actions *
ref_actions(struct uft *uft, const struct nlattr *actions, size_t actions_len)
    OVS_REQUIRES(uft->mutex)
{
    uint32_t hash = hash_bytes(actions, actions_len, 0);
    struct uft_actions *a;

    HMAP_FOR_EACH_WITH_HASH (a, node, hash, &uft->actions) {
        if (a->len == actions_len
            && !memcmp(actions_data(a), actions, actions_len)) {
            a->refcnt++;
            return a;
        }
    }
    a = xmalloc(sizeof *a + actions_len);
    a->refcnt = 1;
    a->len = actions_len;
    memcpy(CONST_CAST(struct nlattr *, actions_data(a)), actions,
           actions_len);
    hmap_insert(&uft->actions, &a->node, hash);
    return a;
}

/* Drops a reference to 'a_' (if nonnull); the last one frees it after a
 * grace period, since lookups may be reading it. */
static void
unref_actions(struct uft *uft, const struct uft_actions *a_)
    OVS_REQUIRES(uft->mutex)
{
    struct uft_actions *a = CONST_CAST(struct uft_actions *, a_);

    if (a && !--a->refcnt) {
        hmap_remove(&uft->actions, &a->node);
        ovsrcu_postpone(free, a);
    }
}

/* With the last reference, no other thread can reach the table: no
 * lock. */
static void
uft_unref(struct uft *uft)
    OVS_NO_THREAD_SAFETY_ANALYSIS
{
    if (uft && ovs_refcount_unref(&uft->refcnt) == 1) {
        struct uft_actions *a;

        HMAP_FOR_EACH_POP (a, node, &uft->actions) {
            free(a);
        }
        hmap_destroy(&uft->actions);
        unreserve(uft->by_key.buckets, index_size(&uft->by_key));
        hmap_destroy(&uft->by_ufid);
        unreserve(uft->entries, entries_size(uft->capacity));
        ovs_mutex_destroy(&uft->mutex);
        free(uft);
    }
}

/* Frees 'uft'.  The caller makes sure that no thread looks it up any more
 * (typically from an RCU callback).  Entries still waiting for their grace
 * period keep the memory until then. */
void
uft_destroy(struct uft *uft)
{
    uft_unref(uft);
}

static bool
entry_is_live(const struct uft_entry *e_)
{
    struct uft_entry *e = CONST_CAST(struct uft_entry *, e_);
    bool live;

    atomic_read_explicit(&e->live, &live, memory_order_acquire);
    return live;
}

/* Keyed, so that no choice of ufids makes one chain long. */
static uint32_t
ufid_hash(const struct uft *uft, const ovs_u128 *ufid)
{
    return hash_2words(hash_uint64_basis(ufid->u64.lo, uft->ufid_basis),
                       hash_uint64(ufid->u64.hi));
}

static struct uft_entry *
find_ufid(const struct uft *uft, const ovs_u128 *ufid, uint32_t *posp)
    OVS_REQUIRES(uft->mutex)
{
    struct uft_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, ufid_node, ufid_hash(uft, ufid),
                             &uft->by_ufid) {
        if (ovs_u128_equals(e->ufid, *ufid)) {
            if (posp) {
                *posp = e - uft->entries;
            }
            return e;
        }
    }
    return NULL;
}

static struct uft_entry *
lookup__(const struct uft *uft, const struct uft_key *key, uint32_t hash)
{
    const struct uft_index *index = &uft->by_key;
    uint32_t b = bucket_of(index, hash);

    for (int probe = 0; probe < UFT_MAX_PROBE; probe++) {
        struct uft_bucket *bucket = &index->buckets[b];
        uint64_t n_overflow;

        for (int i = 0; i < UFT_SLOTS; i++) {
            uint64_t slot;

            atomic_read_explicit(&bucket->slots[i], &slot,
                                 memory_order_acquire);
            if (slot >> 32 == hash && slot) {
                struct uft_entry *e = &uft->entries[(uint32_t) slot - 1];

                if (OVS_LIKELY(uft_key_equal(&e->key, key))) {
                    return e;
                }
            }
        }
        atomic_read_relaxed(&bucket->n_overflow, &n_overflow);
        if (OVS_LIKELY(!n_overflow)) {
            break;
        }
        b = b + 1 == index->n_buckets ? 0 : b + 1;
    }
    return NULL;
}

struct uft_entry *
uft_lookup(const struct uft *uft, const struct uft_key *key)
{
    return lookup__(uft, key, hash_key(uft, key));
}

/* Returns the entry at 'position' if it is live and its key is 'key',
 * otherwise NULL: a lookup for a packet whose position in the table
 * something else remembered (a hardware flow mark, say), which that
 * something cannot make wrong. */
struct uft_entry *
uft_lookup_position(const struct uft *uft, uint32_t position,
                    const struct uft_key *key)
{
    if (position < uft->capacity) {
        struct uft_entry *e = &uft->entries[position];

        if (entry_is_live(e) && uft_key_equal(&e->key, key)) {
            return e;
        }
    }
    return NULL;
}

/* Looks up the 'n' keys in 'keys', setting 'entries[i]' to the entry for
 * 'keys[i]' or NULL.
 *
 * In three passes over the batch, so that the cache misses of different
 * keys overlap instead of adding up: hash every key and prefetch its home
 * bucket; find in each bucket the slot with the key's hash and prefetch
 * that entry; compare the keys.  A key whose home bucket has no slot with
 * its hash but has overflowed, or whose candidate is another key, takes
 * the full walk (lookup__()). */
void
uft_lookup_batch(const struct uft *uft, const struct uft_key keys[],
                 size_t n, struct uft_entry *entries[])
{
    const struct uft_index *index = &uft->by_key;
    uint32_t hashes[NETDEV_MAX_BURST];
    uint32_t buckets[NETDEV_MAX_BURST];

    ovs_assert(n <= NETDEV_MAX_BURST);
    for (size_t i = 0; i < n; i++) {
        hashes[i] = hash_key(uft, &keys[i]);
        buckets[i] = bucket_of(index, hashes[i]);
        OVS_PREFETCH(&index->buckets[buckets[i]]);
    }

    for (size_t i = 0; i < n; i++) {
        struct uft_bucket *bucket = &index->buckets[buckets[i]];
        struct uft_entry *candidate = NULL;

        for (int k = 0; k < UFT_SLOTS; k++) {
            uint64_t slot;

            atomic_read_explicit(&bucket->slots[k], &slot,
                                 memory_order_acquire);
            if (slot >> 32 == hashes[i] && slot) {
                candidate = &uft->entries[(uint32_t) slot - 1];
                OVS_PREFETCH(candidate);
                OVS_PREFETCH(&candidate->actions);
                break;
            }
        }
        entries[i] = candidate;
    }

    for (size_t i = 0; i < n; i++) {
        struct uft_entry *e = entries[i];

        if (OVS_UNLIKELY(!e || !uft_key_equal(&e->key, &keys[i]))) {
            uint64_t n_overflow;

            atomic_read_relaxed(&index->buckets[buckets[i]].n_overflow,
                                &n_overflow);
            entries[i] = (e || n_overflow
                          ? lookup__(uft, &keys[i], hashes[i])
                          : NULL);
        }
    }
}

/* Inserts an entry for 'key' with datapath flow id 'ufid', installed by
 * thread 'pmd_id', that executes 'actions'.  Returns 0 on success, EEXIST
 * if 'key' or 'ufid' is already in the table, ENOSPC if the table is full
 * (counted in n_insert_full), EFBIG if 'actions' are too long for an
 * entry. */
int
uft_insert(struct uft *uft, const struct uft_key *key, const ovs_u128 *ufid,
           unsigned pmd_id, const struct nlattr *actions, size_t actions_len)
    OVS_EXCLUDED(uft->mutex)
{
    uint32_t hash = hash_key(uft, key);
    int error = 0;

    if (actions_len > UINT16_MAX) {
        return EFBIG;
    }

    ovs_mutex_lock(&uft->mutex);
    if (lookup__(uft, key, hash) || find_ufid(uft, ufid, NULL)) {
        error = EEXIST;
        goto out;
    }

    uint32_t pos;
    if (uft->free_head != UINT32_MAX) {
        pos = uft->free_head;
    } else if (uft->n_used < uft->capacity) {
        pos = uft->n_used;
    } else {
        uft->n_insert_full++;
        error = ENOSPC;
        goto out;
    }

    /* Filled in before it is published in 'by_key' (with release
     * semantics), the only index that lookups read without the mutex.  No
     * lookup reads a free entry: its slots went a grace period ago. */
    struct uft_entry *e = &uft->entries[pos];
    uint32_t next_free = e->next_free;
    e->hash = hash;
    e->ufid = *ufid;
    atomic_store_relaxed(&e->n_packets, 0);
    atomic_store_relaxed(&e->n_bytes, 0);
    atomic_store_relaxed(&e->used, 0);
    atomic_store_relaxed(&e->tcp_flags, 0);
    ovsrcu_set_hidden(&e->actions, ref_actions(uft, actions, actions_len));
    e->key = *key;

    if (!index_insert(&uft->by_key, hash, pos)) {
        goto full;
    }
    hmap_insert(&uft->by_ufid, &e->ufid_node, ufid_hash(uft, ufid));

    if (pos == uft->n_used) {
        uft->n_used++;
    } else {
        uft->free_head = next_free;
    }
    e->pmd_id = pmd_id;
    atomic_store_explicit(&e->live, true, memory_order_release);
    uft->n_entries++;
    uft->n_inserted++;
    goto out;

full:
    unref_actions(uft, ovsrcu_get_protected(const struct uft_actions *,
                                            &e->actions));
    ovsrcu_set_hidden(&e->actions, NULL);
    memset(&e->key, 0, sizeof e->key);
    e->next_free = next_free;
    uft->n_insert_full++;
    error = ENOSPC;

out:
    ovs_mutex_unlock(&uft->mutex);
    return error;
}

static void
read_stats(const struct uft_entry *e, struct uft_stats *stats)
{
    unsigned long long n_packets, n_bytes;
    long long int used;
    uint16_t tcp_flags;

    atomic_read_relaxed(&CONST_CAST(struct uft_entry *, e)->n_packets,
                        &n_packets);
    atomic_read_relaxed(&CONST_CAST(struct uft_entry *, e)->n_bytes,
                        &n_bytes);
    atomic_read_relaxed(&CONST_CAST(struct uft_entry *, e)->used, &used);
    atomic_read_relaxed(&CONST_CAST(struct uft_entry *, e)->tcp_flags,
                        &tcp_flags);
    stats->n_packets = n_packets;
    stats->n_bytes = n_bytes;
    stats->used = used;
    stats->tcp_flags = tcp_flags;
}

/* Replaces the actions of the entry with 'ufid', reporting its statistics
 * in '*stats' if nonnull.  Returns ENOENT if there is no such entry, EFBIG
 * if 'actions' are too long. */
int
uft_modify(struct uft *uft, const ovs_u128 *ufid,
           const struct nlattr *actions, size_t actions_len,
           struct uft_stats *stats)
    OVS_EXCLUDED(uft->mutex)
{
    int error = 0;

    if (actions_len > UINT16_MAX) {
        return EFBIG;
    }
    ovs_mutex_lock(&uft->mutex);
    struct uft_entry *e = find_ufid(uft, ufid, NULL);
    if (!e) {
        error = ENOENT;
    } else {
        const struct uft_actions *old = ovsrcu_get_protected(
            const struct uft_actions *, &e->actions);

        ovsrcu_set(&e->actions, ref_actions(uft, actions, actions_len));
        unref_actions(uft, old);
        if (stats) {
            read_stats(e, stats);
        }
    }
    ovs_mutex_unlock(&uft->mutex);
    return error;
}

static void
release_retired(struct uft_retired *r)
{
    struct uft *uft = r->uft;

    ovs_mutex_lock(&uft->mutex);
    for (uint32_t i = 0; i < r->n; i++) {
        struct uft_entry *e = &uft->entries[r->positions[i]];

        unref_actions(uft, ovsrcu_get_protected(const struct uft_actions *,
                                                &e->actions));
        ovsrcu_set_hidden(&e->actions, NULL);
        memset(&e->key, 0, sizeof e->key);
        e->next_free = uft->free_head;
        uft->free_head = r->positions[i];
    }
    uft->n_pending -= r->n;
    ovs_mutex_unlock(&uft->mutex);
    uft_unref(uft);
    free(r);
}

/* Takes entry 'pos' out of the indexes; 'r' frees it after a grace
 * period. */
static void
retire(struct uft *uft, uint32_t pos, struct uft_retired *r)
    OVS_REQUIRES(uft->mutex)
{
    struct uft_entry *e = &uft->entries[pos];

    index_remove(&uft->by_key, e->hash, pos);
    hmap_remove(&uft->by_ufid, &e->ufid_node);
    atomic_store_relaxed(&e->live, false);
    uft->n_entries--;
    uft->n_pending++;
    uft->n_removed++;
    r->positions[r->n++] = pos;
}

static struct uft_retired *
retired_create(struct uft *uft, size_t n)
{
    struct uft_retired *r = xmalloc(sizeof *r + n * sizeof *r->positions);

    r->uft = uft;
    r->n = 0;
    return r;
}

static void
retired_postpone(struct uft_retired *r)
{
    if (r->n) {
        ovs_refcount_ref(&r->uft->refcnt);
        ovsrcu_postpone(release_retired, r);
    } else {
        free(r);
    }
}

static bool
pmd_matches(const struct uft_entry *e, unsigned pmd_id)
{
    return pmd_id == PMD_ID_NULL || e->pmd_id == pmd_id;
}

/* Removes the entry with 'ufid' installed by thread 'pmd_id' (any thread if
 * PMD_ID_NULL), reporting its statistics in '*stats' if nonnull.  Returns
 * false if there is none. */
bool
uft_remove(struct uft *uft, const ovs_u128 *ufid, unsigned pmd_id,
           struct uft_stats *stats)
    OVS_EXCLUDED(uft->mutex)
{
    struct uft_retired *r = retired_create(uft, 1);
    uint32_t pos;

    ovs_mutex_lock(&uft->mutex);
    struct uft_entry *e = find_ufid(uft, ufid, &pos);
    if (e && !pmd_matches(e, pmd_id)) {
        e = NULL;
    }
    if (e) {
        if (stats) {
            read_stats(e, stats);
        }
        retire(uft, pos, r);
    }
    ovs_mutex_unlock(&uft->mutex);
    retired_postpone(r);
    return e != NULL;
}

/* Removes every entry installed by thread 'pmd_id', or every entry if
 * 'pmd_id' is PMD_ID_NULL. */
void
uft_flush(struct uft *uft, unsigned pmd_id)
    OVS_EXCLUDED(uft->mutex)
{
    ovs_mutex_lock(&uft->mutex);
    struct uft_retired *r = retired_create(uft, uft->n_entries);
    for (uint32_t pos = 0; pos < uft->n_used; pos++) {
        struct uft_entry *e = &uft->entries[pos];

        if (entry_is_live(e) && pmd_matches(e, pmd_id)) {
            retire(uft, pos, r);
        }
    }
    ovs_mutex_unlock(&uft->mutex);
    retired_postpone(r);
}

static void
dump_entry(const struct uft_entry *e, struct uft_dump_entry *d)
{
    d->key = e->key;
    d->ufid = e->ufid;
    d->pmd_id = e->pmd_id;
    read_stats(e, &d->stats);
    const struct uft_actions *actions = ovsrcu_get(
        const struct uft_actions *, &e->actions);

    d->actions = actions_data(actions);
    d->actions_len = actions->len;
}

/* Reports the entry with 'ufid' installed by thread 'pmd_id' (any thread if
 * PMD_ID_NULL) in '*d'.  Returns false if there is none. */
bool
uft_get(const struct uft *uft_, const ovs_u128 *ufid, unsigned pmd_id,
        struct uft_dump_entry *d)
    OVS_EXCLUDED(uft_->mutex)
{
    struct uft *uft = CONST_CAST(struct uft *, uft_);

    ovs_mutex_lock(&uft->mutex);
    const struct uft_entry *e = find_ufid(uft, ufid, NULL);
    if (e && !pmd_matches(e, pmd_id)) {
        e = NULL;
    }
    if (e) {
        dump_entry(e, d);
    }
    ovs_mutex_unlock(&uft->mutex);
    return e != NULL;
}

/* Stores in '*position' the position of the entry with 'ufid' installed by
 * thread 'pmd_id' (any if PMD_ID_NULL), which stays its position until it
 * is removed.  Returns false if there is none. */
bool
uft_position(const struct uft *uft_, const ovs_u128 *ufid, unsigned pmd_id,
             uint32_t *position)
    OVS_EXCLUDED(uft_->mutex)
{
    struct uft *uft = CONST_CAST(struct uft *, uft_);

    ovs_mutex_lock(&uft->mutex);
    const struct uft_entry *e = find_ufid(uft, ufid, position);
    bool found = e && pmd_matches(e, pmd_id);
    ovs_mutex_unlock(&uft->mutex);
    return found;
}

/* Copies up to 'max' entries, from position '*position' on, to 'd', and
 * advances '*position' (start at 0).  Returns the number copied; 0 means
 * the dump is complete.  Entries inserted or removed during a dump may or
 * may not be reported; the others are reported once. */
size_t
uft_dump(const struct uft *uft_, uint32_t *position,
         struct uft_dump_entry *d, size_t max)
    OVS_EXCLUDED(uft_->mutex)
{
    struct uft *uft = CONST_CAST(struct uft *, uft_);
    size_t n = 0;

    ovs_mutex_lock(&uft->mutex);
    while (*position < uft->n_used && n < max) {
        const struct uft_entry *e = &uft->entries[(*position)++];

        if (entry_is_live(e)) {
            dump_entry(e, &d[n++]);
        }
    }
    ovs_mutex_unlock(&uft->mutex);
    return n;
}

/* Counts 'n_packets' packets of 'n_bytes' bytes with 'tcp_flags', at time
 * 'now' (msec), against 'e'. */
void
uft_entry_account(struct uft_entry *e, uint32_t n_packets, uint32_t n_bytes,
                  uint16_t tcp_flags, long long int now)
{
    unsigned long long v;
    uint16_t flags;

    atomic_read_relaxed(&e->n_packets, &v);
    atomic_store_relaxed(&e->n_packets, v + n_packets);
    atomic_read_relaxed(&e->n_bytes, &v);
    atomic_store_relaxed(&e->n_bytes, v + n_bytes);
    atomic_store_relaxed(&e->used, now);
    atomic_read_relaxed(&e->tcp_flags, &flags);
    if ((flags | tcp_flags) != flags) {
        atomic_store_relaxed(&e->tcp_flags, flags | tcp_flags);
    }
}

const struct nlattr *
uft_entry_actions(const struct uft_entry *e, size_t *actions_len)
{
    const struct uft_actions *actions = ovsrcu_get(
        const struct uft_actions *, &e->actions);

    *actions_len = actions->len;
    return actions_data(actions);
}

/* Counts one batch's lookups, from any thread. */
void
uft_count_lookups(struct uft *uft, uint32_t n_hits, uint32_t n_misses,
                  uint32_t n_unparsed)
{
    unsigned long long orig;

    if (n_hits) {
        atomic_add_relaxed(&uft->n_hits, n_hits, &orig);
    }
    if (n_misses) {
        atomic_add_relaxed(&uft->n_misses, n_misses, &orig);
    }
    if (n_unparsed) {
        atomic_add_relaxed(&uft->n_unparsed, n_unparsed, &orig);
    }
}

/* Counts one batch's tunnel pops (uft-decap.h), from any thread. */
void
uft_count_decap(struct uft *uft, uint32_t n_single, uint32_t n_two)
{
    unsigned long long orig;

    if (n_single) {
        atomic_add_relaxed(&uft->n_decap_single, n_single, &orig);
    }
    if (n_two) {
        atomic_add_relaxed(&uft->n_decap_two, n_two, &orig);
    }
}

/* Returns the number of entries in 'uft'. */
uint32_t
uft_count(const struct uft *uft_)
    OVS_EXCLUDED(uft_->mutex)
{
    struct uft *uft = CONST_CAST(struct uft *, uft_);
    uint32_t n;

    ovs_mutex_lock(&uft->mutex);
    n = uft->n_entries;
    ovs_mutex_unlock(&uft->mutex);
    return n;
}

void
uft_get_counters(const struct uft *uft_, struct uft_counters *c)
    OVS_EXCLUDED(uft_->mutex)
{
    struct uft *uft = CONST_CAST(struct uft *, uft_);
    unsigned long long v;

    memset(c, 0, sizeof *c);
    ovs_mutex_lock(&uft->mutex);
    c->capacity = uft->capacity;
    c->n_entries = uft->n_entries;
    c->n_inserted = uft->n_inserted;
    c->n_insert_full = uft->n_insert_full;
    c->n_removed = uft->n_removed;
    ovs_mutex_unlock(&uft->mutex);
    atomic_read_relaxed(&uft->n_hits, &v);
    c->n_hits = v;
    atomic_read_relaxed(&uft->n_misses, &v);
    c->n_misses = v;
    atomic_read_relaxed(&uft->n_unparsed, &v);
    c->n_unparsed = v;
    atomic_read_relaxed(&uft->n_decap_single, &v);
    c->n_decap_single = v;
    atomic_read_relaxed(&uft->n_decap_two, &v);
    c->n_decap_two = v;
    c->memory = entries_size(uft->capacity) + index_size(&uft->by_key);
}
