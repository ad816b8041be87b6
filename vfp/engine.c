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

/* The engine: VFP's Pseudocode 1 (section 6.1.3), "process a packet
 * through the layers of a port".  Each layer finds its rule for the packet
 * as the layers before it transposed it, and the HTs compose into the one
 * HT that the port applies; see vfp/port.h for the interface. */

#include <config.h>

#include <stdlib.h>

#include "flow.h"
#include "util.h"
#include "vfp/action.h"
#include "vfp/conn.h"
#include "vfp/event.h"
#include "vfp/layer-flow.h"
#include "vfp/layer.h"
#include "vfp/port.h"
#include "vfp/resource.h"
#include "vfp/rule.h"

void
vfp_proc_init(struct vfp_proc *proc, bool commit, long long int now)
{
    memset(proc, 0, sizeof *proc);
    proc->commit = commit;
    proc->now = now;
}

/* Drops the references 'proc' holds. */
void
vfp_proc_destroy(struct vfp_proc *proc)
{
    for (size_t i = 0; i < proc->n_conns; i++) {
        vfp_conn_unref(proc->conns[i].conn);
    }
    free(proc->conns);
    free(proc->counters);
}

/* Takes over the caller's reference to 'conn'. */
static void
proc_add_conn(struct vfp_proc *proc, struct vfp_port *port,
              struct vfp_conn *conn, enum vfp_dir dir)
{
    for (size_t i = 0; i < proc->n_conns; i++) {
        if (proc->conns[i].conn == conn && proc->conns[i].dir == dir) {
            vfp_conn_unref(conn);
            return;
        }
    }
    if (proc->n_conns >= proc->allocated_conns) {
        proc->conns = x2nrealloc(proc->conns, &proc->allocated_conns,
                                 sizeof *proc->conns);
    }
    proc->conns[proc->n_conns++] = (struct vfp_proc_conn) {
        conn, port, dir };
    if (vfp_conn_get_state(conn) >= VFP_CONN_TIME_WAIT) {
        proc->no_cache |= VFP_NO_CACHE_CLOSING;
    }
}

/* Layer flows made while a packet crosses a port, waiting for the packet to
 * come through. */
struct pending {
    struct vfp_layer_flow **flows;
    size_t n, allocated;
    uint32_t ttl;               /* Smallest nonzero TTL of their rules. */
};

static void
pending_release(struct pending *p)
{
    for (size_t i = 0; i < p->n; i++) {
        vfp_layer_flow_release(p->flows[i]);
        vfp_layer_flow_free(p->flows[i]);
    }
    free(p->flows);
}

/* After 'layer' acted on a packet (in 'before', out 'after') as 'result'
 * says, in the context 'env': records what the slow path must keep.
 * 'before' is null unless 'result' is a stateful rule's. */
static void
layer_side_effects(struct vfp_port *port, const struct vfp_layer *layer,
                   enum vfp_dir dir, const struct flow *before,
                   const struct flow *after,
                   const struct vfp_layer_result *result,
                   struct vfp_action_env *env, struct vfp_proc *proc,
                   struct pending *pending)
{
    struct vfp_tuple t;

    if (result->half) {
        struct vfp_conn *conn = vfp_layer_flow_from_half(result->half)->conn;
        if (vfp_conn_try_ref(conn)) {
            proc_add_conn(proc, port, conn, dir);
        }
    } else if (before && !result->miss
               && !result->ht.drop && vfp_tuple_from_flow(before, &t)
               && vfp_tuple_from_flow(after, &t)) {
        struct vfp_layer_flow *f = vfp_layer_flow_create(layer, dir, before,
                                                         after, &result->ht);

        vfp_snat_lease_move(&f->lease, &env->lease);
        f->context = result->rule->context;
        f->rule_stats = vfp_shared_counter_ref(result->rule->stats);
        if (pending->n >= pending->allocated) {
            pending->flows = x2nrealloc(pending->flows, &pending->allocated,
                                        sizeof *pending->flows);
        }
        pending->flows[pending->n++] = f;
        if (result->rule->ttl
            && (!pending->ttl || result->rule->ttl < pending->ttl)) {
            pending->ttl = result->rule->ttl;
        }
    }
    /* Taken, then not kept (the packet was dropped): back to the range. */
    vfp_snat_lease_release(&env->lease);
}

/* A simulation or a trace (no commit) went through a layer as
 * 'result' says: a layer flow's connection is one the answer belongs to;
 * a stateful rule that acted would have to create layer flows (and maybe
 * take an SNAT port), which only a real packet may do. */
static void
simulate_layer(struct vfp_port *port, enum vfp_dir dir,
               const struct vfp_layer_result *result, struct vfp_proc *proc)
{
    if (result->half) {
        struct vfp_conn *conn = vfp_layer_flow_from_half(result->half)->conn;
        if (vfp_conn_try_ref(conn)) {
            proc_add_conn(proc, port, conn, dir);
        } else {
            proc->no_cache |= VFP_NO_CACHE_INCOMPLETE;
        }
    } else if (result->rule && result->rule->stateful && !result->ht.drop) {
        proc->no_cache |= VFP_NO_CACHE_INCOMPLETE;
    }
}

/* A simulation passed the layers of 'port': it belongs to the connection
 * keyed as the VM sends it, which must exist already (a simulation creates
 * none).  'vm_side' is the packet's tuple before the layers, 'after' the
 * one after them. */
static void
simulate_conn(struct vfp_port *port, enum vfp_dir dir,
              const struct vfp_tuple *vm_side, const struct vfp_tuple *after,
              struct vfp_proc *proc)
{
    struct vfp_tuple key = *vm_side;
    struct vfp_conn *conn;

    if (dir == VFP_DIR_IN) {
        vfp_tuple_reverse(after, &key);
    }
    conn = vfp_conn_lookup(&port->conns, &key);
    if (conn && !vfp_conn_is_dead(conn) && vfp_conn_try_ref(conn)) {
        proc_add_conn(proc, port, conn, dir);
    } else {
        proc->no_cache |= VFP_NO_CACHE_INCOMPLETE;
    }
}

bool
vfp_port_process(const struct vfp_port *port_, enum vfp_dir dir,
                 struct flow *flow, struct vfp_ht *composite,
                 void (*cb)(const struct vfp_layer_result *,
                            const struct flow *after, void *aux),
                 void *aux, struct vfp_proc *proc)
{
    struct vfp_port *port = CONST_CAST(struct vfp_port *, port_);
    const struct vfp_layers *layers = vfp_port_layers(port);
    bool commit = proc && proc->commit;
    /* Without commit (a simulation, or a trace), the connections the packet
     * belongs to are looked up, not made, so that the result says what a
     * real packet's would (e.g. closing: not cached). */
    bool simulate = proc && !commit;
    struct pending pending = { .flows = NULL };
    struct vfp_tuple vm_side;
    bool is_ip = vfp_tuple_from_flow(flow, &vm_side);
    /* A layer so far decided by rules where a layer flow may appear. */
    bool maybe_stale = false;

    vfp_ht_init(composite);
    for (size_t i = 0; i < layers->n; i++) {
        size_t idx = dir == VFP_DIR_OUT ? i : layers->n - 1 - i;
        const struct vfp_layer *layer = layers->layers[idx];
        struct vfp_action_env env = {
            .resources = vfp_port_resources(port),
            .conns = &port->conns,
            .port_name = port->name,
            .commit = commit,
            .raise_event = vfp_event_raise,
        };
        struct vfp_layer_result result;
        struct flow before;

        vfp_layer_process(layer, dir, flow, proc ? &env : NULL, &result);
        if (result.miss && proc) {
            proc->no_cache |= VFP_NO_CACHE_MISSED;
        }
        /* Unless the packet makes the layer flows itself, here. */
        maybe_stale |= (result.provisional
                        && !(commit && result.rule && result.rule->stateful));
        /* A stateful rule's layer flows need the packet as the layer got
         * it; the layer has not changed 'flow' yet, vfp_ht_apply() will. */
        bool keep_before = commit && result.rule && result.rule->stateful;
        if (keep_before) {
            before = *flow;
        }
        vfp_ht_compose(composite, composite, &result.ht);
        bool pass = vfp_ht_apply(&result.ht, flow);
        if (commit) {
            layer_side_effects(port, layer, dir,
                               keep_before ? &before : NULL, flow, &result,
                               &env, proc, &pending);
        } else if (simulate) {
            simulate_layer(port, dir, &result, proc);
        }
        if (cb) {
            cb(&result, flow, aux);
        }
        if (!pass) {
            if (proc && maybe_stale) {
                proc->provisional = true;
            }
            pending_release(&pending);
            return false;
        }
    }

    struct vfp_tuple after;
    if (commit && layers->n && is_ip && vfp_tuple_from_flow(flow, &after)) {
        /* The connection, keyed as the VM sends it (VFP section 6.4.1). */
        if (dir == VFP_DIR_IN) {
            vfp_tuple_reverse(&after, &vm_side);
        }
        struct vfp_conn *conn = vfp_conn_commit(
            &port->conns, port->name, &vm_side, dir, !proc->simulated,
            ntohs(flow->tcp_flags),
            pending.flows, pending.n, pending.ttl, proc->now);
        for (size_t i = 0; conn && i < pending.n; i++) {
            struct vfp_layer_flow *f = pending.flows[i];

            if (!f) {
                proc->no_cache |= VFP_NO_CACHE_RACED;
            } else {
                if (proc->n_counters >= proc->allocated_counters) {
                    proc->counters = x2nrealloc(proc->counters,
                                                &proc->allocated_counters,
                                                sizeof *proc->counters);
                }
                proc->counters[proc->n_counters++] = &f->halves[0].stats;
            }
        }
        free(pending.flows);
        if (!conn) {
            proc->no_cache |= VFP_NO_CACHE_REFUSED;
            vfp_ht_init(composite);
            composite->drop = true;
            return false;
        }
        proc_add_conn(proc, port, conn, dir);
    } else {
        if (simulate && layers->n && is_ip
            && vfp_tuple_from_flow(flow, &after)) {
            simulate_conn(port, dir, &vm_side, &after, proc);
        }
        pending_release(&pending);
    }
    return true;
}
