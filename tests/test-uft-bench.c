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

/* "uft-bench [N_ENTRIES [N_LOOKUPS]]": the cost of the unified flow table's
 * inserts and batch lookups (32 random present keys), at 1000, 100000 and
 * 1000000 entries or at N_ENTRIES only.  Prints figures, asserts none: the
 * suite runs it tiny, as a smoke test. */

#include <config.h>
#undef NDEBUG
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dp-packet.h"
#include "lib/uft.h"
#include "openvswitch/ofpbuf.h"
#include "ovs-rcu.h"
#include "ovstest.h"
#include "random.h"
#include "tests/test-uft-util.h"
#include "util.h"

static uint64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
bench(uint32_t n_entries, uint64_t n_lookups)
{
    struct uft *uft = uft_create(n_entries);
    struct uft_key *keys = xmalloc(n_entries * sizeof *keys);
    uint64_t stub[64 / 8];
    struct ofpbuf actions;

    ofpbuf_use_stub(&actions, stub, sizeof stub);
    uft_test_put_actions(&actions, 1, 16);
    for (uint32_t i = 0; i < n_entries; i++) {
        uft_test_key(i, &keys[i]);
    }

    uint64_t start = now_ns();
    for (uint32_t i = 0; i < n_entries; i++) {
        ovs_u128 ufid = uft_test_ufid(i);

        ovs_assert(!uft_insert(uft, &keys[i], &ufid, 0, actions.data,
                               actions.size));
    }
    uint64_t insert_ns = now_ns() - start;

    struct uft_key batch[NETDEV_MAX_BURST];
    struct uft_entry *entries[NETDEV_MAX_BURST];
    uint64_t n_batches = MAX(1, n_lookups / NETDEV_MAX_BURST);
    uint64_t lookup_ns = 0, n_hits = 0;
    for (uint64_t b = 0; b < n_batches; b++) {
        for (int i = 0; i < NETDEV_MAX_BURST; i++) {
            batch[i] = keys[random_range(n_entries)];
        }
        start = now_ns();
        uft_lookup_batch(uft, batch, NETDEV_MAX_BURST, entries);
        lookup_ns += now_ns() - start;
        for (int i = 0; i < NETDEV_MAX_BURST; i++) {
            n_hits += entries[i] != NULL;
        }
    }
    ovs_assert(n_hits == n_batches * NETDEV_MAX_BURST);

    printf("%10"PRIu32" entries: insert %7.1f ns, batch lookup %6.1f ns "
           "per key\n", n_entries, (double) insert_ns / n_entries,
           (double) lookup_ns / (n_batches * NETDEV_MAX_BURST));
    ofpbuf_uninit(&actions);
    free(keys);
    uft_destroy(uft);
    uft_test_rcu_barrier();
}

static void
test_uft_bench(int argc, char *argv[])
{
    uint64_t n_lookups = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000;

    random_set_seed(0x75667435);
    if (argc > 1) {
        bench(MAX(1, atoi(argv[1])), n_lookups);
    } else {
        bench(1000, n_lookups);
        bench(100000, n_lookups);
        bench(1000000, n_lookups);
    }
}

OVSTEST_REGISTER("uft-bench", test_uft_bench);
