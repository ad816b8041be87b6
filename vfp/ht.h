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

#ifndef VFP_HT_H
#define VFP_HT_H 1

/* Header transpositions (VFP section 6.1.2).
 *
 * An HT says, for each header of a packet, whether it is left alone
 * (ignore), modified, popped or pushed.  Here:
 *
 *   - modify: new values for any of Ethernet source and destination, IPv4 or
 *     IPv6 source and destination, and TCP/UDP/SCTP source and destination
 *     ports, as a masked set ('set' under 'mask').  A modification applies
 *     only to a header the packet has: an IPv4 address rewrite leaves an ARP
 *     packet alone;
 *   - VLAN: pop 'n_vlan_pops' outer tags (those present), then push
 *     'vlan_pushes' in order, each becoming the outer tag;
 *   - encapsulation: push an outer header (VXLAN, or GRE with a key, which
 *     is NVGRE's format) with its MACs, IPv4 addresses and key, or pop it
 *     ("decap").  One level: OVS holds the outer header of a packet as its
 *     tunnel metadata (struct flow_tnl), and so do HTs;
 *   - drop: the packet goes no further ("block").
 *
 * HTs compose: for HTs a and b, vfp_ht_compose(a, b) is one HT c such that
 * for every packet f, apply(c, f) == apply(b, apply(a, f)) (VFP: any valid
 * flow can be turned into any other by exactly one HT).  The unified flow
 * of a connection is the composite of every layer's HT.
 *
 * HTs are plain values: callers copy them freely; thread-safe. */

#include <stdbool.h>
#include "flow.h"

struct ds;

#define VFP_HT_MAX_VLAN_PUSHES FLOW_MAX_VLAN_HEADERS

enum vfp_encap_type { VFP_ENCAP_VXLAN, VFP_ENCAP_GRE };

/* An outer header to push. */
struct vfp_encap {
    enum vfp_encap_type type;
    ovs_be64 key;                   /* VXLAN VNI, NVGRE VSID (24 bits). */
    ovs_be32 ip_src, ip_dst;
    struct eth_addr eth_src, eth_dst;
};

enum vfp_tunnel_op {
    VFP_TUNNEL_KEEP,                /* Outer header untouched. */
    VFP_TUNNEL_PUSH,                /* Encapsulate in 'encap'. */
    VFP_TUNNEL_POP,                 /* Decapsulate. */
};

const char *vfp_encap_type_name(enum vfp_encap_type);
void vfp_encap_to_tunnel(const struct vfp_encap *, struct flow_tnl *);

/* NVGRE (RFC 7637) puts the 24-bit VSID in the top 24 bits of the GRE key
 * and a FlowID in the low 8.  VFP's GRE key (encap's key, the tun-id
 * condition) is the VSID; these convert from and to the GRE key as OVS's
 * tunnel metadata holds it. */
static inline ovs_be64
vfp_nvgre_vsid_to_key(ovs_be64 vsid)
{
    return htonll((ntohll(vsid) & 0xffffff) << 8);
}

static inline ovs_be64
vfp_nvgre_key_to_vsid(ovs_be64 key)
{
    return htonll((ntohll(key) >> 8) & 0xffffff);
}

struct vfp_ht {
    struct flow set;                /* New field values, under 'mask'. */
    struct flow_wildcards mask;     /* The bits to overwrite. */
    struct flowmap map;             /* The 64-bit words of 'mask' in use:
                                     * composition touches only those. */
    int n_vlan_pops;
    int n_vlan_pushes;
    ovs_be16 vlan_pushes[VFP_HT_MAX_VLAN_PUSHES];   /* TCIs, CFI set. */
    enum vfp_tunnel_op tunnel_op;
    struct vfp_encap encap;         /* If 'tunnel_op' is VFP_TUNNEL_PUSH. */
    bool drop;
};

void vfp_ht_init(struct vfp_ht *);
bool vfp_ht_is_identity(const struct vfp_ht *);
void vfp_ht_compose(struct vfp_ht *result, const struct vfp_ht *a,
                    const struct vfp_ht *b);
bool vfp_ht_apply(const struct vfp_ht *, struct flow *);
void vfp_ht_format(const struct vfp_ht *, struct ds *);
void vfp_ht_invert(const struct vfp_ht *, const struct flow *before,
                   struct vfp_ht *inv);
void vfp_ht_clear_tuple(struct vfp_ht *);

/* Building. */
void vfp_ht_set_dl_src(struct vfp_ht *, struct eth_addr);
void vfp_ht_set_dl_dst(struct vfp_ht *, struct eth_addr);
void vfp_ht_set_nw_src(struct vfp_ht *, ovs_be32);
void vfp_ht_set_nw_dst(struct vfp_ht *, ovs_be32);
void vfp_ht_set_ipv6_src(struct vfp_ht *, const struct in6_addr *);
void vfp_ht_set_ipv6_dst(struct vfp_ht *, const struct in6_addr *);
void vfp_ht_set_tp_src(struct vfp_ht *, ovs_be16);
void vfp_ht_set_tp_dst(struct vfp_ht *, ovs_be16);
bool vfp_ht_push_vlan(struct vfp_ht *, ovs_be16 tci);
void vfp_ht_pop_vlan(struct vfp_ht *);

#endif /* vfp/ht.h */
