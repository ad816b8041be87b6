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

/* "uft-reference": the unified flow table (lib/uft.h) against a reference
 * made of two hmaps, under random operations.
 *
 * Besides the table's contract, it shows what uft.c gives when the
 * indexes' probe limit is reached before the capacity: see
 * test_probe_limit(). */

#include <config.h>
#undef NDEBUG
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "dpif.h"
#include "hash.h"
#include "lib/uft.h"
#include "openvswitch/hmap.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/util.h"
#include "ovs-rcu.h"
#include "ovstest.h"
#include "random.h"
#include "tests/test-uft-util.h"
#include "timeval.h"
#include "util.h"

#define N_PMDS 4

struct ref_entry {
    struct hmap_node ufid_node; /* In ref's 'by_ufid'. */
    struct hmap_node key_node;  /* In ref's 'by_key'. */
    struct uft_key key;
    ovs_u128 ufid;
    unsigned pmd_id;
    uint32_t actions_seed;
    size_t actions_len;
    struct uft_stats stats;
    unsigned dumped;            /* Last dump that reported it. */
    size_t idx;                 /* In ref's 'all'. */
};

struct ref {
    struct hmap by_ufid;
    struct hmap by_key;
    struct ref_entry **all;     /* Every entry, to pick one at random. */
    uint32_t capacity;
    uint32_t n_pending;         /* Removed, before a grace period. */
    struct uft_counters c;      /* What uft_get_counters() must say. */
    unsigned dump_seq;
    uint32_t id_space;          /* Key and ufid ids are below this. */
};

static uint32_t
key_hash(const struct uft_key *key)
{
    return hash_bytes(key, sizeof *key, 0);
}

static struct ref_entry *
ref_find_ufid(const struct ref *ref, const ovs_u128 *ufid)
{
    struct ref_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, ufid_node, ufid->u32[1], &ref->by_ufid) {
        if (ovs_u128_equals(e->ufid, *ufid)) {
            return e;
        }
    }
    return NULL;
}

static struct ref_entry *
ref_find_key(const struct ref *ref, const struct uft_key *key)
{
    struct ref_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, key_node, key_hash(key), &ref->by_key) {
        if (!memcmp(&e->key, key, sizeof *key)) {
            return e;
        }
    }
    return NULL;
}

static void
ref_remove(struct ref *ref, struct ref_entry *e)
{
    hmap_remove(&ref->by_ufid, &e->ufid_node);
    hmap_remove(&ref->by_key, &e->key_node);
    size_t last = hmap_count(&ref->by_ufid);
    ref->all[e->idx] = ref->all[last];
    ref->all[e->idx]->idx = e->idx;
    free(e);
    ref->n_pending++;
    ref->c.n_entries--;
    ref->c.n_removed++;
}

static struct ref_entry *
ref_random(const struct ref *ref)
{
    size_t n = hmap_count(&ref->by_ufid);

    return n ? ref->all[random_range(n)] : NULL;
}

/* Actions from a few seeds half the time, so that entries share their
 * actions (uft.h, "Structure"); otherwise, from a seed of their own. */
static uint32_t
random_seed(void)
{
    return random_range(2) ? 2 * random_range(4) + 1 : random_uint32() | 1;
}

static size_t
random_actions_len(void)
{
    /* Empty, short, the length of a NAT and output, long. */
    static const size_t lens[] = {
        0, 8, 12, 64, 88, 92, 512,
    };
    return lens[random_range(ARRAY_SIZE(lens))];
}

static void
check_stats(const struct uft_stats *a, const struct uft_stats *b)
{
    ovs_assert(a->n_packets == b->n_packets);
    ovs_assert(a->n_bytes == b->n_bytes);
    ovs_assert(a->used == b->used);
    ovs_assert(a->tcp_flags == b->tcp_flags);
}

static void
check_counters(const struct uft *uft, const struct ref *ref)
{
    struct uft_counters c;

    uft_get_counters(uft, &c);
    ovs_assert(c.capacity == ref->capacity);
    ovs_assert(c.n_entries == hmap_count(&ref->by_ufid));
    ovs_assert(c.n_entries == ref->c.n_entries);
    ovs_assert(c.n_hits == ref->c.n_hits);
    ovs_assert(c.n_misses == ref->c.n_misses);
    ovs_assert(c.n_unparsed == ref->c.n_unparsed);
    ovs_assert(c.n_inserted == ref->c.n_inserted);
    ovs_assert(c.n_insert_full == ref->c.n_insert_full);
    ovs_assert(c.n_removed == ref->c.n_removed);
    ovs_assert(c.memory >= (size_t) ref->capacity * 64);
    ovs_assert(uft_count(uft) == c.n_entries);
}

static void
check_dump_entry(const struct uft_dump_entry *d, const struct ref_entry *e)
{
    ovs_assert(!memcmp(&d->key, &e->key, sizeof d->key));
    ovs_assert(ovs_u128_equals(d->ufid, e->ufid));
    ovs_assert(d->pmd_id == e->pmd_id);
    check_stats(&d->stats, &e->stats);
    ovs_assert(uft_test_actions_equal(d->actions, d->actions_len,
                                      e->actions_seed, e->actions_len));
}

/* A complete dump reports each entry once, and nothing else. */
static void
check_dump(const struct uft *uft, struct ref *ref)
{
    struct uft_dump_entry d[50];
    uint32_t position = 0;
    size_t total = 0;
    size_t n;

    ref->dump_seq++;
    while ((n = uft_dump(uft, &position, d, 1 + random_range(50)))) {
        for (size_t i = 0; i < n; i++) {
            struct ref_entry *e = ref_find_ufid(ref, &d[i].ufid);

            ovs_assert(e);
            ovs_assert(e->dumped != ref->dump_seq);
            e->dumped = ref->dump_seq;
            check_dump_entry(&d[i], e);
        }
        total += n;
    }
    ovs_assert(total == hmap_count(&ref->by_ufid));
    /* A finished dump stays finished. */
    ovs_assert(!uft_dump(uft, &position, d, ARRAY_SIZE(d)));
}

static void
random_key(const struct ref *ref, struct uft_key *key)
{
    uft_test_key(random_range(ref->id_space), key);
}

static ovs_u128
random_ufid(const struct ref *ref)
{
    return uft_test_ufid(random_range(ref->id_space));
}

/* Inserts 'key' with 'ufid' in both and checks that the table agrees.
 * Returns the table's answer. */
static int
do_insert(struct uft *uft, struct ref *ref, const struct uft_key *key,
          const ovs_u128 *ufid)
{
    uint64_t stub[1024 / 8];
    struct ofpbuf buf;
    unsigned pmd_id = random_range(N_PMDS);
    uint32_t seed = random_seed();
    size_t len = random_actions_len();
    int expected, error;

    ofpbuf_use_stub(&buf, stub, sizeof stub);
    uft_test_put_actions(&buf, seed, len);

    if (ref_find_key(ref, key) || ref_find_ufid(ref, ufid)) {
        expected = EEXIST;
    } else if (hmap_count(&ref->by_ufid) + ref->n_pending >= ref->capacity) {
        expected = ENOSPC;
    } else {
        expected = 0;
    }

    error = uft_insert(uft, key, ufid, pmd_id, buf.data, buf.size);
    ofpbuf_uninit(&buf);
    if (error != expected) {
        ovs_fatal(0, "insert with %"PRIuSIZE" entries and %"PRIu32
                  " pending of %"PRIu32": %s, expected %s",
                  hmap_count(&ref->by_ufid), ref->n_pending, ref->capacity,
                  ovs_strerror(error), ovs_strerror(expected));
    }
    if (!error) {
        struct ref_entry *e = xzalloc(sizeof *e);

        e->key = *key;
        e->ufid = *ufid;
        e->pmd_id = pmd_id;
        e->actions_seed = seed;
        e->actions_len = len;
        e->idx = hmap_count(&ref->by_ufid);
        ref->all[e->idx] = e;
        hmap_insert(&ref->by_ufid, &e->ufid_node, ufid->u32[1]);
        hmap_insert(&ref->by_key, &e->key_node, key_hash(key));
        ref->c.n_entries++;
        ref->c.n_inserted++;
    } else if (error == ENOSPC) {
        ref->c.n_insert_full++;
    }
    return error;
}

static void
op_insert(struct uft *uft, struct ref *ref)
{
    struct ref_entry *old = ref_random(ref);
    struct uft_key key;
    ovs_u128 ufid;

    /* Mostly new keys and ufids, sometimes those of an entry. */
    if (old && random_range(8) == 0) {
        key = old->key;
    } else {
        random_key(ref, &key);
    }
    if (old && random_range(8) == 0) {
        ufid = old->ufid;
    } else {
        ufid = random_ufid(ref);
    }
    do_insert(uft, ref, &key, &ufid);
}

static unsigned
random_pmd_for(const struct ref_entry *e, bool *matches)
{
    switch (random_range(4)) {
    case 0:
        *matches = true;
        return PMD_ID_NULL;
    case 1:
        *matches = !e;
        return e ? (e->pmd_id + 1) % N_PMDS : 0;
    default:
        *matches = true;
        return e ? e->pmd_id : random_range(N_PMDS);
    }
}

static void
op_remove(struct uft *uft, struct ref *ref)
{
    struct ref_entry *e = random_range(4) ? ref_random(ref) : NULL;
    ovs_u128 ufid = e ? e->ufid : random_ufid(ref);
    struct uft_stats stats;
    bool matches;
    unsigned pmd_id;

    e = ref_find_ufid(ref, &ufid);
    pmd_id = random_pmd_for(e, &matches);
    bool removed = uft_remove(uft, &ufid, pmd_id,
                              random_range(2) ? &stats : NULL);
    ovs_assert(removed == (e && matches));
    if (removed) {
        if (random_range(2)) {
            struct uft_dump_entry d;
            ovs_assert(!uft_get(uft, &ufid, PMD_ID_NULL, &d));
        }
        ref_remove(ref, e);
    }
}

static void
op_modify(struct uft *uft, struct ref *ref)
{
    struct ref_entry *e = random_range(4) ? ref_random(ref) : NULL;
    ovs_u128 ufid = e ? e->ufid : random_ufid(ref);
    uint64_t stub[1024 / 8];
    struct uft_stats stats;
    struct ofpbuf buf;
    uint32_t seed = random_seed();
    size_t len = random_actions_len();

    e = ref_find_ufid(ref, &ufid);
    ofpbuf_use_stub(&buf, stub, sizeof stub);
    uft_test_put_actions(&buf, seed, len);
    memset(&stats, 0xcc, sizeof stats);
    int error = uft_modify(uft, &ufid, buf.data, buf.size, &stats);
    ofpbuf_uninit(&buf);
    if (!e) {
        ovs_assert(error == ENOENT);
        return;
    }
    ovs_assert(!error);
    /* The statistics are reported, and kept. */
    check_stats(&stats, &e->stats);
    e->actions_seed = seed;
    e->actions_len = len;
}

/* Looks up a batch of keys, present and absent, and hits the entries
 * found. */
static void
op_lookup(struct uft *uft, struct ref *ref)
{
    struct uft_key keys[NETDEV_MAX_BURST];
    struct uft_entry *entries[NETDEV_MAX_BURST];
    size_t n = random_range(NETDEV_MAX_BURST + 1);
    bool batch = random_range(4);
    uint32_t n_hits = 0, n_misses = 0;
    long long int now = time_msec() + random_range(1000);

    for (size_t i = 0; i < n; i++) {
        struct ref_entry *e = random_range(3) ? ref_random(ref) : NULL;

        if (e) {
            keys[i] = e->key;
        } else {
            random_key(ref, &keys[i]);
        }
    }
    if (batch) {
        memset(entries, 0xcc, sizeof entries);
        uft_lookup_batch(uft, keys, n, entries);
    } else {
        for (size_t i = 0; i < n; i++) {
            entries[i] = uft_lookup(uft, &keys[i]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct ref_entry *e = ref_find_key(ref, &keys[i]);

        if (!e) {
            ovs_assert(!entries[i]);
            n_misses++;
            continue;
        }
        ovs_assert(entries[i]);

        size_t actions_len;
        const struct nlattr *actions = uft_entry_actions(entries[i],
                                                         &actions_len);
        ovs_assert(uft_test_actions_equal(actions, actions_len,
                                          e->actions_seed, e->actions_len));

        uint32_t n_packets = 1 + random_range(3);
        uint32_t n_bytes = n_packets * (64 + random_range(1400));
        uint16_t tcp_flags = random_range(2) ? random_uint16() & 0xfff : 0;
        uft_entry_account(entries[i], n_packets, n_bytes, tcp_flags, now);
        e->stats.n_packets += n_packets;
        e->stats.n_bytes += n_bytes;
        e->stats.used = now;
        e->stats.tcp_flags |= tcp_flags;
        n_hits++;
    }

    uint32_t n_unparsed = random_range(3);
    uft_count_lookups(uft, n_hits, n_misses, n_unparsed);
    ref->c.n_hits += n_hits;
    ref->c.n_misses += n_misses;
    ref->c.n_unparsed += n_unparsed;
}

/* A position, as a hardware flow mark remembers it, finds an entry only if
 * it is the live entry of the key: right or nothing, whatever the position
 * and the key. */
static void
op_position(struct uft *uft, struct ref *ref)
{
    struct ref_entry *e = random_range(2) ? ref_random(ref) : NULL;
    ovs_u128 ufid = e ? e->ufid : random_ufid(ref);
    uint32_t position;

    bool found = uft_position(uft, &ufid, PMD_ID_NULL, &position);
    ovs_assert(found == (ref_find_ufid(ref, &ufid) != NULL));
    if (found) {
        struct ref_entry *r = ref_find_ufid(ref, &ufid);

        ovs_assert(position < ref->capacity);
        ovs_assert(uft_lookup_position(uft, position, &r->key)
                   == uft_lookup(uft, &r->key));
        ovs_assert(uft_lookup_position(uft, position, &r->key));
    }

    struct uft_key key;
    if (random_range(2) && (e = ref_random(ref))) {
        key = e->key;
    } else {
        random_key(ref, &key);
    }
    position = random_range(ref->capacity + 2);
    struct uft_entry *hit = uft_lookup_position(uft, position, &key);
    ovs_assert(!hit || hit == uft_lookup(uft, &key));
}

static void
op_get(struct uft *uft, struct ref *ref)
{
    struct ref_entry *e = random_range(4) ? ref_random(ref) : NULL;
    ovs_u128 ufid = e ? e->ufid : random_ufid(ref);
    struct uft_dump_entry d;
    bool matches;
    unsigned pmd_id;

    e = ref_find_ufid(ref, &ufid);
    pmd_id = random_pmd_for(e, &matches);
    bool found = uft_get(uft, &ufid, pmd_id, &d);
    ovs_assert(found == (e && matches));
    if (found) {
        check_dump_entry(&d, e);
    }
}

static void
op_flush(struct uft *uft, struct ref *ref)
{
    unsigned pmd_id = random_range(2) ? PMD_ID_NULL : random_range(N_PMDS);
    struct ref_entry *e;

    uft_flush(uft, pmd_id);
    HMAP_FOR_EACH_SAFE (e, ufid_node, &ref->by_ufid) {
        if (pmd_id == PMD_ID_NULL || e->pmd_id == pmd_id) {
            ref_remove(ref, e);
        }
    }
}

/* A grace period: removed entries become free. */
static void
op_quiesce(struct uft *uft OVS_UNUSED, struct ref *ref)
{
    if (random_range(2)) {
        ovsrcu_synchronize();
    }
    ovsrcu_quiesce();
    ref->n_pending = 0;
}

/* Inserts new entries until the table refuses one, which must be when it is
 * full, counting the removed entries that wait for a grace period. */
static void
fill(struct uft *uft, struct ref *ref, uint32_t *next_id)
{
    for (;;) {
        struct uft_key key;
        ovs_u128 ufid;
        uint32_t id = (*next_id)++;

        uft_test_key(id, &key);
        ufid = uft_test_ufid(id);
        if (do_insert(uft, ref, &key, &ufid) == ENOSPC) {
            break;
        }
    }
    ovs_assert(hmap_count(&ref->by_ufid) + ref->n_pending == ref->capacity);
}

static void
ref_destroy(struct ref *ref)
{
    struct ref_entry *e;

    HMAP_FOR_EACH_POP (e, ufid_node, &ref->by_ufid) {
        free(e);
    }
    hmap_destroy(&ref->by_ufid);
    hmap_destroy(&ref->by_key);
    free(ref->all);
}

static void
run_reference(uint32_t capacity, uint32_t n_ops)
{
    struct uft *uft = uft_create(capacity);
    struct ref ref = {
        .by_ufid = HMAP_INITIALIZER(&ref.by_ufid),
        .by_key = HMAP_INITIALIZER(&ref.by_key),
        .capacity = capacity,
        .c = { .capacity = capacity },
        /* Twice the capacity: inserts meet existing keys and ufids, and the
         * table is often full. */
        .id_space = 2 * capacity + 8,
    };
    uint32_t next_id = ref.id_space;
    static const struct {
        void (*op)(struct uft *, struct ref *);
        int weight;
    } ops[] = {
        { op_insert, 40 }, { op_remove, 20 }, { op_modify, 10 },
        { op_lookup, 20 }, { op_get, 8 }, { op_quiesce, 2 },
        { op_position, 4 },
    };
    int total_weight = 0;

    for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
        total_weight += ops[i].weight;
    }
    ref.all = xcalloc(capacity, sizeof *ref.all);
    check_counters(uft, &ref);
    check_dump(uft, &ref);

    for (int round = 0; round < 2; round++) {
        uint32_t dump_interval = MAX(capacity, 500);

        /* Random operations. */
        for (uint32_t i = 0; i < n_ops; i++) {
            int w = random_range(total_weight);
            size_t j;

            for (j = 0; w >= ops[j].weight; j++) {
                w -= ops[j].weight;
            }
            ops[j].op(uft, &ref);
            if (random_range(1000) < 2) {
                op_flush(uft, &ref);
            }
            if (capacity <= 1000 || !(i % 1024)) {
                check_counters(uft, &ref);
            }
            if (!(i % dump_interval)) {
                check_dump(uft, &ref);
            }
        }
        check_counters(uft, &ref);
        check_dump(uft, &ref);

        /* Full: removed entries stay in use until a grace period... */
        fill(uft, &ref, &next_id);
        for (int k = 0; k < 3 && hmap_count(&ref.by_ufid); k++) {
            op_remove(uft, &ref);
        }
        uint32_t n_pending = ref.n_pending;
        fill(uft, &ref, &next_id);
        ovs_assert(ref.n_pending == n_pending);

        /* ...after which they are free again. */
        op_quiesce(uft, &ref);
        if (hmap_count(&ref.by_ufid) < capacity) {
            fill(uft, &ref, &next_id);
            ovs_assert(hmap_count(&ref.by_ufid) == capacity);
        }
        check_counters(uft, &ref);
        check_dump(uft, &ref);

        /* Flush by thread, then everything: the whole capacity is free
         * after a grace period. */
        uft_flush(uft, 1);
        struct ref_entry *e;
        HMAP_FOR_EACH_SAFE (e, ufid_node, &ref.by_ufid) {
            if (e->pmd_id == 1) {
                ref_remove(&ref, e);
            }
        }
        check_counters(uft, &ref);
        check_dump(uft, &ref);
        uft_flush(uft, PMD_ID_NULL);
        HMAP_FOR_EACH_SAFE (e, ufid_node, &ref.by_ufid) {
            ref_remove(&ref, e);
        }
        check_counters(uft, &ref);
        check_dump(uft, &ref);
        fill(uft, &ref, &next_id);
        ovs_assert(hmap_count(&ref.by_ufid) == 0);
        op_quiesce(uft, &ref);
        fill(uft, &ref, &next_id);
        ovs_assert(hmap_count(&ref.by_ufid) == capacity);
        check_counters(uft, &ref);
        check_dump(uft, &ref);
    }

    /* Actions too long for an entry. */
    {
        size_t len = UINT16_MAX + 1;
        struct nlattr *big = xzalloc(len);
        struct ref_entry *e = ref_random(&ref);
        struct uft_key key;
        ovs_u128 ufid = uft_test_ufid(next_id);

        uft_test_key(next_id++, &key);
        ovs_assert(uft_insert(uft, &key, &ufid, 0, big, len) == EFBIG);
        ovs_assert(uft_modify(uft, &e->ufid, big, len, NULL) == EFBIG);
        free(big);
        check_counters(uft, &ref);
        check_dump(uft, &ref);
    }

    /* Destroyed with removed entries that wait for their grace period. */
    for (int k = 0; k < 3 && hmap_count(&ref.by_ufid); k++) {
        op_remove(uft, &ref);
    }
    uft_destroy(uft);
    uft_test_rcu_barrier();
    ref_destroy(&ref);
}

/* Entries whose hashes share a home bucket fill the buckets within the
 * probe limit of it: the table refuses further ones (ENOSPC, counted as
 * full) before it is full.  Shows how many fit, for the by-ufid index (all
 * ufids with the same first word) and the by-key index (keys found by
 * trying with the table's own hash, uft_hash(), which depends on values
 * drawn at random when the table is created: a sender of packets does not
 * know it).  Entries of other hashes still go in. */
static void
test_probe_limit(uint32_t capacity, bool by_key)
{
    uint32_t n_buckets = MAX(1, DIV_ROUND_UP((uint64_t) capacity * 5 / 4,
                                             7));
    struct uft *uft = uft_create(capacity);
    uint32_t id = 0, n_ufid, n_key;
    static const struct nlattr none;
    struct uft_counters c;
    struct uft_key key;
    ovs_u128 ufid;
    int error;

    /* By ufid: no limit.  Ufids alike in their first word, which an
     * unkeyed hash might take, fill the table. */
    for (n_ufid = 0; ; n_ufid++) {
        uft_test_key(id, &key);
        ufid = uft_test_ufid(id++);
        ufid.u32[0] = 12345;
        error = uft_insert(uft, &key, &ufid, 0, &none, 0);
        if (error) {
            break;
        }
    }
    ovs_assert(error == ENOSPC && n_ufid == capacity);
    uft_get_counters(uft, &c);
    ovs_assert(c.n_entries == n_ufid && c.n_insert_full == 1);
    uft_flush(uft, PMD_ID_NULL);
    ovsrcu_quiesce();

    /* By key: keys whose hash falls in bucket 0. */
    uint32_t tries = 0;
    for (n_key = 0; by_key; n_key++) {
        do {
            uft_test_key(id++, &key);
            tries++;
        } while (((uint64_t) uft_hash(uft, &key) * n_buckets) >> 32);
        ufid = uft_test_ufid(id);
        error = uft_insert(uft, &key, &ufid, 0, &none, 0);
        if (error) {
            break;
        }
    }
    if (by_key) {
        ovs_assert(error == ENOSPC);
        uft_get_counters(uft, &c);
        ovs_assert(c.n_entries == n_key && c.n_insert_full == 2);
    }
    printf("capacity %"PRIu32": %"PRIu32" entries of alike ufids",
           capacity, n_ufid);
    if (by_key) {
        printf(", %"PRIu32" of one key home bucket", n_key);
    }
    printf("\n");
    if (getenv("UFT_TEST_VERBOSE")) {
        printf("(%"PRIu32" keys tried)\n", tries);
    }
    uft_destroy(uft);
    uft_test_rcu_barrier();
}

static void
test_uft_reference(int argc, char *argv[])
{
    static const uint32_t capacities[] = { 1, 2, 7, 8, 64, 1000, 100000 };
    const char *s = getenv("UFT_TEST_OPS");
    uint32_t n_ops = s ? atoi(s) : 20000;

    random_set_seed(argc > 1 ? atoi(argv[1]) : 0x75667431);
    for (size_t i = 0; i < ARRAY_SIZE(capacities); i++) {
        uint32_t cap = capacities[i];

        /* 0 becomes 1. */
        if (cap == 1) {
            struct uft *uft = uft_create(0);
            struct uft_counters c;

            uft_get_counters(uft, &c);
            ovs_assert(c.capacity == 1);
            uft_destroy(uft);
        }
        run_reference(cap, cap >= 100000 ? n_ops * 10 : n_ops);
    }
    test_probe_limit(1000, true);
    test_probe_limit(100000, false);
}

OVSTEST_REGISTER("uft-reference", test_uft_reference);
