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
#include "ofproto-vfp/uf.h"

#include "hash.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(vfp_uf);

/* A port's UFs, in vfp_uf_table's 'ports'. */
struct vfp_uf_port_list {
    struct hmap_node node;      /* By odp port. */
    odp_port_t port;
    struct ovs_list ufs;        /* "struct vfp_uf_port_node"s. */
    size_t n;
};

/* The last install epoch that is over (see uf.h), written by RCU
 * callbacks, which may run after the table is gone: hence its own
 * reference count. */
struct vfp_uf_grace {
    struct ovs_refcount ref_cnt;
    atomic_uint64_t done;
};

struct grace_mark {
    struct vfp_uf_grace *grace;
    uint64_t epoch;
};

static void
grace_unref(struct vfp_uf_grace *grace)
{
    if (ovs_refcount_unref_relaxed(&grace->ref_cnt) == 1) {
        free(grace);
    }
}

static uint32_t
uf_hash(const ovs_u128 *ufid, unsigned pmd_id)
{
    return hash_int(pmd_id, ufid->u32[0]);
}

static void
uf_free(struct vfp_uf *uf)
{
    for (size_t i = 0; i < uf->n_conns; i++) {
        vfp_conn_unref(vfp_uf_conns(uf)[i].conn);
    }
    free(uf);
}

void
vfp_uf_info_destroy(struct vfp_uf_info *info)
{
    free(info->ports);
    free(info->counters);
    vfp_proc_destroy(&info->proc);
}

void
vfp_uf_table_init(struct vfp_uf_table *table)
    OVS_NO_THREAD_SAFETY_ANALYSIS   /* Not shared yet. */
{
    ovs_mutex_init(&table->mutex);
    cmap_init(&table->ufs);
    hmap_init(&table->ports);
    atomic_init(&table->epoch, 1);
    table->grace = xmalloc(sizeof *table->grace);
    ovs_refcount_init(&table->grace->ref_cnt);
    atomic_init(&table->grace->done, 0);
}

/* The caller guarantees no other thread uses 'table' any more. */
void
vfp_uf_table_destroy(struct vfp_uf_table *table)
    OVS_NO_THREAD_SAFETY_ANALYSIS   /* Not shared any more. */
{
    struct vfp_uf_port_list *pl;
    struct vfp_uf *uf;

    CMAP_FOR_EACH (uf, node, &table->ufs) {
        cmap_remove(&table->ufs, &uf->node, uf_hash(&uf->ufid, uf->pmd_id));
        ovsrcu_postpone(uf_free, uf);
    }
    cmap_destroy(&table->ufs);
    HMAP_FOR_EACH_POP (pl, node, &table->ports) {
        free(pl);
    }
    hmap_destroy(&table->ports);
    grace_unref(table->grace);
    ovs_mutex_destroy(&table->mutex);
}

static void
grace_reached(struct grace_mark *mark)
{
    uint64_t done;

    /* Callbacks run in order, but make the mark only go up anyway. */
    atomic_read(&mark->grace->done, &done);
    if (mark->epoch > done) {
        atomic_store(&mark->grace->done, mark->epoch);
    }
    grace_unref(mark->grace);
    free(mark);
}

/* Starts a new install epoch, for a revalidation pass about to dump the
 * datapath.  Returns the grace mark: every UF whose 'epoch' is below it
 * had its datapath flow put (or refused) before this call. */
uint64_t
vfp_uf_table_next_epoch(struct vfp_uf_table *table)
{
    struct grace_mark *mark = xmalloc(sizeof *mark);
    uint64_t done, epoch;

    atomic_read(&table->grace->done, &done);
    atomic_add(&table->epoch, 1, &epoch);
    /* Every handler that read an epoch up to 'epoch' had not quiesced
     * since; once all threads have, their puts are done. */
    mark->grace = table->grace;
    mark->epoch = epoch + 1;
    ovs_refcount_ref(&table->grace->ref_cnt);
    ovsrcu_postpone(grace_reached, mark);
    return done;
}

const char *
vfp_uf_state_name(enum vfp_uf_state state)
{
    switch (state) {
    case VFP_UF_CREATED: return "created";
    case VFP_UF_VISIBLE: return "visible";
    case VFP_UF_OPERATIONAL: return "operational";
    case VFP_UF_EVICTING: return "evicting";
    case VFP_UF_EVICTED: return "evicted";
    case VFP_UF_DELETED: return "deleted";
    }
    return "<invalid>";
}

static struct vfp_uf_port_list *
port_list_find(const struct vfp_uf_table *table, odp_port_t port)
    OVS_REQUIRES(table->mutex)
{
    struct vfp_uf_port_list *pl;

    HMAP_FOR_EACH_WITH_HASH (pl, node, hash_int(odp_to_u32(port), 0),
                             &table->ports) {
        if (pl->port == port) {
            return pl;
        }
    }
    return NULL;
}

static void
index_add(struct vfp_uf_table *table, struct vfp_uf *uf)
    OVS_REQUIRES(table->mutex)
{
    for (size_t i = 0; i < uf->n_ports; i++) {
        odp_port_t port = vfp_uf_ports(uf)[i].port;
        struct vfp_uf_port_node *node = &vfp_uf_port_nodes(uf)[i];
        bool dup = false;

        node->uf = uf;
        for (size_t j = 0; j < i && !dup; j++) {
            dup = vfp_uf_ports(uf)[j].port == port;
        }
        if (dup) {
            ovs_list_init(&node->list_node);
            continue;
        }

        struct vfp_uf_port_list *pl = port_list_find(table, port);
        if (!pl) {
            pl = xmalloc(sizeof *pl);
            pl->port = port;
            ovs_list_init(&pl->ufs);
            pl->n = 0;
            hmap_insert(&table->ports, &pl->node,
                        hash_int(odp_to_u32(port), 0));
        }
        ovs_list_push_back(&pl->ufs, &node->list_node);
        pl->n++;
    }
}

static void
index_remove(struct vfp_uf_table *table, struct vfp_uf *uf)
    OVS_REQUIRES(table->mutex)
{
    for (size_t i = 0; i < uf->n_ports; i++) {
        struct vfp_uf_port_node *node = &vfp_uf_port_nodes(uf)[i];

        if (ovs_list_is_empty(&node->list_node)) {
            continue;           /* A repeated port. */
        }

        struct vfp_uf_port_list *pl
            = port_list_find(table, vfp_uf_ports(uf)[i].port);
        ovs_list_remove(&node->list_node);
        if (!--pl->n) {
            hmap_remove(&table->ports, &pl->node);
            free(pl);
        }
    }
}

static bool
legal_transition(enum vfp_uf_state from, enum vfp_uf_state to)
{
    return (to == from + 1
            || (from == VFP_UF_VISIBLE && (to == VFP_UF_EVICTING
                                           || to == VFP_UF_EVICTED))
            || (from == VFP_UF_OPERATIONAL && to == VFP_UF_EVICTED));
}

/* Moves 'uf' to 'state', aborting if uf.h does not allow it: a UF in the
 * wrong state means two threads both believe they own it.  DELETED takes
 * it out of the table and the index and frees it after a grace period. */
void
vfp_uf_set_state(struct vfp_uf_table *table, struct vfp_uf *uf,
                 enum vfp_uf_state state)
    OVS_REQUIRES(table->mutex)
{
    if (!legal_transition(uf->state, state)) {
        VLOG_ABORT("invalid UF state change %s -> %s",
                   vfp_uf_state_name(uf->state), vfp_uf_state_name(state));
    }
    uf->state = state;
    if (state == VFP_UF_VISIBLE) {
        cmap_insert(&table->ufs, &uf->node, uf_hash(&uf->ufid, uf->pmd_id));
        index_add(table, uf);
    } else if (state == VFP_UF_DELETED) {
        cmap_remove(&table->ufs, &uf->node, uf_hash(&uf->ufid, uf->pmd_id));
        index_remove(table, uf);
        ovsrcu_postpone(uf_free, uf);
    }
}

enum vfp_uf_state
vfp_uf_get_state(const struct vfp_uf_table *table OVS_UNUSED,
                 const struct vfp_uf *uf)
    OVS_REQUIRES(table->mutex)
{
    return uf->state;
}

struct vfp_uf *
vfp_uf_find(const struct vfp_uf_table *table, const ovs_u128 *ufid,
            unsigned pmd_id)
{
    struct vfp_uf *uf;

    CMAP_FOR_EACH_WITH_HASH (uf, node, uf_hash(ufid, pmd_id), &table->ufs) {
        if (ovs_u128_equals(uf->ufid, *ufid) && uf->pmd_id == pmd_id) {
            return uf;
        }
    }
    return NULL;
}

/* Records a UF about to be installed (VISIBLE).  Returns false if it is
 * already recorded (two packets of a new connection missed at once). */
bool
vfp_uf_insert(struct vfp_uf_table *table, const ovs_u128 *ufid,
              unsigned pmd_id, odp_port_t in_port, uint64_t generation,
              const struct vfp_uf_info *info)
{
    bool inserted = false;

    ovs_mutex_lock(&table->mutex);
    if (!vfp_uf_find(table, ufid, pmd_id)) {
        size_t n_ports = info->n_ports;
        size_t n_counters = info->n_counters;
        size_t n_conns = info->proc.n_conns;
        struct vfp_uf *uf = xzalloc(sizeof *uf
                                    + n_ports * (sizeof(struct vfp_uf_port)
                                                 + sizeof(struct
                                                          vfp_uf_port_node))
                                    + n_counters * sizeof(void *)
                                    + n_conns
                                      * sizeof(struct vfp_proc_conn));

        ovs_assert(n_ports <= UINT16_MAX && n_counters <= UINT16_MAX
                   && n_conns <= UINT16_MAX);
        uf->state = VFP_UF_CREATED;
        atomic_read(&table->epoch, &uf->epoch);
        uf->ufid = *ufid;
        uf->pmd_id = pmd_id;
        uf->in_port = in_port;
        uf->generation = generation;
        uf->created = time_msec();
        uf->provisional = info->proc.provisional;
        uf->n_ports = n_ports;
        uf->n_counters = n_counters;
        uf->n_conns = n_conns;
        /* A UF through no layer has no counters, one of no connection no
         * connections: their arrays are null. */
        nullable_memcpy(vfp_uf_ports(uf), info->ports,
                        n_ports * sizeof *info->ports);
        nullable_memcpy(vfp_uf_counters(uf), info->counters,
                        n_counters * sizeof *info->counters);
        nullable_memcpy(vfp_uf_conns(uf), info->proc.conns,
                        n_conns * sizeof *info->proc.conns);
        for (size_t i = 0; i < n_conns; i++) {
            struct vfp_proc_conn *pc = &vfp_uf_conns(uf)[i];

            ovs_refcount_ref(&pc->conn->ref_cnt);
            vfp_conn_set_uf(&pc->port->conns, pc->conn, pc->dir, ufid);
        }
        vfp_uf_set_state(table, uf, VFP_UF_VISIBLE);
        inserted = true;
    }
    ovs_mutex_unlock(&table->mutex);
    return inserted;
}

/* A handler learned whether the put of 'uf''s datapath flow succeeded
 * ('ok').  A refused UF leaves the table, unless another thread already
 * evicts it (then that thread removes it).  'uf' must have been found in
 * 'table' since the caller last quiesced. */
void
vfp_uf_installed(struct vfp_uf_table *table, struct vfp_uf *uf, bool ok)
    OVS_EXCLUDED(table->mutex)
{
    ovs_mutex_lock(&table->mutex);
    if (uf->state == VFP_UF_VISIBLE) {
        if (ok) {
            vfp_uf_set_state(table, uf, VFP_UF_OPERATIONAL);
        } else {
            vfp_uf_set_state(table, uf, VFP_UF_EVICTED);
            vfp_uf_set_state(table, uf, VFP_UF_DELETED);
        }
    }
    ovs_mutex_unlock(&table->mutex);
}

/* Makes the caller the one thread that deletes 'uf''s datapath flow and
 * then calls vfp_uf_evict_end().  Returns false if another thread does. */
bool
vfp_uf_evict_begin(struct vfp_uf_table *table, struct vfp_uf *uf)
    OVS_EXCLUDED(table->mutex)
{
    bool mine = false;

    ovs_mutex_lock(&table->mutex);
    if (uf->state == VFP_UF_VISIBLE || uf->state == VFP_UF_OPERATIONAL) {
        vfp_uf_set_state(table, uf, VFP_UF_EVICTING);
        mine = true;
    }
    ovs_mutex_unlock(&table->mutex);
    return mine;
}

/* The datapath flow of 'uf', EVICTING, is deleted: removes 'uf'. */
void
vfp_uf_evict_end(struct vfp_uf_table *table, struct vfp_uf *uf)
    OVS_EXCLUDED(table->mutex)
{
    ovs_mutex_lock(&table->mutex);
    vfp_uf_set_state(table, uf, VFP_UF_EVICTED);
    vfp_uf_set_state(table, uf, VFP_UF_DELETED);
    ovs_mutex_unlock(&table->mutex);
}

/* 'uf''s datapath flow is known not to be in the datapath (a dump that
 * was sure to see it did not): removes 'uf', unless another thread evicts
 * it.  Returns true if this call removed it. */
bool
vfp_uf_forget(struct vfp_uf_table *table, struct vfp_uf *uf)
    OVS_EXCLUDED(table->mutex)
{
    bool mine = false;

    ovs_mutex_lock(&table->mutex);
    if (uf->state == VFP_UF_VISIBLE || uf->state == VFP_UF_OPERATIONAL) {
        vfp_uf_set_state(table, uf, VFP_UF_EVICTED);
        vfp_uf_set_state(table, uf, VFP_UF_DELETED);
        mine = true;
    }
    ovs_mutex_unlock(&table->mutex);
    return mine;
}

size_t
vfp_uf_count(const struct vfp_uf_table *table)
{
    return cmap_count(&table->ufs);
}

/* Returns the UFs through 'port', in an array the caller frees, valid
 * until the caller quiesces; '*n' is their number. */
struct vfp_uf **
vfp_uf_port_ufs(struct vfp_uf_table *table, odp_port_t port, size_t *n)
    OVS_EXCLUDED(table->mutex)
{
    struct vfp_uf **ufs = NULL;

    *n = 0;
    ovs_mutex_lock(&table->mutex);
    struct vfp_uf_port_list *pl = port_list_find(table, port);
    if (pl) {
        struct vfp_uf_port_node *node;

        ufs = xmalloc(pl->n * sizeof *ufs);
        LIST_FOR_EACH (node, list_node, &pl->ufs) {
            ufs[(*n)++] = node->uf;
        }
    }
    ovs_mutex_unlock(&table->mutex);
    return ufs;
}
