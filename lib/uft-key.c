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
#include "lib/uft-key.h"

#include <string.h>

#include "dp-packet.h"
#include "flow.h"
#include "hash.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"

/* Whether IP protocol 'proto' has the two 16-bit L4 fields that
 * miniflow_extract() parses and UFs match (ports, ICMP type and code). */
static bool
proto_has_ports(uint8_t proto)
{
    return (proto == IPPROTO_TCP || proto == IPPROTO_UDP
            || proto == IPPROTO_SCTP || proto == IPPROTO_ICMP
            || proto == IPPROTO_ICMPV6);
}

/* Whether an IPv6 next header 'proto' is one that miniflow_extract()
 * walks past (parse_ipv6_ext_hdrs__()). */
static bool
proto_is_ipv6_ext(uint8_t proto)
{
    return (proto == IPPROTO_HOPOPTS || proto == IPPROTO_ROUTING
            || proto == IPPROTO_DSTOPTS || proto == IPPROTO_AH
            || proto == IPPROTO_FRAGMENT);
}

/* Whether 'proto' is ICMP on IPv6 or ICMPv6 on IPv4: miniflow_extract()
 * parses their type and code, but the Netlink flow key has no place for
 * them, so that a datapath flow put through it matches any type and code
 * and would make a key that no packet has. */
static bool
icmp_on_other_ip(ovs_be16 dl_type, uint8_t proto)
{
    return (dl_type == htons(ETH_TYPE_IP)
            ? proto == IPPROTO_ICMPV6
            : proto == IPPROTO_ICMP);
}

static bool
icmpv6_is_nd(uint8_t type, uint8_t code)
{
    return code == 0 && (type == ND_NEIGHBOR_SOLICIT
                         || type == ND_NEIGHBOR_ADVERT);
}

/* Copies into 'key' the IPv4 tunnel metadata 'tnl', as miniflow_extract()
 * copies it into a flow. */
static void
key_set_tunnel(struct uft_key *key, const struct flow_tnl *tnl)
{
    key->flags |= UFT_KEY_TUNNEL;
    key->tun.id = tnl->tun_id;
    key->tun.src = tnl->ip_src;
    key->tun.dst = tnl->ip_dst;
    key->tun.flags = tnl->flags;
    key->tun.tos = tnl->ip_tos;
    key->tun.ttl = tnl->ip_ttl;
    key->tun.tp_src = tnl->tp_src;
    key->tun.tp_dst = tnl->tp_dst;
    key->tun.gbp_id = tnl->gbp_id;
    key->tun.gbp_flags = tnl->gbp_flags;
}

/* Initializes 'match' to the datapath flow that 'key' stands for: the
 * values of 'key' and a mask exact on exactly the fields a key holds (the
 * mask of a UF, vfp/ufid.h). */
void
uft_key_to_match(const struct uft_key *key, struct match *match)
{
    struct flow *flow = &match->flow;
    struct flow_wildcards *wc = &match->wc;

    match_init_catchall(match);
    memset(flow, 0, sizeof *flow);

    if (key->flags & UFT_KEY_TUNNEL) {
        struct flow_tnl *tnl = &flow->tunnel;
        struct flow_tnl *mask = &wc->masks.tunnel;

        /* flow_wildcards_init_for_packet()'s tunnel fields, for an IPv4
         * tunnel without options. */
        tnl->tun_id = key->tun.id;
        tnl->ip_src = key->tun.src;
        tnl->ip_dst = key->tun.dst;
        tnl->flags = key->tun.flags;
        tnl->ip_tos = key->tun.tos;
        tnl->ip_ttl = key->tun.ttl;
        tnl->tp_src = key->tun.tp_src;
        tnl->tp_dst = key->tun.tp_dst;
        tnl->gbp_id = key->tun.gbp_id;
        tnl->gbp_flags = key->tun.gbp_flags;
        if (tnl->flags & FLOW_TNL_F_KEY) {
            mask->tun_id = OVS_BE64_MAX;
        }
        mask->ip_src = OVS_BE32_MAX;
        mask->ip_dst = OVS_BE32_MAX;
        memset(&mask->ipv6_src, 0xff, sizeof mask->ipv6_src);
        memset(&mask->ipv6_dst, 0xff, sizeof mask->ipv6_dst);
        mask->flags = UINT16_MAX;
        mask->ip_tos = UINT8_MAX;
        mask->ip_ttl = UINT8_MAX;
        mask->tp_src = OVS_BE16_MAX;
        mask->tp_dst = OVS_BE16_MAX;
        mask->gbp_id = OVS_BE16_MAX;
        mask->gbp_flags = UINT8_MAX;
        mask->erspan_ver = UINT8_MAX;
        mask->erspan_idx = UINT32_MAX;
        mask->erspan_dir = UINT8_MAX;
        mask->erspan_hwid = UINT8_MAX;
        mask->gtpu_flags = UINT8_MAX;
        mask->gtpu_msgtype = UINT8_MAX;
    }

    flow->in_port.odp_port = key->in_port;
    WC_MASK_FIELD(wc, in_port);
    WC_MASK_FIELD(wc, recirc_id);
    flow->packet_type = htonl(PT_ETH);
    WC_MASK_FIELD(wc, packet_type);

    if (key->flags & UFT_KEY_POP) {
        /* A tunnel pop flow: untagged IPv4 to an address and MAC of the
         * host's, not a fragment, GRE or UDP to one port. */
        flow->dl_dst = key->dl_dst;
        flow->dl_type = htons(ETH_TYPE_IP);
        flow->nw_dst = key->nw.ip4.dst;
        flow->nw_proto = key->nw_proto;
        WC_MASK_FIELD(wc, dl_dst);
        WC_MASK_FIELD(wc, dl_type);
        WC_MASK_FIELD(wc, vlans[0]);
        WC_MASK_FIELD(wc, nw_dst);
        WC_MASK_FIELD(wc, nw_proto);
        WC_MASK_FIELD_MASK(wc, nw_frag, FLOW_NW_FRAG_MASK);
        if (key->nw_proto == IPPROTO_UDP) {
            flow->tp_dst = key->tp_dst;
            WC_MASK_FIELD(wc, tp_dst);
        }
        return;
    }

    flow->dl_dst = key->dl_dst;
    flow->dl_src = key->dl_src;
    flow->dl_type = key->dl_type;
    WC_MASK_FIELD(wc, dl_dst);
    WC_MASK_FIELD(wc, dl_src);
    WC_MASK_FIELD(wc, dl_type);
    WC_MASK_FIELD(wc, vlans[0]);
    if (key->flags & UFT_KEY_VLAN) {
        flow->vlans[0].qtag = key->vlan;
        WC_MASK_FIELD(wc, vlans[1]);
    }

    if (key->dl_type == htons(ETH_TYPE_IP)) {
        flow->nw_src = key->nw.ip4.src;
        flow->nw_dst = key->nw.ip4.dst;
        WC_MASK_FIELD(wc, nw_src);
        WC_MASK_FIELD(wc, nw_dst);
    } else {
        flow->ipv6_src = key->nw.ip6.src;
        flow->ipv6_dst = key->nw.ip6.dst;
        flow->ipv6_label = key->ipv6_label;
        WC_MASK_FIELD(wc, ipv6_src);
        WC_MASK_FIELD(wc, ipv6_dst);
        WC_MASK_FIELD(wc, ipv6_label);
    }
    flow->nw_proto = key->nw_proto;
    WC_MASK_FIELD(wc, nw_proto);
    WC_MASK_FIELD_MASK(wc, nw_frag, FLOW_NW_FRAG_MASK);
    if (proto_has_ports(key->nw_proto)) {
        flow->tp_src = key->tp_src;
        flow->tp_dst = key->tp_dst;
        WC_MASK_FIELD(wc, tp_src);
        WC_MASK_FIELD(wc, tp_dst);
    }
}

/* Whether every bit that 'match' matches is held by 'key', with the key's
 * value: 'ref' is the flow that 'key' matches, its mask what the key
 * holds.  This also refuses a flow that matches, say, a nonzero recirc_id,
 * a second VLAN header, a fragment or conntrack state.  The bits of
 * nw_frag beyond FLOW_NW_FRAG_MASK are zero in every packet's flow: a
 * match on them (ofproto's WC_MASK_FIELD(wc, nw_frag)) holds nothing. */
static bool
match_covered(const struct match *match, const struct uft_key *key)
{
    struct flow_wildcards wc = match->wc;
    struct match ref;

    if (match->flow.nw_frag & ~FLOW_NW_FRAG_MASK) {
        return false;
    }
    wc.masks.nw_frag &= FLOW_NW_FRAG_MASK;
    uft_key_to_match(key, &ref);

    const uint64_t *f = (const uint64_t *) &match->flow;
    const uint64_t *m = (const uint64_t *) &wc.masks;
    const uint64_t *r = (const uint64_t *) &ref.flow;
    const uint64_t *c = (const uint64_t *) &ref.wc.masks;
    for (size_t i = 0; i < FLOW_U64S; i++) {
        if (m[i] & ~c[i] || (f[i] ^ r[i]) & m[i]) {
            return false;
        }
    }
    return true;
}

/* Makes 'key' from the datapath flow 'match'.  Returns false if a key
 * cannot stand for it: if the flow is not one that uft_key_from_packet() can
 * produce (see uft-key.h), or if its mask matches a field, or a bit of a
 * field, that a key does not hold.  A mask that matches less than a key is
 * fine: the key then matches fewer packets than the flow, never more. */
bool
uft_key_from_match(const struct match *match, struct uft_key *key)
{
    const struct flow *flow = &match->flow;

    memset(key, 0, sizeof *key);
    if (flow->packet_type != htonl(PT_ETH)
        || (flow->dl_type != htons(ETH_TYPE_IP)
            && flow->dl_type != htons(ETH_TYPE_IPV6))
        || flow->nw_proto == IPPROTO_IGMP
        || icmp_on_other_ip(flow->dl_type, flow->nw_proto)
        || (flow->dl_type == htons(ETH_TYPE_IPV6)
            && proto_is_ipv6_ext(flow->nw_proto))
        || (flow->nw_proto == IPPROTO_ICMPV6
            && icmpv6_is_nd(ntohs(flow->tp_src), ntohs(flow->tp_dst)))
        || eth_type_vlan(flow->vlans[1].tpid)
        || (flow->vlans[0].tci && !(flow->vlans[0].tci & htons(VLAN_CFI)))) {
        return false;
    }

    const struct flow_tnl *tnl = &flow->tunnel;
    if (flow_tnl_dst_is_set(tnl)) {
        /* IPv4 outer headers without options only; the check below
         * refuses the other fields. */
        if (!tnl->ip_dst || tnl->metadata.present.map) {
            return false;
        }
        key_set_tunnel(key, tnl);
    }

    key->in_port = flow->in_port.odp_port;
    key->dl_dst = flow->dl_dst;
    key->dl_src = flow->dl_src;
    key->dl_type = flow->dl_type;
    if (flow->vlans[0].tci) {
        key->flags |= UFT_KEY_VLAN;
        key->vlan = flow->vlans[0].qtag;
    }
    key->nw_proto = flow->nw_proto;
    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        key->nw.ip4.src = flow->nw_src;
        key->nw.ip4.dst = flow->nw_dst;
    } else {
        key->nw.ip6.src = flow->ipv6_src;
        key->nw.ip6.dst = flow->ipv6_dst;
        key->ipv6_label = flow->ipv6_label;
    }
    if (proto_has_ports(flow->nw_proto)) {
        key->tp_src = flow->tp_src;
        key->tp_dst = flow->tp_dst;
    }

    return match_covered(match, key);
}

/* Makes 'key' from the tunnel pop flow 'match' (a flow whose only action is
 * a tunnel pop, for 'match''s packets addressed to the host's tunnel
 * endpoint): a key with UFT_KEY_POP, that uft_key_pop_from_packet() finds.
 * Returns false if 'match' matches more or less than such a key holds
 * (see uft_key_from_match()) or is not for untagged, unfragmented IPv4
 * outside a tunnel, to UDP (VXLAN, Geneve) or GRE. */
bool
uft_key_pop_from_match(const struct match *match, struct uft_key *key)
{
    const struct flow *flow = &match->flow;

    memset(key, 0, sizeof *key);
    if (flow->packet_type != htonl(PT_ETH)
        || flow->dl_type != htons(ETH_TYPE_IP)
        || (flow->nw_proto != IPPROTO_UDP && flow->nw_proto != IPPROTO_GRE)
        || flow->vlans[0].tci
        || flow_tnl_dst_is_set(&flow->tunnel)) {
        return false;
    }
    key->flags = UFT_KEY_POP;
    key->in_port = flow->in_port.odp_port;
    key->dl_dst = flow->dl_dst;
    key->dl_type = htons(ETH_TYPE_IP);
    key->nw_proto = flow->nw_proto;
    key->nw.ip4.dst = flow->nw_dst;
    if (flow->nw_proto == IPPROTO_UDP) {
        key->tp_dst = flow->tp_dst;
    }

    /* Unlike a UF, whose entry may be exact on more than its flow, a pop
     * flow's entry must match everything its flow matches: its packets
     * find it by these fields alone, and a narrower flow (one that does
     * not look at the fragment bits, say) would lose the packets it
     * covers beyond them to the slow path, every one. */
    const struct flow_wildcards *wc = &match->wc;
    ovs_be16 vlan_bits = htons(VLAN_VID_MASK | VLAN_CFI);
    if (wc->masks.in_port.odp_port != ODPP_NONE
        || wc->masks.recirc_id != UINT32_MAX
        || wc->masks.packet_type != OVS_BE32_MAX
        || !eth_addr_equals(wc->masks.dl_dst, eth_addr_exact)
        || wc->masks.dl_type != OVS_BE16_MAX
        || (wc->masks.vlans[0].tci & vlan_bits) != vlan_bits
        || wc->masks.nw_dst != OVS_BE32_MAX
        || wc->masks.nw_proto != UINT8_MAX
        || (wc->masks.nw_frag & FLOW_NW_FRAG_MASK) != FLOW_NW_FRAG_MASK
        || (flow->nw_proto == IPPROTO_UDP
            && wc->masks.tp_dst != OVS_BE16_MAX)) {
        return false;
    }
    return match_covered(match, key);
}

/* Parses 'packet', received on 'in_port', into 'key' and '*tcp_flags' (0
 * if it is not TCP), and sets its layer offsets and L2 padding as
 * miniflow_extract() does, so that actions can run on it.  If 'in_port'
 * is ODPP_NONE, the packet is a recirculated one, whose metadata is valid:
 * its in_port and tunnel metadata come from there.  Returns false,
 * with the packet's offsets in an unspecified state, if the packet is not
 * one a key describes completely (uft-key.h): the caller then hands it to
 * miniflow_extract(), which resets them.
 *
 * Each check below is miniflow_extract()'s for the same header, or
 * stricter. */
bool
uft_key_from_packet(struct dp_packet *packet, odp_port_t in_port,
                    struct uft_key *key, uint16_t *tcp_flags)
{
    const uint8_t *data = dp_packet_data(packet);
    size_t size = dp_packet_size(packet);
    size_t ofs;

    if (packet->packet_type != htonl(PT_ETH)
        || size < ETH_HEADER_LEN + IP_HEADER_LEN) {
        return false;
    }
    memset(key, 0, sizeof *key);
    if (in_port == ODPP_NONE) {
        const struct pkt_metadata *md = &packet->md;
        const struct flow_tnl *tnl = &md->tunnel;

        /* A UF matches recirc_id 0, and a tunnel's metadata is what
         * miniflow_extract() would copy into the flow. */
        if (md->recirc_id) {
            return false;
        }
        if (tnl->ip_dst) {
            if (ipv6_addr_is_set(&tnl->ipv6_dst)
                || ipv6_addr_is_set(&tnl->ipv6_src)
                || tnl->metadata.present.map
                || tnl->erspan_ver || tnl->erspan_idx || tnl->erspan_dir
                || tnl->erspan_hwid || tnl->gtpu_flags
                || tnl->gtpu_msgtype) {
                return false;
            }
            key_set_tunnel(key, tnl);
        } else if (ipv6_addr_is_set(&tnl->ipv6_dst)) {
            return false;
        }
        in_port = md->in_port.odp_port;
    }
    key->in_port = in_port;
    memcpy(&key->dl_dst, data, ETH_ADDR_LEN);
    memcpy(&key->dl_src, data + ETH_ADDR_LEN, ETH_ADDR_LEN);

    ovs_be16 dl_type;
    memcpy(&dl_type, data + 12, sizeof dl_type);
    ofs = 14;
    if (eth_type_vlan(dl_type)) {
        if (flow_vlan_limit < 1) {
            return false;
        }
        memcpy(&key->vlan, data + 12, sizeof key->vlan);
        key->vlan |= htonl(VLAN_CFI);
        key->flags |= UFT_KEY_VLAN;
        memcpy(&dl_type, data + 16, sizeof dl_type);
        ofs = 18;
        if (eth_type_vlan(dl_type)) {
            return false;
        }
    }
    key->dl_type = dl_type;

    dp_packet_reset_offsets(packet);
    packet->l3_ofs = ofs;

    const uint8_t *l4;
    size_t l4_size;
    if (OVS_LIKELY(dl_type == htons(ETH_TYPE_IP))) {
        const struct ip_header *nh = (const void *) (data + ofs);
        size_t rem = size - ofs;
        size_t ip_len, tot_len;

        if (rem < IP_HEADER_LEN || IP_VER(nh->ip_ihl_ver) != 4) {
            return false;
        }
        ip_len = IP_IHL(nh->ip_ihl_ver) * 4;
        tot_len = ntohs(nh->ip_tot_len);
        if (ip_len < IP_HEADER_LEN || rem < ip_len || tot_len > rem
            || ip_len > tot_len || rem - tot_len > UINT16_MAX
            || IP_IS_FRAGMENT(nh->ip_frag_off)) {
            return false;
        }
        key->nw.ip4.src = get_16aligned_be32(&nh->ip_src);
        key->nw.ip4.dst = get_16aligned_be32(&nh->ip_dst);
        key->nw_proto = nh->ip_proto;
        dp_packet_set_l2_pad_size(packet, rem - tot_len);
        l4 = data + ofs + ip_len;
        l4_size = tot_len - ip_len;
    } else if (dl_type == htons(ETH_TYPE_IPV6)) {
        const struct ovs_16aligned_ip6_hdr *nh = (const void *) (data + ofs);
        size_t rem = size - ofs;
        size_t plen;

        if (rem < IPV6_HEADER_LEN) {
            return false;
        }
        plen = ntohs(nh->ip6_plen);
        if (plen + IPV6_HEADER_LEN > rem
            || rem - (plen + IPV6_HEADER_LEN) > UINT16_MAX
            || proto_is_ipv6_ext(nh->ip6_nxt)) {
            return false;
        }
        memcpy(&key->nw.ip6.src, &nh->ip6_src, sizeof key->nw.ip6.src);
        memcpy(&key->nw.ip6.dst, &nh->ip6_dst, sizeof key->nw.ip6.dst);
        key->ipv6_label = (get_16aligned_be32(&nh->ip6_flow)
                           & htonl(IPV6_LABEL_MASK));
        key->nw_proto = nh->ip6_nxt;
        dp_packet_set_l2_pad_size(packet, rem - (plen + IPV6_HEADER_LEN));
        l4 = data + ofs + IPV6_HEADER_LEN;
        l4_size = plen;
    } else {
        return false;
    }
    packet->l4_ofs = l4 - data;

    *tcp_flags = 0;
    if (icmp_on_other_ip(dl_type, key->nw_proto)) {
        return false;
    }
    switch (key->nw_proto) {
    case IPPROTO_TCP: {
        const struct tcp_header *tcp = (const void *) l4;
        size_t tcp_len;

        if (l4_size < TCP_HEADER_LEN) {
            return false;
        }
        tcp_len = TCP_OFFSET(tcp->tcp_ctl) * 4;
        if (tcp_len < TCP_HEADER_LEN || l4_size < tcp_len) {
            return false;
        }
        key->tp_src = tcp->tcp_src;
        key->tp_dst = tcp->tcp_dst;
        *tcp_flags = TCP_FLAGS(tcp->tcp_ctl);
        break;
    }
    case IPPROTO_UDP: {
        const struct udp_header *udp = (const void *) l4;

        if (l4_size < UDP_HEADER_LEN) {
            return false;
        }
        key->tp_src = udp->udp_src;
        key->tp_dst = udp->udp_dst;
        break;
    }
    case IPPROTO_SCTP: {
        const struct sctp_header *sctp = (const void *) l4;

        if (l4_size < SCTP_HEADER_LEN) {
            return false;
        }
        key->tp_src = sctp->sctp_src;
        key->tp_dst = sctp->sctp_dst;
        break;
    }
    case IPPROTO_ICMP: {
        const struct icmp_header *icmp = (const void *) l4;

        if (l4_size < ICMP_HEADER_LEN) {
            return false;
        }
        key->tp_src = htons(icmp->icmp_type);
        key->tp_dst = htons(icmp->icmp_code);
        break;
    }
    case IPPROTO_ICMPV6: {
        const struct icmp6_data_header *icmp6 = (const void *) l4;

        if (l4_size < sizeof *icmp6
            || icmpv6_is_nd(icmp6->icmp6_base.icmp6_type,
                            icmp6->icmp6_base.icmp6_code)) {
            return false;
        }
        key->tp_src = htons(icmp6->icmp6_base.icmp6_type);
        key->tp_dst = htons(icmp6->icmp6_base.icmp6_code);
        break;
    }
    case IPPROTO_IGMP:
        return false;
    default:
        break;
    }

    /* The RSS hash that the classifier's path would have given the packet
     * (miniflow_extract() for TCP and UDP, then dfc_processing()): a
     * tunnel's source port is made from it. */
    if (!dp_packet_rss_valid(packet)) {
        if (key->nw_proto == IPPROTO_TCP || key->nw_proto == IPPROTO_UDP) {
            if (dl_type == htons(ETH_TYPE_IP)) {
                dp_packet_update_rss_hash_ipv4_tcp_udp(packet);
            } else {
                dp_packet_update_rss_hash_ipv6_tcp_udp(packet);
            }
        } else {
            dp_packet_set_rss_hash(packet, uft_key_hash_5tuple(key));
        }
    }
    return true;
}

/* Parses the first-pass 'packet', received on 'in_port', into the key of
 * the tunnel pop flow (uft_key_pop_from_match()) that the datapath
 * classifier would match it to, and sets its layer offsets and L2 padding
 * as miniflow_extract() does.  Returns false if no pop flow can match it:
 * not untagged IPv4 and UDP, a fragment, or an IPv4 header that
 * miniflow_extract() would not read, or neither UDP nor GRE.  Reads IPv4
 * in 802.2 LLC and SNAP too, as miniflow_extract() does.
 *
 * Unlike uft_key_from_packet(), this is no stricter than miniflow_extract()
 * for the fields a pop flow matches, checked step by step against it: a
 * packet that the classifier gives to a pop flow always finds it here,
 * whatever else is wrong with it, so that a pop flow in the table is never
 * missed (the packet would then have no flow at all, and go to the slow
 * path).  The pop itself checks the rest. */
bool
uft_key_pop_from_packet(struct dp_packet *packet, odp_port_t in_port,
                        struct uft_key *key)
{
    const uint8_t *data = dp_packet_data(packet);
    size_t size = dp_packet_size(packet);
    size_t ofs = ETH_HEADER_LEN;
    ovs_be16 dl_type;

    if (packet->packet_type != htonl(PT_ETH) || size < ETH_HEADER_LEN) {
        return false;
    }
    /* A VLAN TPID, with or without a whole header after it, is not IPv4 to
     * a pop flow.  parse_ethertype() reads the EtherType of 802.2 LLC with
     * a SNAP header for Ethernet too. */
    memcpy(&dl_type, data + 12, sizeof dl_type);
    if (ntohs(dl_type) < ETH_TYPE_MIN) {
        struct llc_snap_header llc;

        if (size - ofs < sizeof llc) {
            return false;
        }
        memcpy(&llc, data + ofs, sizeof llc);
        if (llc.llc.llc_dsap != LLC_DSAP_SNAP
            || llc.llc.llc_ssap != LLC_SSAP_SNAP
            || llc.llc.llc_cntl != LLC_CNTL_SNAP
            || memcmp(llc.snap.snap_org, SNAP_ORG_ETHERNET,
                      sizeof llc.snap.snap_org)) {
            return false;
        }
        dl_type = llc.snap.snap_type;
        ofs += sizeof llc;
    }
    if (dl_type != htons(ETH_TYPE_IP) || size - ofs < IP_HEADER_LEN) {
        return false;
    }

    /* ipv4_sanity_check(), which does not look at the version. */
    const struct ip_header *nh = (const void *) (data + ofs);
    size_t rem = size - ofs;
    size_t ip_len = IP_IHL(nh->ip_ihl_ver) * 4;
    size_t tot_len = ntohs(nh->ip_tot_len);
    if (ip_len < IP_HEADER_LEN || rem < ip_len || tot_len > rem
        || ip_len > tot_len || rem - tot_len > UINT16_MAX
        || IP_IS_FRAGMENT(nh->ip_frag_off)
        || (nh->ip_proto != IPPROTO_UDP && nh->ip_proto != IPPROTO_GRE)) {
        return false;
    }

    memset(key, 0, sizeof *key);
    key->flags = UFT_KEY_POP;
    key->in_port = in_port;
    memcpy(&key->dl_dst, data, ETH_ADDR_LEN);
    key->dl_type = dl_type;
    key->nw_proto = nh->ip_proto;
    key->nw.ip4.dst = get_16aligned_be32(&nh->ip_dst);
    if (nh->ip_proto == IPPROTO_UDP && tot_len - ip_len >= UDP_HEADER_LEN) {
        const struct udp_header *udp = (const void *) ((const uint8_t *) nh
                                                       + ip_len);
        key->tp_dst = udp->udp_dst;
    }

    dp_packet_reset_offsets(packet);
    packet->l3_ofs = ofs;
    packet->l4_ofs = ofs + ip_len;
    dp_packet_set_l2_pad_size(packet, rem - tot_len);
    return true;
}

/* The hash of 'key' that miniflow_hash_5tuple() gives its flow. */
uint32_t
uft_key_hash_5tuple(const struct uft_key *key)
{
    uint32_t hash = 0;

    if (key->dl_type == htons(ETH_TYPE_IPV6)) {
        /* The addresses are the key's words 4 to 7. */
        const uint64_t *words = (const uint64_t *) key;

        BUILD_ASSERT_DECL(offsetof(struct uft_key, nw.ip6) == 4 * 8);
        for (size_t i = 4; i < 8; i++) {
            hash = hash_add64(hash, words[i]);
        }
    } else {
        hash = hash_add(hash, (OVS_FORCE uint32_t) key->nw.ip4.src);
        hash = hash_add(hash, (OVS_FORCE uint32_t) key->nw.ip4.dst);
    }
    hash = hash_add(hash, key->nw_proto);
    if (proto_has_ports(key->nw_proto)) {
        uint32_t ports;

        memcpy(&ports, &key->tp_src, sizeof ports);
        hash = hash_add(hash, ports);
    }
    return hash_finish(hash, 42);
}

uint32_t
uft_key_hash(const struct uft_key *key)
{
    return hash_words64((const uint64_t *) key,
                        sizeof *key / sizeof(uint64_t), 0);
}

/* Appends 'key' to 'ds' in the datapath's flow syntax. */
void
uft_key_format(const struct uft_key *key, struct ds *ds)
{
    struct match match;

    uft_key_to_match(key, &match);
    match_format(&match, NULL, ds, OFP_DEFAULT_PRIORITY);
}
