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

#ifndef OFPROTO_VFP_BACKER_H
#define OFPROTO_VFP_BACKER_H 1

/* The backer: one datapath instance per VFP datapath type ("vfp-T"),
 * shared by every VFP bridge of that type; the list of those bridges; the
 * UF table (uf.h); and the forwarding snapshot (forwarding.h) that the
 * upcall handlers read under RCU.
 *
 * The backer is below the modules that work on it: the provider
 * (ofproto-vfp.c) takes and drops references and starts and stops miss
 * handling (upcall.h) and reassembly (fragments.h) with the first and last
 * bridge; the revalidator (revalidator.h) runs on it.  backer.c calls none
 * of them.
 *
 * Threads: everything runs in the main thread, except vfp_backer_fwd(),
 * vfp_backer_add_uf() and the atomic counters, which the upcall handlers
 * use. */

#include <stdbool.h>
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/types.h"
#include "ofproto-vfp/uf.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"

struct dpif;
struct sset;
struct vfp_fwd;
struct vfp_handlers;
struct vfp_ofport;

/* Prefix that makes a datapath type a VFP type. */
#define VFP_TYPE_PREFIX "vfp-"

/* One datapath instance, shared by every VFP bridge of one type. */
struct vfp_backer {
    struct hmap_node node;      /* In 'all_vfp_backers', by 'type'. */
    char *type;                 /* VFP type, e.g. "vfp-netdev". */
    const char *dpif_type;      /* Datapath type, e.g. "netdev". */
    struct dpif *dpif;
    char *dp_version;           /* dpif_get_dp_version(), or NULL. */
    int refcount;               /* Number of bridges using it. */
    struct ovs_list bridges;    /* Contains "struct ofproto_vfp"s, the
                                 * bridges using it, by 'backer_node'. */

    struct hmap odp_to_ofport;  /* Contains "struct vfp_ofport"s. */
    OVSRCU_TYPE(struct vfp_fwd *) fwd;

    struct vfp_uf_table ufs;
    struct uft_dpif *uft;           /* Userspace datapath's UFT, or NULL. */
    uint32_t uft_capacity;          /* Its capacity, 0 without one. */
    bool uft_single_pass;           /* Its lookups pop VXLAN themselves. */
    struct vfp_handlers *handlers;  /* Kernel datapath only. */
    struct vfp_frags *frags;        /* IP reassembly (fragments.h). */

    /* Revalidation. */
    long long int next_revalidation;
    uint64_t dump_seq;

    /* Upcall counters, updated by handler threads. */
    atomic_uint64_t n_upcalls;  /* Misses turned into a UF. */
    atomic_uint64_t n_upcall_drops;  /* Misses with no UF made. */
};

struct vfp_backer *vfp_backer_ref(const char *type);
void vfp_backer_unref(struct vfp_backer *, bool del);
struct vfp_backer *vfp_backer_find(const char *type);
void vfp_backer_fwd_changed(struct vfp_backer *);
const struct vfp_fwd *vfp_backer_fwd(const struct vfp_backer *);
struct vfp_ofport *vfp_backer_find_ofport(const struct vfp_backer *,
                                          odp_port_t);
struct vfp_fwd_port;
struct vfp_uf_info;
int vfp_backer_add_uf(struct vfp_backer *, const ovs_u128 *ufid,
                      unsigned pmd_id, const struct vfp_fwd_port *,
                      const struct vfp_uf_info *, bool simulated);
void vfp_backer_set_uft_capacity(struct vfp_backer *, uint32_t capacity);
void vfp_backer_set_uft_single_pass(struct vfp_backer *, bool);
void vfp_backer_uft_tunnel_gone(struct vfp_backer *, odp_port_t);
void vfp_backer_enumerate_types(struct sset *types);
void vfp_backer_reserve_datapaths(void);
const char *vfp_dpif_type(const char *vfp_type);

#endif /* ofproto-vfp/backer.h */
