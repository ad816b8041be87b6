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


#ifndef VFP_CONN_H
#define VFP_CONN_H 1

/* Connections (VFP section 6.4): the state a port keeps for each
 * connection that crosses it.
 *
 * A connection is keyed on the VM side of the port's layers: its tuple as
 * the VM sends it.  An outbound packet has that tuple before the layers; an
 * inbound packet has its reverse after them.  That is how VFP pairs the two
 * directions of a connection (section 6.4.1) even when the network side is
 * asymmetric (tunneled in, returned directly, NATed).
 *
 * A connection owns the layer flows (vfp/layer-flow.h) its packets created
 * in the port's layers, and is what unified flows of both directions point
 * to.  It expires as a whole: its layer flows, its unified flows and the
 * SNAT ports it holds go together.
 *
 * TCP connections follow a small state machine fed by the TCP flags that
 * the datapath accumulates per unified flow (read by the revalidator) and
 * by the first packet, seen in the slow path:
 *
 *   NEW          the handshake is not complete: probation, short timeout
 *                (SYN floods age out fast);
 *   ESTABLISHED  the initiator's SYN, the answer's SYN+ACK and the
 *                initiator's ACK seen, or traffic in both directions for a
 *                connection picked up in the middle;
 *   CLOSING      a FIN from one side;
 *   TIME_WAIT    FINs from both sides: the connection's unified flows go,
 *                so that every further packet is seen in the slow path,
 *                and its SNAT port stays taken until the timeout;
 *   CLOSED       a RST: expires at once.
 *
 * A new SYN on a connection in TIME_WAIT or CLOSED ends it and starts a new
 * one.  Other protocols are ESTABLISHED from their first packet and expire
 * when idle.  Sequence numbers are not checked: the datapath does not
 * report them.
 *
 * Threads: handlers look connections up without locks (cmap, RCU) and
 * create them under the 'mutex' of the port's 'struct vfp_conns', which
 * also guards every change to the layer flows of the port and the fields
 * of each connection said to be written under it.  The main thread
 * (revalidator) feeds statistics and expires connections. */

#include <stdbool.h>
#include <stdint.h>
#include "cmap.h"
#include "openvswitch/thread.h"
#include "openvswitch/types.h"
#include "ovs-atomic.h"
#include "vfp/group.h"
#include "vfp/tuple.h"

struct ds;
struct vfp_layer_flow;
struct vfp_layer;

enum vfp_conn_state {
    VFP_CONN_NEW,
    VFP_CONN_ESTABLISHED,
    VFP_CONN_CLOSING,
    VFP_CONN_TIME_WAIT,
    VFP_CONN_CLOSED,
};

const char *vfp_conn_state_name(enum vfp_conn_state);

/* Idle timeouts, in ms, by state. */
struct vfp_conn_timeouts {
    long long int tcp_syn;          /* NEW TCP. */
    long long int tcp_established;
    long long int tcp_fin;          /* CLOSING. */
    long long int tcp_time_wait;
    long long int udp;
    long long int other;            /* ICMP and other IP protocols. */
};

#define VFP_CONN_TIMEOUTS_DEFAULT { 5000, 240000, 30000, 60000, 60000, \
                                    30000 }

/* Default connection limit of a port (VFP section 9: 500k per port). */
#define VFP_CONN_LIMIT_DEFAULT 500000

struct vfp_conn {
    struct cmap_node node;      /* In the port's 'conns'. */
    struct vfp_tuple key;       /* As the VM sends it. */
    struct ovs_refcount ref_cnt;    /* The port's table and each UF. */
    atomic_bool dead;           /* Out of the table: find no more. */
    atomic_uint8_t state;       /* enum vfp_conn_state. */
    uint8_t initiator;          /* enum vfp_dir of the first packet. */

    /* Written under the port's 'mutex' (struct vfp_conns).
     * vfp_conn_expiry() reads 'ttl' and 'used' without it: a stale value
     * only delays an expiry to the next sweep. */
    uint16_t tcp_flags[2];      /* Seen, by direction; VFP_CONN_SEEN. */
    uint32_t ttl;               /* ms, from stateful rules; 0: default. */
    long long int used;
    struct vfp_layer_flow *flows;     /* Its layer flows. */

    /* Guarded by the port's 'mutex' (struct vfp_conns). */
    ovs_u128 uf[2];             /* Its last unified flows, by direction
                                 * (datapath ufids; zero if none yet).
                                 * They may be gone: look them up. */
};

/* In 'tcp_flags': a packet went that way. */
#define VFP_CONN_SEEN 0x8000

/* The connections of a port. */
struct vfp_conns {
    struct ovs_mutex mutex;     /* Guards changes to 'conns', to the layer
                                 * flows of the port, and the guarded
                                 * fields of each "struct vfp_conn". */
    struct cmap conns;          /* Contains "struct vfp_conn"s.  Changed
                                 * under 'mutex'; read without (RCU). */
    atomic_uint32_t limit;
    atomic_uint64_t n_refused;  /* New connections over the limit. */
    atomic_uint64_t n_created;
    atomic_uint64_t n_expired;
    struct vfp_conn_timeouts timeouts;  /* The bridge's; main thread. */
};

void vfp_conns_init(struct vfp_conns *);
void vfp_conns_destroy(struct vfp_conns *);
size_t vfp_conns_count(const struct vfp_conns *);
void vfp_conns_set_limit(struct vfp_conns *, uint32_t);

struct vfp_conn *vfp_conn_lookup(const struct vfp_conns *,
                                 const struct vfp_tuple *);
bool vfp_conn_try_ref(struct vfp_conn *);
void vfp_conn_unref(struct vfp_conn *);
enum vfp_conn_state vfp_conn_get_state(const struct vfp_conn *);
bool vfp_conn_is_dead(const struct vfp_conn *);

/* Slow path. */
struct vfp_conn *vfp_conn_commit(struct vfp_conns *conns,
                                 const char *port_name,
                                 const struct vfp_tuple *key,
                                 enum vfp_dir, bool seen, uint16_t tcp_flags,
                                 struct vfp_layer_flow **flows, size_t n_flows,
                                 uint32_t ttl, long long int now)
    OVS_EXCLUDED(conns->mutex);
void vfp_conn_kill(struct vfp_conns *conns, struct vfp_conn *)
    OVS_EXCLUDED(conns->mutex);
void vfp_conn_set_uf(struct vfp_conns *conns, struct vfp_conn *,
                     enum vfp_dir, const ovs_u128 *ufid)
    OVS_EXCLUDED(conns->mutex);
void vfp_layer_flow_release(struct vfp_layer_flow *);

/* Main thread. */
void vfp_conn_used(struct vfp_conns *conns, struct vfp_conn *, enum vfp_dir,
                   uint16_t tcp_flags, long long int now)
    OVS_EXCLUDED(conns->mutex);
ovs_u128 vfp_conn_get_uf(struct vfp_conns *conns, const struct vfp_conn *,
                         enum vfp_dir)
    OVS_EXCLUDED(conns->mutex);
long long int vfp_conn_expiry(const struct vfp_conn *,
                              const struct vfp_conn_timeouts *);
size_t vfp_conns_sweep(struct vfp_conns *conns, long long int now)
    OVS_EXCLUDED(conns->mutex);
void vfp_conns_forget_layer(struct vfp_conns *conns,
                            const struct vfp_layer *)
    OVS_EXCLUDED(conns->mutex);
void vfp_conn_format_flags(uint16_t tcp_flags, struct ds *);

#endif /* vfp/conn.h */
