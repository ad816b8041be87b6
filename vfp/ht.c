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
#include "vfp/ht.h"

#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

/* IANA's VXLAN port, OVS's default. */
#define VFP_VXLAN_UDP_PORT 4789

void
vfp_ht_init(struct vfp_ht *ht)
{
    memset(ht, 0, sizeof *ht);
}

bool
vfp_ht_is_identity(const struct vfp_ht *ht)
{
    return (!ht->drop && !ht->n_vlan_pops && !ht->n_vlan_pushes
            && ht->tunnel_op == VFP_TUNNEL_KEEP
            && flowmap_is_empty(ht->map));
}

const char *
vfp_encap_type_name(enum vfp_encap_type type)
{
    return type == VFP_ENCAP_VXLAN ? "vxlan" : "gre";
}

/* The tunnel metadata of a packet encapsulated in 'encap', as OVS holds it
 * (the outer MACs are not part of it). */
void
vfp_encap_to_tunnel(const struct vfp_encap *encap, struct flow_tnl *tnl)
{
    memset(tnl, 0, sizeof *tnl);
    tnl->tun_id = encap->key;
    tnl->ip_src = encap->ip_src;
    tnl->ip_dst = encap->ip_dst;
    tnl->ip_ttl = 64;
    tnl->flags = FLOW_TNL_F_KEY | FLOW_TNL_F_DONT_FRAGMENT;
    tnl->tp_dst = (encap->type == VFP_ENCAP_VXLAN
                   ? htons(VFP_VXLAN_UDP_PORT) : 0);
}

/* Modify. */

#define HT_SET(HT, FIELD, VALUE)                        \
    do {                                                \
        (HT)->set.FIELD = (VALUE);                      \
        memset(&(HT)->mask.masks.FIELD, 0xff,           \
               sizeof (HT)->mask.masks.FIELD);          \
        FLOWMAP_SET(&(HT)->map, FIELD);                 \
    } while (0)

void vfp_ht_set_dl_src(struct vfp_ht *ht, struct eth_addr v)
{ HT_SET(ht, dl_src, v); }
void vfp_ht_set_dl_dst(struct vfp_ht *ht, struct eth_addr v)
{ HT_SET(ht, dl_dst, v); }
void vfp_ht_set_nw_src(struct vfp_ht *ht, ovs_be32 v)
{ HT_SET(ht, nw_src, v); }
void vfp_ht_set_nw_dst(struct vfp_ht *ht, ovs_be32 v)
{ HT_SET(ht, nw_dst, v); }
void vfp_ht_set_ipv6_src(struct vfp_ht *ht, const struct in6_addr *v)
{ HT_SET(ht, ipv6_src, *v); }
void vfp_ht_set_ipv6_dst(struct vfp_ht *ht, const struct in6_addr *v)
{ HT_SET(ht, ipv6_dst, *v); }
void vfp_ht_set_tp_src(struct vfp_ht *ht, ovs_be16 v)
{ HT_SET(ht, tp_src, v); }
void vfp_ht_set_tp_dst(struct vfp_ht *ht, ovs_be16 v)
{ HT_SET(ht, tp_dst, v); }

/* VLAN: the pops and pushes of 'ht' followed by one more push. */
bool
vfp_ht_push_vlan(struct vfp_ht *ht, ovs_be16 tci)
{
    if (ht->n_vlan_pushes >= VFP_HT_MAX_VLAN_PUSHES) {
        return false;
    }
    ht->vlan_pushes[ht->n_vlan_pushes++] = tci | htons(VLAN_CFI);
    return true;
}

/* The pops and pushes of 'ht' followed by one more pop: cancels the last
 * push, if any. */
void
vfp_ht_pop_vlan(struct vfp_ht *ht)
{
    if (ht->n_vlan_pushes) {
        ht->n_vlan_pushes--;
    } else {
        ht->n_vlan_pops++;
    }
}

/* 'a' then 'b'.  'result' may be 'a' (the cheap case: no copy) or 'b'. */
void
vfp_ht_compose(struct vfp_ht *result, const struct vfp_ht *a,
               const struct vfp_ht *b)
{
    struct vfp_ht b_copy;

    if (b == result) {
        b_copy = *b;
        b = &b_copy;
    }
    if (a != result) {
        *result = *a;
    }

    if (result->drop || b->drop) {
        vfp_ht_init(result);
        result->drop = true;
        return;
    }

    /* Modify: 'b''s bits win; flow fields are independent of each other,
     * and of VLAN tags, so the order of the two kinds does not matter. */
    const uint64_t *bs = (const uint64_t *) &b->set;
    const uint64_t *bm = (const uint64_t *) &b->mask.masks;
    uint64_t *rs = (uint64_t *) &result->set;
    uint64_t *rm = (uint64_t *) &result->mask.masks;
    size_t idx;
    FLOWMAP_FOR_EACH_INDEX (idx, b->map) {
        rs[idx] = (rs[idx] & ~bm[idx]) | (bs[idx] & bm[idx]);
        rm[idx] |= bm[idx];
    }
    result->map = flowmap_or(result->map, b->map);

    /* VLAN: 'b''s pops eat 'a''s pushes first. */
    for (int i = 0; i < b->n_vlan_pops; i++) {
        vfp_ht_pop_vlan(result);
    }
    for (int i = 0; i < b->n_vlan_pushes; i++) {
        if (!vfp_ht_push_vlan(result, b->vlan_pushes[i])) {
            /* More tags than a flow holds (e.g. two layers' pushes): the
             * composite cannot be done, so drop rather than send the
             * packet with a push silently missing. */
            vfp_ht_init(result);
            result->drop = true;
            return;
        }
    }

    /* The outer header: one level, so 'b''s push or pop decides. */
    if (b->tunnel_op != VFP_TUNNEL_KEEP) {
        result->tunnel_op = b->tunnel_op;
        result->encap = b->encap;
    }
}

static bool
has_ports(const struct flow *flow)
{
    return ((flow->dl_type == htons(ETH_TYPE_IP)
             || flow->dl_type == htons(ETH_TYPE_IPV6))
            && !(flow->nw_frag & FLOW_NW_FRAG_LATER)
            && (flow->nw_proto == IPPROTO_TCP || flow->nw_proto == IPPROTO_UDP
                || flow->nw_proto == IPPROTO_SCTP));
}

#define HT_APPLY(HT, FLOW, FIELD)                                       \
    do {                                                                \
        uint8_t *f_ = (uint8_t *) &(FLOW)->FIELD;                       \
        const uint8_t *s_ = (const uint8_t *) &(HT)->set.FIELD;         \
        const uint8_t *m_ = (const uint8_t *) &(HT)->mask.masks.FIELD;  \
        for (size_t i_ = 0; i_ < sizeof (FLOW)->FIELD; i_++) {          \
            f_[i_] = (f_[i_] & ~m_[i_]) | (s_[i_] & m_[i_]);            \
        }                                                               \
    } while (0)

/* Transposes 'flow' by 'ht'.  Returns false if 'ht' drops the packet or
 * cannot be applied exactly (a VLAN push beyond what a flow holds). */
bool
vfp_ht_apply(const struct vfp_ht *ht, struct flow *flow)
{
    if (ht->drop) {
        return false;
    }

    HT_APPLY(ht, flow, dl_src);
    HT_APPLY(ht, flow, dl_dst);
    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        HT_APPLY(ht, flow, nw_src);
        HT_APPLY(ht, flow, nw_dst);
    } else if (flow->dl_type == htons(ETH_TYPE_IPV6)) {
        HT_APPLY(ht, flow, ipv6_src);
        HT_APPLY(ht, flow, ipv6_dst);
    }
    if (has_ports(flow)) {
        HT_APPLY(ht, flow, tp_src);
        HT_APPLY(ht, flow, tp_dst);
    }

    for (int i = 0; i < ht->n_vlan_pops; i++) {
        if (flow->vlans[0].tci & htons(VLAN_CFI)) {
            flow_pop_vlan(flow, NULL);
        }
    }
    for (int i = 0; i < ht->n_vlan_pushes; i++) {
        if (flow->vlans[FLOW_MAX_VLAN_HEADERS - 1].tci & htons(VLAN_CFI)) {
            /* A flow holds FLOW_MAX_VLAN_HEADERS tags: one more push would
             * lose the innermost from the flow while the packet keeps it.
             * The HT cannot be done exactly, so the packet goes no
             * further. */
            return false;
        }
        flow_push_vlan_uninit(flow, NULL);
        flow->vlans[0].tpid = htons(ETH_TYPE_VLAN);
        flow->vlans[0].tci = ht->vlan_pushes[i];
    }

    if (ht->tunnel_op == VFP_TUNNEL_PUSH) {
        vfp_encap_to_tunnel(&ht->encap, &flow->tunnel);
    } else if (ht->tunnel_op == VFP_TUNNEL_POP) {
        memset(&flow->tunnel, 0, sizeof flow->tunnel);
    }
    return true;
}

/* Formats 'ht' as a list of header actions, "ignore" for the identity. */
void
vfp_ht_format(const struct vfp_ht *ht, struct ds *s)
{
    size_t start = s->length;
    const struct flow *v = &ht->set;
    const struct flow *m = &ht->mask.masks;

#define SEP() (s->length > start ? ds_put_cstr(s, ",") : (void) 0)
    if (ht->drop) {
        ds_put_cstr(s, "drop");
        return;
    }
    if (ht->tunnel_op == VFP_TUNNEL_POP) {
        ds_put_cstr(s, "decap");
    }
    for (int i = 0; i < ht->n_vlan_pops; i++) {
        SEP();
        ds_put_cstr(s, "pop-vlan");
    }
    if (!eth_addr_is_zero(m->dl_src)) {
        SEP();
        ds_put_format(s, "set(src-mac="ETH_ADDR_FMT")",
                      ETH_ADDR_ARGS(v->dl_src));
    }
    if (!eth_addr_is_zero(m->dl_dst)) {
        SEP();
        ds_put_format(s, "set(dst-mac="ETH_ADDR_FMT")",
                      ETH_ADDR_ARGS(v->dl_dst));
    }
    if (m->nw_src) {
        SEP();
        ds_put_format(s, "set(src-ip="IP_FMT")", IP_ARGS(v->nw_src));
    }
    if (m->nw_dst) {
        SEP();
        ds_put_format(s, "set(dst-ip="IP_FMT")", IP_ARGS(v->nw_dst));
    }
    if (ipv6_mask_is_any(&m->ipv6_src) == false) {
        SEP();
        ds_put_cstr(s, "set(src-ip=");
        ipv6_format_addr(&v->ipv6_src, s);
        ds_put_char(s, ')');
    }
    if (ipv6_mask_is_any(&m->ipv6_dst) == false) {
        SEP();
        ds_put_cstr(s, "set(dst-ip=");
        ipv6_format_addr(&v->ipv6_dst, s);
        ds_put_char(s, ')');
    }
    if (m->tp_src) {
        SEP();
        ds_put_format(s, "set(src-port=%"PRIu16")", ntohs(v->tp_src));
    }
    if (m->tp_dst) {
        SEP();
        ds_put_format(s, "set(dst-port=%"PRIu16")", ntohs(v->tp_dst));
    }
    for (int i = 0; i < ht->n_vlan_pushes; i++) {
        ovs_be16 tci = ht->vlan_pushes[i];
        SEP();
        ds_put_format(s, "push-vlan(%d", vlan_tci_to_vid(tci));
        if (vlan_tci_to_pcp(tci)) {
            ds_put_format(s, ",pcp=%d", vlan_tci_to_pcp(tci));
        }
        ds_put_char(s, ')');
    }
    if (ht->tunnel_op == VFP_TUNNEL_PUSH) {
        const struct vfp_encap *e = &ht->encap;
        SEP();
        ds_put_format(s, "encap(%s,key=%"PRIu64",src-ip="IP_FMT
                      ",dst-ip="IP_FMT",src-mac="ETH_ADDR_FMT
                      ",dst-mac="ETH_ADDR_FMT")",
                      vfp_encap_type_name(e->type), ntohll(e->key),
                      IP_ARGS(e->ip_src), IP_ARGS(e->ip_dst),
                      ETH_ADDR_ARGS(e->eth_src), ETH_ADDR_ARGS(e->eth_dst));
    }
    if (s->length == start) {
        ds_put_cstr(s, "ignore");
    }
#undef SEP
}

/* Drops from 'ht' the rewrites of IP addresses and L4 ports, which layer
 * flows hold as tuples (vfp/layer-flow.h). */
void
vfp_ht_clear_tuple(struct vfp_ht *ht)
{
    struct flow *m = &ht->mask.masks;

    m->nw_src = m->nw_dst = 0;
    memset(&m->ipv6_src, 0, sizeof m->ipv6_src);
    memset(&m->ipv6_dst, 0, sizeof m->ipv6_dst);
    m->tp_src = m->tp_dst = 0;

    const uint64_t *words = (const uint64_t *) m;
    size_t idx;
    FLOWMAP_FOR_EACH_INDEX (idx, ht->map) {
        if (!words[idx]) {
            flowmap_clear(&ht->map, idx, 1);
        }
    }
}

#define HT_INVERT(HT, BEFORE, INV, FIELD, OTHER)                        \
    do {                                                                \
        if (!is_all_zeros(&(HT)->mask.masks.FIELD,                      \
                          sizeof (HT)->mask.masks.FIELD)) {             \
            HT_SET(INV, OTHER, (BEFORE)->FIELD);                        \
        }                                                               \
    } while (0)

/* Sets 'inv' to the HT that undoes 'ht' for the packets that answer a
 * packet with headers 'before' (VFP section 5.2: the flow a stateful rule
 * creates in the other direction).  Answers travel with source and destination
 * swapped, so a rewritten source is restored as a destination, and the
 * other way around; pushed VLAN tags are popped, popped ones pushed back;
 * an encapsulation becomes a decapsulation.  A decapsulation has no
 * inverse here (OVS keeps no outer MACs): 'inv' leaves the outer header
 * alone. */
void
vfp_ht_invert(const struct vfp_ht *ht, const struct flow *before,
              struct vfp_ht *inv)
{
    vfp_ht_init(inv);
    if (ht->drop) {
        inv->drop = true;
        return;
    }

    HT_INVERT(ht, before, inv, dl_src, dl_dst);
    HT_INVERT(ht, before, inv, dl_dst, dl_src);
    HT_INVERT(ht, before, inv, nw_src, nw_dst);
    HT_INVERT(ht, before, inv, nw_dst, nw_src);
    HT_INVERT(ht, before, inv, ipv6_src, ipv6_dst);
    HT_INVERT(ht, before, inv, ipv6_dst, ipv6_src);
    HT_INVERT(ht, before, inv, tp_src, tp_dst);
    HT_INVERT(ht, before, inv, tp_dst, tp_src);

    for (int i = 0; i < ht->n_vlan_pushes; i++) {
        vfp_ht_pop_vlan(inv);
    }
    for (int i = MIN(ht->n_vlan_pops, FLOW_MAX_VLAN_HEADERS) - 1; i >= 0;
         i--) {
        if (before->vlans[i].tci & htons(VLAN_CFI)) {
            vfp_ht_push_vlan(inv, before->vlans[i].tci);
        }
    }

    if (ht->tunnel_op == VFP_TUNNEL_PUSH) {
        inv->tunnel_op = VFP_TUNNEL_POP;
    }
}
