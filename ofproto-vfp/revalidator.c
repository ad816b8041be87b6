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

/* Revalidation of unified flows.
 *
 * The main thread periodically dumps the backer's datapath flows and, for
 * each one:
 *   - copies its statistics into its UF;
 *   - removes it if it has been idle for other_config:max-idle (Open_vSwitch
 *     table; default 10 s, as for ofproto-dpif), or if it is provisional
 *     and older than VFP_UF_PROVISIONAL_MS;
 *   - removes it if its bridge's forwarding changed since it was made (its
 *     generation is old), or its input port is gone;
 *   - removes it if no UF records it (left by an earlier run).
 * UFs whose datapath flow disappeared (e.g. with its port) are forgotten,
 * once the dump was sure to see them (their install is not in flight: see
 * the lifetime of a UF in uf.h).
 *
 * The provider also runs a pass right after vfp_backer_fwd_changed(), so
 * that stale UFs are gone before a forwarding change is reported as
 * applied.  A change to one port's policy needs no dump:
 * vfp_revalidate_port() checks that port's UFs alone, from the UF table's
 * per-port index. */

#include <config.h>

#include "coverage.h"
#include "dpif.h"
#include "ofproto-vfp/backer.h"
#include "ofproto-vfp/forwarding.h"
#include "ofproto-vfp/ofproto-vfp.h"
#include "ofproto-vfp/revalidator.h"
#include "ofproto-vfp/uf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"
#include "vfp/counter.h"
#include "vfp/port.h"

VLOG_DEFINE_THIS_MODULE(vfp_revalidator);

COVERAGE_DEFINE(vfp_reval_dump);        /* Passes that dumped the datapath. */
COVERAGE_DEFINE(vfp_reval_port);        /* Passes over one port's UFs. */
COVERAGE_DEFINE(vfp_reval_port_uf);     /* UFs those passes checked. */

/* Upper bound on the time between two passes, in ms. */
#define VFP_REVALIDATE_INTERVAL 500

/* How long a provisional UF (uf.h) lives, at most, in ms.  Its drop was
 * decided without a layer flow that may have appeared since: a packet that
 * a stateful layer dropped before the VM opened the connection (a late
 * answer to an earlier connection, or one sent to block it) would
 * otherwise keep dropping the new connection's answers, its own traffic
 * keeping the UF from idling out.  Past this, the next packet takes the
 * slow path and finds the layer flow. */
#define VFP_UF_PROVISIONAL_MS 1000

#define FLOW_BATCH 64

/* Feeds what the datapath saw of 'uf' since the last pass to its
 * connections, and expires those that are over. */
static void
uf_update_conns(const struct vfp_uf *uf, const struct dpif_flow_stats *stats,
                bool active, long long int now)
{
    for (size_t i = 0; i < uf->n_conns; i++) {
        const struct vfp_proc_conn *pc = &vfp_uf_conns(uf)[i];

        if (vfp_conn_is_dead(pc->conn)) {
            continue;
        }
        if (active) {
            vfp_conn_used(&pc->port->conns, pc->conn, pc->dir,
                          stats->tcp_flags, MAX(stats->used, uf->created));
        }
        if (now >= vfp_conn_expiry(pc->conn, &pc->port->conns.timeouts)) {
            vfp_conn_kill(&pc->port->conns, pc->conn);
        }
    }
}

/* A UF lives no longer than its connections, and leaves closing ones to the
 * slow path (a new SYN must be seen there). */
static bool
uf_conns_over(const struct vfp_uf *uf)
{
    for (size_t i = 0; i < uf->n_conns; i++) {
        const struct vfp_conn *c = vfp_uf_conns(uf)[i].conn;

        if (vfp_conn_is_dead(c)
            || vfp_conn_get_state(c) >= VFP_CONN_TIME_WAIT) {
            return true;
        }
    }
    return false;
}

/* True if 'uf' was computed from a forwarding snapshot or a policy that
 * 'fwd' no longer has: a port it went through is gone, or its bridge's
 * forwarding or a port's layers changed since.  A stale UF never becomes
 * current again, and the objects its counters and connections point to may
 * be destroyed once the change that made it stale has been revalidated. */
static bool
uf_is_stale(const struct vfp_uf *uf, const struct vfp_fwd *fwd)
{
    const struct vfp_fwd_port *port = vfp_fwd_find_port(fwd, uf->in_port);

    if (!port || port->bridge->generation != uf->generation) {
        return true;
    }

    /* Reconciliation (VFP section 6.3): the layers of every port the UF
     * went through must be those it was computed with. */
    for (size_t i = 0; i < uf->n_ports; i++) {
        const struct vfp_uf_port *up = &vfp_uf_ports(uf)[i];
        const struct vfp_fwd_port *p = vfp_fwd_find_port(fwd, up->port);

        if (!p || vfp_port_generation(p->vfp_port) != up->generation) {
            return true;
        }
    }
    return false;
}

static bool
uf_is_current(const struct vfp_uf *uf, const struct vfp_fwd *fwd,
              const struct dpif_flow_stats *stats, long long int now)
{
    long long int used = MAX(stats->used, uf->created);

    return (!uf_is_stale(uf, fwd)
            && now - used < ofproto_max_idle
            && !(uf->provisional
                 && now - uf->created >= VFP_UF_PROVISIONAL_MS)
            && !uf_conns_over(uf));
}

/* Credits what the datapath counted for 'uf' since the last pass,
 * 'stats' being its datapath flow's statistics now, to everything the UF
 * goes through.  Returns true if there was anything. */
static bool
uf_credit(struct vfp_uf *uf, const struct dpif_flow_stats *stats)
{
    if (stats->n_packets <= uf->stats.n_packets) {
        return false;
    }
    for (size_t j = 0; j < uf->n_counters; j++) {
        vfp_counter_add(vfp_uf_counters(uf)[j],
                        stats->n_packets - uf->stats.n_packets,
                        stats->n_bytes - uf->stats.n_bytes);
    }
    return true;
}

/* Removes 'uf' from the datapath and the UF table, crediting its last
 * statistics, unless another thread already evicts it. */
static void
uf_delete(struct vfp_backer *backer, struct vfp_uf *uf)
{
    struct dpif_flow_stats stats;

    if (!vfp_uf_evict_begin(&backer->ufs, uf)) {
        return;
    }
    if (!dpif_flow_del(backer->dpif, NULL, 0, &uf->ufid, uf->pmd_id,
                       &stats)) {
        uf_credit(uf, &stats);
    }
    vfp_uf_evict_end(&backer->ufs, uf);
}

/* Expires the connections of 'backer''s ports that no UF kept alive. */
static void
sweep_conns(struct vfp_backer *backer, long long int now)
{
    struct vfp_ofport *port;

    HMAP_FOR_EACH (port, odp_node, &backer->odp_to_ofport) {
        vfp_conns_sweep(&port->vfp_port->conns, now);
    }
}

void
vfp_revalidate(struct vfp_backer *backer)
{
    const struct vfp_fwd *fwd = vfp_backer_fwd(backer);
    long long int start = time_msec();
    uint64_t seq = ++backer->dump_seq;
    /* UFs below this install epoch were put before the dump starts. */
    uint64_t installed = vfp_uf_table_next_epoch(&backer->ufs);

    COVERAGE_INC(vfp_reval_dump);

    struct dpif_flow_dump *dump = dpif_flow_dump_create(backer->dpif, true,
                                                        NULL);
    struct dpif_flow_dump_thread *thread = dpif_flow_dump_thread_create(dump);
    struct dpif_flow flows[FLOW_BATCH];
    int n;

    while ((n = dpif_flow_dump_next(thread, flows, FLOW_BATCH)) > 0) {
        struct dpif_op ops[FLOW_BATCH], *opsp[FLOW_BATCH];
        struct vfp_uf *ufs[FLOW_BATCH], *dead[FLOW_BATCH];
        bool keep[FLOW_BATCH];
        size_t n_ops = 0;

        for (int i = 0; i < n; i++) {
            const struct dpif_flow *f = &flows[i];
            struct vfp_uf *uf = vfp_uf_find(&backer->ufs, &f->ufid,
                                            f->pmd_id);

            ufs[i] = uf;
            keep[i] = false;
            if (uf) {
                bool active = uf_credit(uf, &f->stats);

                uf_update_conns(uf, &f->stats, active, start);
                uf->stats = f->stats;
                uf->dump_seq = seq;
                keep[i] = uf_is_current(uf, fwd, &f->stats, start);
            }
        }

        /* The dump saw them: they are installed.  Of those no longer
         * current, evict those no other thread already evicts (its flow
         * is deleted all the same: it is in the datapath). */
        ovs_mutex_lock(&backer->ufs.mutex);
        for (int i = 0; i < n; i++) {
            struct vfp_uf *uf = ufs[i];
            enum vfp_uf_state state;

            if (!uf) {
                continue;
            }
            state = vfp_uf_get_state(&backer->ufs, uf);
            if (state == VFP_UF_VISIBLE) {
                vfp_uf_set_state(&backer->ufs, uf, VFP_UF_OPERATIONAL);
                state = VFP_UF_OPERATIONAL;
            }
            if (keep[i]) {
                continue;
            }
            if (state == VFP_UF_OPERATIONAL) {
                vfp_uf_set_state(&backer->ufs, uf, VFP_UF_EVICTING);
            } else {
                ufs[i] = NULL;
            }
        }
        ovs_mutex_unlock(&backer->ufs.mutex);

        for (int i = 0; i < n; i++) {
            const struct dpif_flow *f = &flows[i];

            if (keep[i]) {
                continue;
            }
            ops[n_ops].type = DPIF_OP_FLOW_DEL;
            ops[n_ops].flow_del = (struct dpif_flow_del) {
                .key = f->key,
                .key_len = f->key_len,
                .ufid = f->ufid_present ? &f->ufid : NULL,
                .pmd_id = f->pmd_id,
                .terse = true,
            };
            opsp[n_ops] = &ops[n_ops];
            dead[n_ops] = ufs[i];
            n_ops++;
        }

        dpif_operate(backer->dpif, opsp, n_ops, DPIF_OFFLOAD_AUTO);
        for (size_t i = 0; i < n_ops; i++) {
            if (dead[i]) {
                vfp_uf_evict_end(&backer->ufs, dead[i]);
            }
        }
    }
    dpif_flow_dump_thread_destroy(thread);

    int error = dpif_flow_dump_destroy(dump);
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
        VLOG_WARN_RL(&rl, "%s: datapath flow dump failed (%s)",
                     backer->type, ovs_strerror(error));
    }

    /* Forget UFs the datapath no longer has.  A UF missing from a complete
     * dump is gone if its put was done before the dump started (its
     * install epoch is below 'installed'); a younger one may be missing
     * only because its put is still in flight.
     *
     * A stale one goes at once (its datapath flow failed to install, e.g.
     * with its port being deleted): the change that made it stale waited
     * for a grace period, so no handler is still installing it, and it
     * waits for this pass before it destroys the layers, rules and ports
     * whose counters the UF points to.  Should its flow appear after all,
     * the next dump finds it without a UF and deletes it. */
    struct vfp_uf *uf;
    VFP_UF_FOR_EACH (uf, &backer->ufs) {
        if (uf->dump_seq != seq
            && (uf_is_stale(uf, fwd)
                || (!error && uf->epoch < installed))) {
            vfp_uf_forget(&backer->ufs, uf);
        }
    }

    sweep_conns(backer, start);

    /* The other direction of a connection that closed or expired during
     * the pass may have been dumped before. */
    VFP_UF_FOR_EACH (uf, &backer->ufs) {
        if (uf_conns_over(uf)) {
            uf_delete(backer, uf);
        }
    }
    backer->next_revalidation = time_msec() + MIN(VFP_REVALIDATE_INTERVAL,
                                                  ofproto_max_idle);
}

/* Makes a change to the policy of the port with datapath number 'port'
 * take effect, without dumping the datapath: deletes the UFs through the
 * port that the change made stale (or whose connections it ended), found
 * in the UF table's per-port index.  Costs the port's UFs, not the
 * datapath's.  The caller waited for a grace period after the change, so
 * no handler still installs a UF made under the old policy. */
void
vfp_revalidate_port(struct vfp_backer *backer, odp_port_t port)
{
    const struct vfp_fwd *fwd = vfp_backer_fwd(backer);
    size_t n;
    struct vfp_uf **ufs = vfp_uf_port_ufs(&backer->ufs, port, &n);

    COVERAGE_INC(vfp_reval_port);
    COVERAGE_ADD(vfp_reval_port_uf, n);
    for (size_t i = 0; i < n; i++) {
        if (uf_is_stale(ufs[i], fwd) || uf_conns_over(ufs[i])) {
            uf_delete(backer, ufs[i]);
        }
    }
    free(ufs);
}

void
vfp_revalidate_run(struct vfp_backer *backer)
{
    if (time_msec() >= backer->next_revalidation) {
        vfp_revalidate(backer);
    }
}

void
vfp_revalidate_wait(const struct vfp_backer *backer)
{
    poll_timer_wait_until(backer->next_revalidation);
}
