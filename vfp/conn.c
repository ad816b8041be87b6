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
#include "vfp/conn.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "packets.h"
#include "util.h"
#include "vfp/layer-flow.h"
#include "vfp/layer.h"
#include "vfp/resource.h"

VLOG_DEFINE_THIS_MODULE(vfp_conn);

const char *
vfp_conn_state_name(enum vfp_conn_state state)
{
    switch (state) {
    case VFP_CONN_NEW: return "NEW";
    case VFP_CONN_ESTABLISHED: return "ESTABLISHED";
    case VFP_CONN_CLOSING: return "CLOSING";
    case VFP_CONN_TIME_WAIT: return "TIME_WAIT";
    case VFP_CONN_CLOSED: return "CLOSED";
    }
    OVS_NOT_REACHED();
}

void
vfp_conns_init(struct vfp_conns *conns)
{
    ovs_mutex_init(&conns->mutex);
    cmap_init(&conns->conns);
    atomic_init(&conns->limit, VFP_CONN_LIMIT_DEFAULT);
    atomic_init(&conns->n_refused, 0);
    atomic_init(&conns->n_created, 0);
    atomic_init(&conns->n_expired, 0);
    conns->timeouts = (struct vfp_conn_timeouts) VFP_CONN_TIMEOUTS_DEFAULT;
}

/* The port's layers are gone (vfp_conns_forget_layer()): what is left are
 * connections without flows, kept alive by UFs about to be freed. */
void
vfp_conns_destroy(struct vfp_conns *conns)
{
    struct vfp_conn *c;

    CMAP_FOR_EACH (c, node, &conns->conns) {
        cmap_remove(&conns->conns, &c->node, vfp_tuple_hash(&c->key, 0));
        atomic_store_relaxed(&c->dead, true);
        vfp_conn_unref(c);
    }
    cmap_destroy(&conns->conns);
    ovs_mutex_destroy(&conns->mutex);
}

size_t
vfp_conns_count(const struct vfp_conns *conns)
{
    return cmap_count(&conns->conns);
}

void
vfp_conns_set_limit(struct vfp_conns *conns, uint32_t limit)
{
    atomic_store_relaxed(&conns->limit, limit);
}

struct vfp_conn *
vfp_conn_lookup(const struct vfp_conns *conns, const struct vfp_tuple *key)
{
    struct vfp_conn *c;

    CMAP_FOR_EACH_WITH_HASH (c, node, vfp_tuple_hash(key, 0),
                             &conns->conns) {
        if (vfp_tuple_equals(&c->key, key)) {
            return c;
        }
    }
    return NULL;
}

bool
vfp_conn_try_ref(struct vfp_conn *c)
{
    return ovs_refcount_try_ref_rcu(&c->ref_cnt);
}

/* Returns the SNAT port that 'f' holds to its range. */
void
vfp_layer_flow_release(struct vfp_layer_flow *f)
{
    vfp_snat_lease_release(&f->lease);
}

static void
conn_free(struct vfp_conn *c)
{
    struct vfp_layer_flow *f, *next;

    for (f = c->flows; f; f = next) {
        next = f->next;
        vfp_layer_flow_free(f);
    }
    free(c);
}

void
vfp_conn_unref(struct vfp_conn *c)
{
    if (c && ovs_refcount_unref(&c->ref_cnt) == 1) {
        ovsrcu_postpone(conn_free, c);
    }
}

enum vfp_conn_state
vfp_conn_get_state(const struct vfp_conn *c)
{
    uint8_t state;

    atomic_read_relaxed(&CONST_CAST(struct vfp_conn *, c)->state, &state);
    return state;
}

bool
vfp_conn_is_dead(const struct vfp_conn *c)
{
    bool dead;

    atomic_read_relaxed(&CONST_CAST(struct vfp_conn *, c)->dead, &dead);
    return dead;
}

static enum vfp_conn_state
compute_state(const struct vfp_conn *c)
{
    if (c->key.proto != IPPROTO_TCP) {
        return VFP_CONN_ESTABLISHED;
    }

    uint16_t fi = c->tcp_flags[c->initiator];
    uint16_t fr = c->tcp_flags[!c->initiator];
    if ((fi | fr) & TCP_RST) {
        return VFP_CONN_CLOSED;
    } else if (fi & fr & TCP_FIN) {
        return VFP_CONN_TIME_WAIT;
    } else if ((fi | fr) & TCP_FIN) {
        return VFP_CONN_CLOSING;
    } else if (fi & TCP_SYN
               ? (fr & TCP_SYN && fr & TCP_ACK && fi & TCP_ACK)
               : fi & fr & VFP_CONN_SEEN) {
        return VFP_CONN_ESTABLISHED;
    }
    return VFP_CONN_NEW;
}

static void
update_state(struct vfp_conn *c)
{
    enum vfp_conn_state state = compute_state(c);

    /* A connection only moves forward. */
    if (state > vfp_conn_get_state(c)) {
        atomic_store_relaxed(&c->state, state);
    }
}

static void
remove_flows(struct vfp_conns *conns OVS_UNUSED, struct vfp_conn *c)
    OVS_REQUIRES(conns->mutex)
{
    for (struct vfp_layer_flow *f = c->flows; f; f = f->next) {
        struct vfp_layer *layer = CONST_CAST(struct vfp_layer *, f->layer);

        if (layer) {
            vfp_layer_flow_table_remove(&layer->flows, f);
            f->layer = NULL;
        }
        vfp_layer_flow_release(f);
    }
}

/* Takes 'c' out of its port: its layer flows are found no more, its SNAT
 * ports are free, and its UFs go at the next revalidation. */
void
vfp_conn_kill(struct vfp_conns *conns, struct vfp_conn *c)
    OVS_EXCLUDED(conns->mutex)
{
    ovs_mutex_lock(&conns->mutex);
    if (!vfp_conn_is_dead(c)) {
        uint64_t orig;

        atomic_store_relaxed(&c->dead, true);
        cmap_remove(&conns->conns, &c->node, vfp_tuple_hash(&c->key, 0));
        remove_flows(conns, c);
        atomic_add_relaxed(&conns->n_expired, 1, &orig);
        ovs_mutex_unlock(&conns->mutex);
        vfp_conn_unref(c);
        return;
    }
    ovs_mutex_unlock(&conns->mutex);
}

/* Records the new connection with VM-side tuple 'key' in 'conns' (or finds
 * the one a concurrent packet created), whose packet went in 'dir' with
 * 'tcp_flags' (unless '!seen': no packet, a simulation), and hands it the
 * layer flows 'flows' that the packet made; 'ttl' is the smallest TTL of
 * the stateful rules that made them (0 for none).  Returns the connection
 * with a reference for the caller, or NULL if 'conns' is at its
 * connection limit: then 'flows' are released and freed.  Either way the
 * caller no longer owns 'flows'; those of 'flows' that were not kept
 * (another packet made them first) become NULL. */
struct vfp_conn *
vfp_conn_commit(struct vfp_conns *conns, const char *port_name,
                const struct vfp_tuple *key, enum vfp_dir dir, bool seen,
                uint16_t tcp_flags, struct vfp_layer_flow **flows,
                size_t n_flows, uint32_t ttl, long long int now)
    OVS_EXCLUDED(conns->mutex)
{
    uint64_t orig;

    ovs_mutex_lock(&conns->mutex);
    struct vfp_conn *c = vfp_conn_lookup(conns, key);
    if (!c) {
        uint32_t limit;

        atomic_read_relaxed(&conns->limit, &limit);
        if (cmap_count(&conns->conns) >= limit) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

            ovs_mutex_unlock(&conns->mutex);
            atomic_add_relaxed(&conns->n_refused, 1, &orig);
            VLOG_WARN_RL(&rl, "%s: %"PRIu32" connections, the port's limit: "
                         "refusing new connections", port_name, limit);
            for (size_t i = 0; i < n_flows; i++) {
                vfp_layer_flow_release(flows[i]);
                vfp_layer_flow_free(flows[i]);
            }
            return NULL;
        }

        c = xzalloc(sizeof *c);
        c->key = *key;
        ovs_refcount_init(&c->ref_cnt);
        atomic_init(&c->dead, false);
        atomic_init(&c->state, VFP_CONN_NEW);
        c->initiator = dir;
        c->used = now;
        update_state(c);
        cmap_insert(&conns->conns, &c->node, vfp_tuple_hash(key, 0));
        atomic_add_relaxed(&conns->n_created, 1, &orig);
    }
    if (seen) {
        c->tcp_flags[dir] |= tcp_flags | VFP_CONN_SEEN;
        update_state(c);
    }
    if (ttl && (!c->ttl || ttl < c->ttl)) {
        c->ttl = ttl;
    }

    for (size_t i = 0; i < n_flows; i++) {
        struct vfp_layer_flow *f = flows[i];
        struct vfp_layer *layer = CONST_CAST(struct vfp_layer *, f->layer);

        /* Another packet of the connection may have been first. */
        if (vfp_layer_flow_table_lookup(&layer->flows, f->dir,
                                        &f->halves[0].key)
            || vfp_layer_flow_table_lookup(&layer->flows, !f->dir,
                                           &f->halves[1].key)) {
            vfp_layer_flow_release(f);
            vfp_layer_flow_free(f);
            flows[i] = NULL;
            continue;
        }
        f->conn = c;
        f->next = c->flows;
        c->flows = f;
        vfp_layer_flow_table_insert(&layer->flows, f);
    }
    ovs_refcount_ref(&c->ref_cnt);
    ovs_mutex_unlock(&conns->mutex);
    return c;
}

/* Records that the unified flow of 'c' in direction 'dir' is 'ufid'. */
void
vfp_conn_set_uf(struct vfp_conns *conns, struct vfp_conn *c,
                enum vfp_dir dir, const ovs_u128 *ufid)
    OVS_EXCLUDED(conns->mutex)
{
    ovs_mutex_lock(&conns->mutex);
    c->uf[dir] = *ufid;
    ovs_mutex_unlock(&conns->mutex);
}

ovs_u128
vfp_conn_get_uf(struct vfp_conns *conns, const struct vfp_conn *c,
                enum vfp_dir dir)
    OVS_EXCLUDED(conns->mutex)
{
    ovs_mutex_lock(&conns->mutex);
    ovs_u128 ufid = c->uf[dir];
    ovs_mutex_unlock(&conns->mutex);
    return ufid;
}

/* Main thread: packets of 'c', in 'conns', went in 'dir' with 'tcp_flags'
 * (their OR), the latest at 'now'. */
void
vfp_conn_used(struct vfp_conns *conns, struct vfp_conn *c, enum vfp_dir dir,
              uint16_t tcp_flags, long long int now)
    OVS_EXCLUDED(conns->mutex)
{
    ovs_mutex_lock(&conns->mutex);
    c->tcp_flags[dir] |= tcp_flags | VFP_CONN_SEEN;
    c->used = MAX(c->used, now);
    update_state(c);
    ovs_mutex_unlock(&conns->mutex);
}

/* When 'c' expires if no packet comes. */
long long int
vfp_conn_expiry(const struct vfp_conn *c, const struct vfp_conn_timeouts *t)
{
    long long int timeout;

    switch (vfp_conn_get_state(c)) {
    case VFP_CONN_NEW:
        timeout = t->tcp_syn;
        break;
    case VFP_CONN_ESTABLISHED:
        timeout = (c->ttl ? c->ttl
                   : c->key.proto == IPPROTO_TCP ? t->tcp_established
                   : c->key.proto == IPPROTO_UDP ? t->udp : t->other);
        break;
    case VFP_CONN_CLOSING:
        timeout = t->tcp_fin;
        break;
    case VFP_CONN_TIME_WAIT:
        timeout = t->tcp_time_wait;
        break;
    case VFP_CONN_CLOSED:
    default:
        timeout = 0;
        break;
    }
    return c->used + timeout;
}

/* Expires the connections in 'conns' that have been idle too long.  Returns
 * how many. */
size_t
vfp_conns_sweep(struct vfp_conns *conns, long long int now)
    OVS_EXCLUDED(conns->mutex)
{
    struct vfp_conn *c;
    size_t n = 0;

    CMAP_FOR_EACH (c, node, &conns->conns) {
        if (now >= vfp_conn_expiry(c, &conns->timeouts)) {
            vfp_conn_kill(conns, c);
            n++;
        }
    }
    return n;
}

/* 'layer' is leaving the port of 'conns': takes its flows out of their
 * connections and frees them after a grace period.  Readers of 'layer' are
 * gone. */
void
vfp_conns_forget_layer(struct vfp_conns *conns,
                       const struct vfp_layer *layer)
    OVS_EXCLUDED(conns->mutex)
{
    struct vfp_conn *c;

    ovs_mutex_lock(&conns->mutex);
    CMAP_FOR_EACH (c, node, &conns->conns) {
        struct vfp_layer_flow **fp = &c->flows;

        while (*fp) {
            struct vfp_layer_flow *f = *fp;

            if (f->layer == layer) {
                vfp_layer_flow_table_remove(
                    &CONST_CAST(struct vfp_layer *, layer)->flows, f);
                vfp_layer_flow_release(f);
                *fp = f->next;
                ovsrcu_postpone(vfp_layer_flow_free, f);
            } else {
                fp = &f->next;
            }
        }
    }
    ovs_mutex_unlock(&conns->mutex);
}

/* "SYN,ACK,FIN" style. */
void
vfp_conn_format_flags(uint16_t flags, struct ds *s)
{
    static const struct { uint16_t bit; const char *name; } names[] = {
        { TCP_SYN, "syn" }, { TCP_ACK, "ack" }, { TCP_FIN, "fin" },
        { TCP_RST, "rst" },
    };
    size_t start = s->length;

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (flags & names[i].bit) {
            ds_put_format(s, "%s%s", s->length > start ? "|" : "",
                          names[i].name);
        }
    }
    if (s->length == start) {
        ds_put_cstr(s, flags & VFP_CONN_SEEN ? "seen" : "none");
    }
}
