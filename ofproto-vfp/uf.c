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
#include "ovs-rcu.h"
#include "timeval.h"
#include "util.h"

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
{
    ovs_mutex_init(&table->mutex);
    cmap_init(&table->ufs);
}

/* The caller guarantees no other thread uses 'table' any more. */
void
vfp_uf_table_destroy(struct vfp_uf_table *table)
{
    struct vfp_uf *uf;

    CMAP_FOR_EACH (uf, node, &table->ufs) {
        cmap_remove(&table->ufs, &uf->node, uf_hash(&uf->ufid, uf->pmd_id));
        ovsrcu_postpone(uf_free, uf);
    }
    cmap_destroy(&table->ufs);
    ovs_mutex_destroy(&table->mutex);
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

/* Records a UF about to be installed.  Returns false if it is already
 * recorded (two packets of a new connection missed at once). */
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
                                    + n_ports * sizeof(struct vfp_uf_port)
                                    + n_counters * sizeof(void *)
                                    + n_conns
                                      * sizeof(struct vfp_proc_conn));

        ovs_assert(n_ports <= UINT16_MAX && n_counters <= UINT16_MAX
                   && n_conns <= UINT16_MAX);
        uf->ufid = *ufid;
        uf->pmd_id = pmd_id;
        uf->in_port = in_port;
        uf->generation = generation;
        uf->created = time_msec();
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
        cmap_insert(&table->ufs, &uf->node, uf_hash(ufid, pmd_id));
        inserted = true;
    }
    ovs_mutex_unlock(&table->mutex);
    return inserted;
}

/* Takes 'uf' out of 'table' and frees it after a grace period, unless
 * another thread did so first.  Returns true if this call removed it.
 * 'uf' must have been found in 'table' since the caller last quiesced. */
bool
vfp_uf_remove(struct vfp_uf_table *table, struct vfp_uf *uf)
{
    bool removed = false;

    ovs_mutex_lock(&table->mutex);
    if (!uf->removed) {
        uf->removed = true;
        cmap_remove(&table->ufs, &uf->node, uf_hash(&uf->ufid, uf->pmd_id));
        removed = true;
    }
    ovs_mutex_unlock(&table->mutex);
    if (removed) {
        ovsrcu_postpone(uf_free, uf);
    }
    return removed;
}

size_t
vfp_uf_count(const struct vfp_uf_table *table)
{
    return cmap_count(&table->ufs);
}
