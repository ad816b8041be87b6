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
 * RCU grace period. */

#include <stdbool.h>
#include "cmap.h"
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

struct vfp_uf {
    struct cmap_node node;      /* In vfp_uf_table's 'ufs'. */
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
    bool removed OVS_GUARDED;   /* Out of the table: under the table's
                                 * 'mutex', so that of two threads removing
                                 * it (a handler whose pair failed to
                                 * install, the revalidator), one does. */

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

static inline struct vfp_counter **
vfp_uf_counters(const struct vfp_uf *uf)
{
    return (struct vfp_counter **) (vfp_uf_ports(uf) + uf->n_ports);
}

static inline struct vfp_proc_conn *
vfp_uf_conns(const struct vfp_uf *uf)
{
    return (struct vfp_proc_conn *) (vfp_uf_counters(uf) + uf->n_counters);
}

struct vfp_uf_table {
    struct ovs_mutex mutex;     /* Serializes writers. */
    struct cmap ufs;            /* Contains "struct vfp_uf"s.  Written
                                 * under 'mutex', read without. */
};

void vfp_uf_table_init(struct vfp_uf_table *);
void vfp_uf_table_destroy(struct vfp_uf_table *);

struct vfp_counter;

/* What vfp_upcall_compile() gathers for a new UF. */
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
bool vfp_uf_remove(struct vfp_uf_table *table, struct vfp_uf *)
    OVS_EXCLUDED(table->mutex);
size_t vfp_uf_count(const struct vfp_uf_table *);

#define VFP_UF_FOR_EACH(UF, TABLE) CMAP_FOR_EACH (UF, node, &(TABLE)->ufs)

#endif /* ofproto-vfp/uf.h */
