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


#ifndef VFP_RESOURCE_H
#define VFP_RESOURCE_H 1

/* Resources (VFP section 5.5): port-wide structures that any rule of the port
 * may reference by name.
 *
 *   - A mapping table ("map") maps an IP address to values for an
 *     encapsulation: the VNET CA -> PA lookup.  An entry gives the outer
 *     destination IP and/or MAC and/or the key.  encap(...,map=NAME) looks
 *     the packet's destination IP up.
 *   - A range list ("range") is a set of L4 ports handed out one per
 *     connection: the source ports of Ananta-style SNAT,
 *     nat(src-ip=A,src-port=range:NAME).  A port returns to the list when
 *     its connection is gone (after TIME_WAIT for TCP).
 *
 * A lookup that finds nothing (no mapping, no free port) is a miss: it
 * raises an event (vfp/event.h), and the rule's "miss=" says whether the
 * packet is dropped meanwhile.
 *
 * Threads: the main thread creates and destroys resources and changes map
 * entries (RCU: handlers look up without locks); handlers allocate and
 * release range ports under the resource's mutex. */

#include <stdbool.h>
#include <stdint.h>
#include "cmap.h"
#include "openvswitch/thread.h"
#include "openvswitch/types.h"
#include "ovs-atomic.h"
#include "packets.h"

struct ds;
struct svec;
struct vfp_tuple;

enum vfp_resource_type { VFP_RESOURCE_MAP, VFP_RESOURCE_RANGE };

/* What a map entry provides. */
struct vfp_mapping {
    bool has_ip, has_mac, has_key;
    ovs_be32 ip;                /* Outer destination IPv4 (the PA). */
    struct eth_addr mac;        /* Outer destination MAC. */
    ovs_be64 key;               /* VNI or GRE key. */
};

struct vfp_map_entry {
    struct cmap_node node;
    struct in6_addr key;        /* IPv4-mapped for IPv4. */
    struct vfp_mapping value;
};

struct vfp_resource {
    char *name;
    enum vfp_resource_type type;
    atomic_uint64_t n_misses;

    /* VFP_RESOURCE_MAP. */
    struct cmap entries;        /* Contains "struct vfp_map_entry"s. */

    /* VFP_RESOURCE_RANGE. */
    struct ovs_mutex mutex;     /* Guards 'n_used' and 'used'. */
    uint16_t (*ranges)[2];      /* Inclusive [lo, hi] pairs. */
    size_t n_ranges;
    uint32_t n_total;           /* Ports in all ranges. */
    uint32_t n_used OVS_GUARDED;
    unsigned long *used OVS_GUARDED;   /* Bitmap by port number. */
};

/* The resources of a port, as it publishes them (RCU). */
struct vfp_resources {
    size_t n;
    struct vfp_resource *resources[];
};

struct vfp_resource *vfp_resources_find(const struct vfp_resources *,
                                        const char *name);

const char *vfp_resource_type_name(enum vfp_resource_type);
char *vfp_resource_create(const char *name, const char *type,
                          const char *ranges, struct vfp_resource **)
    OVS_WARN_UNUSED_RESULT;
void vfp_resource_destroy(struct vfp_resource *);
void vfp_resource_format(const struct vfp_resource *, bool entries,
                         struct ds *);
void vfp_range_format_ports(const struct vfp_resource *, struct ds *);
void vfp_map_format_entries(const struct vfp_resource *, struct svec *);

/* Maps. */
char *vfp_map_parse_key(const char *, struct in6_addr *)
    OVS_WARN_UNUSED_RESULT;
char *vfp_map_parse_entry(const char *key, char *const values[], size_t n,
                          struct in6_addr *, struct vfp_mapping *)
    OVS_WARN_UNUSED_RESULT;
void vfp_map_set(struct vfp_resource *, const struct in6_addr *,
                 const struct vfp_mapping *);
bool vfp_map_delete(struct vfp_resource *, const struct in6_addr *);
const struct vfp_mapping *vfp_map_lookup(const struct vfp_resource *,
                                         const struct in6_addr *);

/* Ranges. */
bool vfp_range_candidate(const struct vfp_resource *,
                         const struct vfp_tuple *, uint16_t *port);

/* A port taken from a range resource (SNAT), with exactly one owner at a
 * time: the action environment while a packet crosses a layer, then the
 * layer flows the packet made (vfp/layer-flow.h), which hand it back when
 * their connection goes.  Ownership moves with vfp_snat_lease_move(),
 * which empties the source; releasing empties the lease, so a port is
 * never returned twice.  Zero-initialized: holds nothing. */
struct vfp_snat_lease {
    struct vfp_resource *range; /* Where 'port' came from; NULL: none. */
    uint16_t port;
};

static inline bool
vfp_snat_lease_held(const struct vfp_snat_lease *lease)
{
    return lease->range != NULL;
}

bool vfp_snat_lease_acquire(struct vfp_snat_lease *, struct vfp_resource *,
                            const struct vfp_tuple *);
void vfp_snat_lease_move(struct vfp_snat_lease *dst,
                         struct vfp_snat_lease *src);
void vfp_snat_lease_release(struct vfp_snat_lease *);

void vfp_resource_count_miss(struct vfp_resource *);

#endif /* vfp/resource.h */
