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

#ifndef OFPROTO_VFP_UF_H
#define OFPROTO_VFP_UF_H 1

/* Unified flows (VFP section 6.1).
 *
 * A unified flow (UF) is the result of running one connection, in one
 * direction, through everything VFP does to it, installed in the datapath as
 * one exact-match flow on the connection's UFID (see vfp/ufid.h).  Every
 * later packet of the connection is handled by that datapath flow alone.
 *
 * 'struct vfp_uf_table' records the UFs a backer has installed, keyed by the
 * datapath's own flow identifier (the 128-bit datapath ufid) and PMD.
 *
 * Threads: upcall handlers (PMD threads for the userspace datapath, handler
 * threads for the kernel datapath) insert; the main thread (revalidator,
 * unixctl) reads, updates the statistics and removes.  Readers use the cmap
 * without locking; writers take 'mutex'; removed entries are freed after an
 * RCU grace period.
 *
 * Lifetime.  A UF goes through these states, in this order (as an
 * ofproto-dpif ukey does), each change under the table's 'mutex' and
 * checked by vfp_uf_set_state(), which aborts on any other:
 *
 *   CREATED      Allocated by a handler, not in the table yet.
 *   VISIBLE      In the table (and the per-port index), where other
 *                threads find it; its datapath flow's put is in flight.
 *   OPERATIONAL  Its datapath flow is known installed: the put succeeded
 *                (kernel handler, UF pairing) or a dump saw it.
 *   EVICTING     One thread (the one that made it EVICTING, and only it)
 *                deletes its datapath flow.
 *   EVICTED      Its datapath flow is gone: deleted, refused by the
 *                datapath (from VISIBLE), or missing from a dump that was
 *                sure to see it (from VISIBLE or OPERATIONAL).
 *   DELETED      Out of the table and the index, freed after a grace
 *                period.
 *
 * Legal changes: each state to the next; VISIBLE to EVICTING (a UF deleted
 * before a dump saw it) and to EVICTED; OPERATIONAL to EVICTED.  Of two
 * threads racing to evict a UF (a handler whose pair failed to install,
 * the revalidator), the one that moves it out of VISIBLE or OPERATIONAL
 * wins; the other leaves it alone.
 *
 * When is a put no longer in flight?  A handler reads the table's install
 * 'epoch' when it inserts the UF and puts the datapath flow before it next
 * quiesces (dpif-netdev puts right after the upcall callback, in the same
 * PMD iteration; a kernel handler in the same loop).  Each revalidation
 * pass bumps 'epoch' and, through ovsrcu_postpone(), records in 'grace'
 * that the previous epoch ended once every thread has quiesced.  So a UF
 * whose epoch is below the grace mark read before a dump started was put
 * before the dump started: missing from that dump, its flow is not in the
 * datapath.  A VISIBLE UF younger than that may be missing only because
 * its put has not happened yet, and stays.  No clock is involved. */

#include <stdbool.h>
#include "cmap.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "dpif.h"
#include "flow.h"
#include "openvswitch/thread.h"
#include "openvswitch/types.h"
#include "vfp/port.h"

/* A port whose layers a UF went through, and their generation then. */
struct vfp_uf_port {
    odp_port_t port;
    uint64_t generation;
};

enum vfp_uf_state {
    VFP_UF_CREATED,
    VFP_UF_VISIBLE,
    VFP_UF_OPERATIONAL,
    VFP_UF_EVICTING,
    VFP_UF_EVICTED,
    VFP_UF_DELETED,
};

const char *vfp_uf_state_name(enum vfp_uf_state);

struct vfp_uf {
    struct cmap_node node;      /* In vfp_uf_table's 'ufs'. */
    enum vfp_uf_state state OVS_GUARDED;    /* Under the table's 'mutex'. */
    bool provisional;           /* It drops, counting on a layer flow not
                                 * existing (vfp_proc): revalidated away
                                 * VFP_UF_PROVISIONAL_MS after it was
                                 * made. */
    uint64_t epoch;             /* Table's install epoch at insertion. */
    ovs_u128 ufid;              /* Datapath flow id. */
    unsigned pmd_id;            /* PMD that owns the datapath flow. */
    odp_port_t in_port;
    uint64_t generation;        /* Bridge's forwarding generation. */
    long long int created;      /* time_msec() at installation. */
    /* In 'data', one allocation with the UF (memory per connection counts,
     * VFP section 9: 500k connections a port): see the accessors below. */
    uint16_t n_ports;           /* Ports, in port first, then outputs. */
    uint16_t n_counters;        /* What the UF's packets count in. */
    uint16_t n_conns;           /* Its connections (vfp/conn.h), with a
                                 * reference each. */

    /* Main thread only (revalidator). */
    struct dpif_flow_stats stats;
    uint64_t dump_seq;          /* Last revalidation that saw the flow. */

    uint64_t data[];
};

static inline struct vfp_uf_port *
vfp_uf_ports(const struct vfp_uf *uf)
{
    return (struct vfp_uf_port *) uf->data;
}

/* The UF's node in the per-port index list of each of its ports, in the
 * order of vfp_uf_ports().  A port on the path twice is listed once: its
 * later nodes are unlinked (they point to themselves). */
struct vfp_uf_port_node {
    struct ovs_list list_node;  /* In a "struct vfp_uf_port_list". */
    struct vfp_uf *uf;
};

static inline struct vfp_uf_port_node *
vfp_uf_port_nodes(const struct vfp_uf *uf)
{
    return (struct vfp_uf_port_node *) (vfp_uf_ports(uf) + uf->n_ports);
}

static inline struct vfp_counter **
vfp_uf_counters(const struct vfp_uf *uf)
{
    return (struct vfp_counter **) (vfp_uf_port_nodes(uf) + uf->n_ports);
}

static inline struct vfp_proc_conn *
vfp_uf_conns(const struct vfp_uf *uf)
{
    return (struct vfp_proc_conn *) (vfp_uf_counters(uf) + uf->n_counters);
}

struct vfp_uf_grace;

struct vfp_uf_table {
    struct ovs_mutex mutex;     /* Serializes writers and state changes. */
    struct cmap ufs;            /* Contains "struct vfp_uf"s.  Written
                                 * under 'mutex', read without. */
    struct hmap ports OVS_GUARDED;  /* Per-port index: "struct
                                     * vfp_uf_port_list"s by odp port. */
    atomic_uint64_t epoch;      /* Install epoch (see the top). */
    struct vfp_uf_grace *grace; /* Last epoch that is over. */
};

void vfp_uf_table_init(struct vfp_uf_table *);
void vfp_uf_table_destroy(struct vfp_uf_table *);

uint64_t vfp_uf_table_next_epoch(struct vfp_uf_table *);

struct vfp_counter;

/* What vfp_xlate_compile() gathers for a new UF. */
struct vfp_uf_info {
    struct vfp_uf_port *ports;
    size_t n_ports;
    struct vfp_counter **counters;
    size_t n_counters, allocated_counters;
    struct vfp_proc proc;       /* Connections, and whether to cache. */
    enum vfp_malformed malformed;   /* Why the packet's headers failed
                                     * vfp_packet_check(), if they did. */
    bool layered;               /* A port on the path has layers. */

    /* The packet as the inbound layers of its only destination port left
     * it, for UF pairing (VFP section 6.4.1); ODPP_NONE if there is none. */
    odp_port_t delivered_port;
    struct flow delivered;
};

void vfp_uf_info_destroy(struct vfp_uf_info *);
bool vfp_uf_insert(struct vfp_uf_table *, const ovs_u128 *ufid,
                   unsigned pmd_id, odp_port_t in_port, uint64_t generation,
                   const struct vfp_uf_info *);
struct vfp_uf *vfp_uf_find(const struct vfp_uf_table *, const ovs_u128 *ufid,
                           unsigned pmd_id);
size_t vfp_uf_count(const struct vfp_uf_table *);
struct vfp_uf **vfp_uf_port_ufs(struct vfp_uf_table *table, odp_port_t,
                                size_t *n) OVS_EXCLUDED(table->mutex);

/* Lifetime (see the top). */
void vfp_uf_set_state(struct vfp_uf_table *table, struct vfp_uf *,
                      enum vfp_uf_state) OVS_REQUIRES(table->mutex);
enum vfp_uf_state vfp_uf_get_state(const struct vfp_uf_table *table,
                                   const struct vfp_uf *)
    OVS_REQUIRES(table->mutex);
void vfp_uf_installed(struct vfp_uf_table *table, struct vfp_uf *, bool ok)
    OVS_EXCLUDED(table->mutex);
bool vfp_uf_evict_begin(struct vfp_uf_table *table, struct vfp_uf *)
    OVS_EXCLUDED(table->mutex);
void vfp_uf_evict_end(struct vfp_uf_table *table, struct vfp_uf *)
    OVS_EXCLUDED(table->mutex);
bool vfp_uf_forget(struct vfp_uf_table *table, struct vfp_uf *)
    OVS_EXCLUDED(table->mutex);

#define VFP_UF_FOR_EACH(UF, TABLE) CMAP_FOR_EACH (UF, node, &(TABLE)->ufs)

#endif /* ofproto-vfp/uf.h */
