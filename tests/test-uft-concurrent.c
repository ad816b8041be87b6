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

/* "uft-concurrent": one writer inserts, modifies and removes entries while
 * two readers look keys up in batches, quiescing after each.  Every entry a
 * reader gets must carry the key it looked up (its actions hold the key's
 * id), and entries that are never removed must always be found. */

#include <config.h>
#undef NDEBUG
#include <errno.h>
#include <stdlib.h>

#include "dp-packet.h"
#include "dpif.h"
#include "lib/uft.h"
#include "openvswitch/ofpbuf.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "ovstest.h"
#include "random.h"
#include "tests/test-uft-util.h"
#include "util.h"

#define N_IDS 4096              /* Keys in play. */
#define N_STABLE 256            /* Keys 0 to N_STABLE - 1 stay. */
#define CAPACITY 2048

static struct uft *uft;
static struct uft_key keys[N_IDS];
static atomic_bool stop;
static int n_iterations = 1000000;

/* Actions of key 'id', generation 'gen': the low 16 bits of the seed are
 * the id.  Four generations' worth, so that a modification often gives an
 * entry the actions it has (uft.h: shared actions). */
static uint32_t
seed_of(uint32_t id, uint32_t gen)
{
    return ((gen % 4) << 16) | id;
}

static void *
reader(void *arg OVS_UNUSED)
{
    struct uft_entry *entries[NETDEV_MAX_BURST];
    uint32_t ids[NETDEV_MAX_BURST];
    struct uft_key batch[NETDEV_MAX_BURST];
    uint64_t n_hits = 0;
    uint32_t r = random_uint32();

    for (;;) {
        bool done;

        atomic_read(&stop, &done);
        if (done) {
            break;
        }
        for (int i = 0; i < NETDEV_MAX_BURST; i++) {
            r = r * 1103515245 + 12345;
            ids[i] = (r >> 8) % N_IDS;
            batch[i] = keys[ids[i]];
        }
        uft_lookup_batch(uft, batch, NETDEV_MAX_BURST, entries);
        for (int i = 0; i < NETDEV_MAX_BURST; i++) {
            if (!entries[i]) {
                ovs_assert(ids[i] >= N_STABLE);
                continue;
            }
            size_t len;
            const struct nlattr *a = uft_entry_actions(entries[i], &len);
            ovs_assert((uft_test_actions_seed(a, len) & 0xffff) == ids[i]);
            n_hits++;
        }
        ovsrcu_quiesce();
    }
    ovs_assert(n_hits);
    return NULL;
}

static void
put(uint32_t id, uint32_t gen, bool modify)
{
    uint64_t stub[256 / 8];
    struct ofpbuf buf;
    ovs_u128 ufid = uft_test_ufid(id);
    /* Short and long actions. */
    size_t len = gen % 2 ? 16 : 96;

    ofpbuf_use_stub(&buf, stub, sizeof stub);
    uft_test_put_actions(&buf, seed_of(id, gen), len);
    if (modify) {
        int error = uft_modify(uft, &ufid, buf.data, buf.size, NULL);
        ovs_assert(!error || error == ENOENT);
    } else {
        int error = uft_insert(uft, &keys[id], &ufid, 0, buf.data,
                               buf.size);
        ovs_assert(!error || error == EEXIST || error == ENOSPC);
    }
    ofpbuf_uninit(&buf);
}

static void
test_uft_concurrent(int argc, char *argv[])
{
    pthread_t readers[2];

    if (argc > 1) {
        n_iterations = atoi(argv[1]);
    }
    random_set_seed(0x75667434);
    uft = uft_create(CAPACITY);
    for (uint32_t i = 0; i < N_IDS; i++) {
        uft_test_key(i, &keys[i]);
    }
    for (uint32_t i = 0; i < N_STABLE; i++) {
        put(i, 0, false);
    }
    for (int i = 0; i < ARRAY_SIZE(readers); i++) {
        readers[i] = ovs_thread_create("uft-reader", reader, NULL);
    }

    for (int i = 0; i < n_iterations; i++) {
        uint32_t id = random_range(N_IDS);
        uint32_t gen = random_uint32() & 0xffff;

        switch (random_range(8)) {
        case 0: case 1: case 2:
            if (id >= N_STABLE) {
                put(id, gen, false);
            }
            break;
        case 3: case 4: {
            ovs_u128 ufid = uft_test_ufid(id);
            if (id >= N_STABLE) {
                uft_remove(uft, &ufid, PMD_ID_NULL, NULL);
            }
            break;
        }
        case 5: case 6:
            put(id, gen, true);
            break;
        default:
            if (!random_range(1000)) {
                /* Every entry but the stable ones. */
                for (uint32_t j = N_STABLE; j < N_IDS; j++) {
                    ovs_u128 ufid = uft_test_ufid(j);
                    uft_remove(uft, &ufid, PMD_ID_NULL, NULL);
                }
            }
            ovsrcu_quiesce();
            break;
        }
    }

    atomic_store(&stop, true);
    for (int i = 0; i < ARRAY_SIZE(readers); i++) {
        xpthread_join(readers[i], NULL);
    }
    ovs_assert(uft_count(uft) >= N_STABLE);
    /* Every postponed free (replaced actions, retired entries, the table
     * itself) done before exit, or LeakSanitizer reports them. */
    uft_destroy(uft);
    uft_test_rcu_barrier();
}

OVSTEST_REGISTER("uft-concurrent", test_uft_concurrent);
