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
#include "lib/uft-offload.h"

#include <errno.h>

#include "dpif-netdev-flow-cache.h"
#include "dpif.h"
#include "netdev-offload.h"
#include "netdev.h"
#include "odp-util.h"
#include "openvswitch/hmap.h"
#include "openvswitch/match.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "util.h"
#include "uuid.h"

VLOG_DEFINE_THIS_MODULE(uft_offload);

struct uft_offload {
    struct dpif *dpif;
    const char *dpif_type;      /* As netdev_ports_get() wants it. */
    uint32_t capacity;          /* The table's: marks 1 to 'capacity'. */
    bool marks_reserved;        /* Whether those marks are the table's. */

    /* The flows offered to netdevs, so that a flush or a deletion finds
     * them: each is put into its netdev, and later deleted, by requests
     * that run in order in the offload thread its ufid maps to. */
    struct ovs_mutex mutex;
    struct hmap flows OVS_GUARDED;  /* "struct offered_flow"s, by ufid. */

    atomic_uint64_t n_pending;  /* Requests queued and not run yet. */
    atomic_ullong n_put;
    atomic_ullong n_put_failed;
    atomic_ullong n_del;
    atomic_ullong n_mark_hits;
    atomic_ullong n_mark_misses;
};

struct offered_flow {
    struct hmap_node node;      /* In 'flows'. */
    ovs_u128 ufid;
    unsigned pmd_id;
    odp_port_t in_port;
};

enum request_op {
    REQUEST_PUT,                /* Create or modify. */
    REQUEST_DEL,
};

/* One call to a netdev's flow API, run in an offload thread. */
struct request {
    struct uft_offload *uo;
    enum request_op op;
    ovs_u128 ufid;
    odp_port_t in_port;

    /* REQUEST_PUT only. */
    uint32_t mark;
    struct match match;
    struct nlattr *actions;
    size_t actions_len;
};

static uint32_t
hash_ufid(const ovs_u128 *ufid)
{
    return ufid->u32[0];
}

/* Returns a handle for offloading the entries of a table of 'capacity'
 * entries in userspace datapath 'dpif'. */
struct uft_offload *
uft_offload_create(struct dpif *dpif, uint32_t capacity)
{
    struct uft_offload *uo = xzalloc(sizeof *uo);

    uo->dpif = dpif;
    uo->dpif_type = dpif_normalize_type(dpif_type(dpif));
    uo->capacity = capacity;
    uo->marks_reserved = dpif_netdev_flow_cache_reserve_marks(capacity);
    ovs_mutex_init(&uo->mutex);
    hmap_init(&uo->flows);
    atomic_init(&uo->n_pending, 0);
    atomic_init(&uo->n_put, 0);
    atomic_init(&uo->n_put_failed, 0);
    atomic_init(&uo->n_del, 0);
    atomic_init(&uo->n_mark_hits, 0);
    atomic_init(&uo->n_mark_misses, 0);
    return uo;
}

/* Removes every flow of 'uo' from the netdevs, and returns once the
 * offload threads have run every request of 'uo'.  Call it after the last
 * call that may offer a flow has begun (as the datapath's flow cache, once
 * it is unregistered), and before the datapath goes. */
void
uft_offload_stop(struct uft_offload *uo)
{
    if (netdev_is_flow_api_enabled()) {
        /* Puts in progress end, and queue what they queue, first. */
        ovsrcu_synchronize();
    }
    uft_offload_flush(uo, PMD_ID_NULL);
    for (;;) {
        uint64_t n;

        atomic_read_explicit(&uo->n_pending, &n, memory_order_acquire);
        if (!n) {
            break;
        }
        xnanosleep(1000 * 1000);
    }
}

/* Frees 'uo', which uft_offload_stop() stopped, once no lookup uses it. */
void
uft_offload_destroy(struct uft_offload *uo)
{
    if (uo) {
        hmap_destroy(&uo->flows);
        ovs_mutex_destroy(&uo->mutex);
        free(uo);
    }
}

/* Whether entries are offered to netdevs: hw-offload is on, and the marks
 * are the table's. */
bool
uft_offload_enabled(const struct uft_offload *uo)
{
    if (!netdev_is_flow_api_enabled()) {
        return false;
    }
    if (!uo->marks_reserved) {
        VLOG_WARN_ONCE("%s: the unified flow table's entries are not "
                       "offloaded: dpif-netdev gave out flow marks before "
                       "the table was created (restart ovs-vswitchd to "
                       "offload them)", dpif_name(uo->dpif));
        return false;
    }
    return true;
}

static void
run_request(void *r_)
{
    struct request *r = r_;
    struct uft_offload *uo = r->uo;
    struct netdev *netdev;
    int error = ENODEV;

    netdev = netdev_ports_get(r->in_port, uo->dpif_type);
    if (netdev) {
        if (r->op == REQUEST_PUT) {
            struct offload_info info = { .flow_mark = r->mark };

            error = netdev_flow_put(netdev, &r->match, r->actions,
                                    r->actions_len, &r->ufid, &info, NULL);
        } else {
            error = netdev_flow_del(netdev, &r->ufid, NULL);
        }
        netdev_close(netdev);
    }

    unsigned long long orig;
    if (r->op == REQUEST_PUT) {
        atomic_add_relaxed(error ? &uo->n_put_failed : &uo->n_put, 1, &orig);
    } else if (!error) {
        atomic_add_relaxed(&uo->n_del, 1, &orig);
    }
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

        VLOG_DBG_RL(&rl, "%s: flow "UUID_FMT" %s netdev of port %"PRIu32
                    " failed (%s)", dpif_name(uo->dpif),
                    UUID_ARGS((struct uuid *) &r->ufid),
                    r->op == REQUEST_PUT ? "put into" : "deletion from",
                    odp_to_u32(r->in_port), ovs_strerror(error));
    }

    free(r->actions);
    free(r);

    uint64_t n_pending;
    atomic_sub_explicit(&uo->n_pending, 1, &n_pending, memory_order_release);
}

static void
queue_request(struct uft_offload *uo, struct request *r)
{
    uint64_t orig;

    r->uo = uo;
    atomic_add_relaxed(&uo->n_pending, 1, &orig);
    dpif_netdev_flow_cache_offload(uo->dpif, &r->ufid, run_request, r);
}

static struct offered_flow *
find_flow(const struct uft_offload *uo, const ovs_u128 *ufid,
          unsigned pmd_id)
    OVS_REQUIRES(uo->mutex)
{
    struct offered_flow *f;

    HMAP_FOR_EACH_WITH_HASH (f, node, hash_ufid(ufid), &uo->flows) {
        if (ovs_u128_equals(f->ufid, *ufid)
            && (pmd_id == PMD_ID_NULL || f->pmd_id == pmd_id)) {
            return f;
        }
    }
    return NULL;
}

/* Offers the flow of the entry at 'position', 'ufid' installed by thread
 * 'pmd_id', with 'match' and 'actions', to the netdev of its in_port; for
 * a flow offered before, its new actions. */
void
uft_offload_put(struct uft_offload *uo, const ovs_u128 *ufid,
                unsigned pmd_id, uint32_t position, const struct match *match,
                const struct nlattr *actions, size_t actions_len)
    OVS_EXCLUDED(uo->mutex)
{
    if (!uft_offload_enabled(uo) || position >= uo->capacity) {
        return;
    }

    odp_port_t in_port = match->flow.in_port.odp_port;
    ovs_mutex_lock(&uo->mutex);
    if (!find_flow(uo, ufid, PMD_ID_NULL)) {
        struct offered_flow *f = xmalloc(sizeof *f);

        f->ufid = *ufid;
        f->pmd_id = pmd_id;
        f->in_port = in_port;
        hmap_insert(&uo->flows, &f->node, hash_ufid(ufid));
    }
    ovs_mutex_unlock(&uo->mutex);

    struct request *r = xmalloc(sizeof *r);
    r->op = REQUEST_PUT;
    r->ufid = *ufid;
    r->in_port = in_port;
    r->mark = position + 1;
    r->match = *match;
    r->actions = xmemdup(actions, actions_len);
    r->actions_len = actions_len;
    queue_request(uo, r);
}

static void
queue_del(struct uft_offload *uo, struct offered_flow *f)
    OVS_REQUIRES(uo->mutex)
{
    struct request *r = xzalloc(sizeof *r);

    r->op = REQUEST_DEL;
    r->ufid = f->ufid;
    r->in_port = f->in_port;
    hmap_remove(&uo->flows, &f->node);
    free(f);
    queue_request(uo, r);
}

/* Removes the flow 'ufid' of thread 'pmd_id' (any thread if PMD_ID_NULL)
 * from its netdev, if it was offered. */
void
uft_offload_del(struct uft_offload *uo, const ovs_u128 *ufid,
                unsigned pmd_id)
    OVS_EXCLUDED(uo->mutex)
{
    ovs_mutex_lock(&uo->mutex);
    struct offered_flow *f = find_flow(uo, ufid, pmd_id);
    if (f) {
        queue_del(uo, f);
    }
    ovs_mutex_unlock(&uo->mutex);
}

/* Removes every flow of thread 'pmd_id' (every flow if PMD_ID_NULL) from
 * the netdevs. */
void
uft_offload_flush(struct uft_offload *uo, unsigned pmd_id)
    OVS_EXCLUDED(uo->mutex)
{
    struct offered_flow *f;

    ovs_mutex_lock(&uo->mutex);
    HMAP_FOR_EACH_SAFE (f, node, &uo->flows) {
        if (pmd_id == PMD_ID_NULL || f->pmd_id == pmd_id) {
            queue_del(uo, f);
        }
    }
    ovs_mutex_unlock(&uo->mutex);
}

/* Adds to '*stats' what the netdev counted for flow 'ufid', if it handles
 * the flow's packets itself. */
void
uft_offload_stats(struct uft_offload *uo, const ovs_u128 *ufid,
                  struct dpif_flow_stats *stats)
    OVS_EXCLUDED(uo->mutex)
{
    if (!netdev_is_flow_api_enabled()) {
        return;
    }

    ovs_mutex_lock(&uo->mutex);
    struct offered_flow *f = find_flow(uo, ufid, PMD_ID_NULL);
    odp_port_t in_port = f ? f->in_port : ODPP_NONE;
    ovs_mutex_unlock(&uo->mutex);

    struct dpif_flow_stats s;
    bool fully;
    if (in_port != ODPP_NONE
        && dpif_netdev_flow_cache_offload_stats(uo->dpif, in_port, ufid, &s,
                                                &fully)
        && fully) {
        stats->n_packets += s.n_packets;
        stats->n_bytes += s.n_bytes;
        stats->used = MAX(stats->used, s.used);
        stats->tcp_flags |= s.tcp_flags;
    }
}

/* Stores in '*position' the position of the entry that flow mark 'mark'
 * stands for, if it is one of the table's marks. */
bool
uft_offload_mark_position(const struct uft_offload *uo, uint32_t mark,
                          uint32_t *position)
{
    if (uo->marks_reserved && mark && mark <= uo->capacity) {
        *position = mark - 1;
        return true;
    }
    return false;
}

void
uft_offload_count_marks(struct uft_offload *uo, uint32_t n_hits,
                        uint32_t n_misses)
{
    unsigned long long orig;

    if (n_hits) {
        atomic_add_relaxed(&uo->n_mark_hits, n_hits, &orig);
    }
    if (n_misses) {
        atomic_add_relaxed(&uo->n_mark_misses, n_misses, &orig);
    }
}

void
uft_offload_get_counters(const struct uft_offload *uo_,
                         struct uft_offload_counters *c)
{
    struct uft_offload *uo = CONST_CAST(struct uft_offload *, uo_);
    unsigned long long v;

    atomic_read_relaxed(&uo->n_put, &v);
    c->n_put = v;
    atomic_read_relaxed(&uo->n_put_failed, &v);
    c->n_put_failed = v;
    atomic_read_relaxed(&uo->n_del, &v);
    c->n_del = v;
    atomic_read_relaxed(&uo->n_mark_hits, &v);
    c->n_mark_hits = v;
    atomic_read_relaxed(&uo->n_mark_misses, &v);
    c->n_mark_misses = v;
}
