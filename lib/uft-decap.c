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
#include "lib/uft-decap.h"

#include "csum.h"
#include "dp-packet.h"
#include "packets.h"
#include "util.h"

BUILD_ASSERT_DECL(UFT_DECAP_VXLAN_LEN
                  == ETH_HEADER_LEN + IP_HEADER_LEN + UDP_HEADER_LEN
                     + sizeof(struct vxlanhdr));
BUILD_ASSERT_DECL(UFT_DECAP_GRE_LEN
                  == ETH_HEADER_LEN + IP_HEADER_LEN
                     + sizeof(struct gre_base_hdr) + sizeof(ovs_be32));

/* The checks of netdev_tnl_ip_extract_tnl_md() on the outer IPv4 header of
 * 'packet', whose layer offsets uft_key_pop_from_packet() has set: the
 * checksum (unless the NIC verified it), the length, no options; and
 * protocol 'proto' with at least 'l4_len' bytes after the IP header.  The
 * rest comes from uft_key_pop_from_packet(): untagged, not a fragment. */
static const struct ip_header *
outer_ipv4(const struct dp_packet *packet, uint8_t proto, size_t l4_len)
{
    const struct ip_header *ip = dp_packet_l3(packet);
    size_t size = dp_packet_size(packet);

    if (!ip || packet->l3_ofs != ETH_HEADER_LEN
        || size < ETH_HEADER_LEN + IP_HEADER_LEN + l4_len
        || ip->ip_proto != proto
        || ip->ip_ihl_ver != IP_IHL_VER(5, 4)
        || (!dp_packet_ip_checksum_valid(packet)
            && csum(ip, IP_HEADER_LEN))
        || ntohs(ip->ip_tot_len) > size - ETH_HEADER_LEN
        || dp_packet_l4_size(packet) < l4_len) {
        return NULL;
    }
    return ip;
}

/* Sets the metadata of 'packet', received on 'in_port', as
 * netdev_pop_header() and then the recirculation of the tunnel pop action
 * leave it, for the tunnel 'ip' (with 'tp_src', 'tp_dst', 'tun_id' and
 * 'flags' as the pop found them), and pops its first 'len' bytes, saving
 * what uft_decap_undo() needs in 'state'. */
static void
pop(struct dp_packet *packet, odp_port_t in_port, const struct ip_header *ip,
    ovs_be16 tp_src, ovs_be16 tp_dst, ovs_be64 tun_id, uint16_t flags,
    odp_port_t tnl_port, size_t len, struct uft_decap_state *state)
{
    struct pkt_metadata *md = &packet->md;
    struct flow_tnl *tnl = &md->tunnel;

    md->in_port.odp_port = in_port;     /* orig_in_port, below. */
    pkt_metadata_init_tnl(md);
    pkt_metadata_init_conn(md);
    tnl->ip_src = get_16aligned_be32(&ip->ip_src);
    tnl->ip_dst = get_16aligned_be32(&ip->ip_dst);
    tnl->ip_tos = ip->ip_tos;
    tnl->ip_ttl = ip->ip_ttl;
    tnl->tp_src = tp_src;
    tnl->tp_dst = tp_dst;
    tnl->tun_id = tun_id;
    tnl->flags = flags;
    md->in_port.odp_port = tnl_port;

    state->ol_flags = *dp_packet_ol_flags_ptr(packet);
    state->rss_hash = dp_packet_get_rss_hash(packet);
    state->len = len;
    dp_packet_reset_offload(packet);
    packet->packet_type = htonl(PT_ETH);
    dp_packet_reset_packet(packet, len);
}

/* Pops the VXLAN over IPv4 headers off 'packet', received on 'in_port', as
 * tunnel port 'tnl_port' would (see uft-decap.h).  Returns false, with the
 * packet unchanged, if that pop might not accept the packet or might leave
 * it otherwise. */
bool
uft_decap_vxlan(struct dp_packet *packet, odp_port_t in_port,
                odp_port_t tnl_port, struct uft_decap_state *state)
{
    const struct ip_header *ip = outer_ipv4(packet, IPPROTO_UDP,
                                            UDP_HEADER_LEN
                                            + sizeof(struct vxlanhdr));
    if (!ip) {
        return false;
    }

    /* udp_extract_tnl_md(): a nonzero checksum must be right, over the rest
     * of the frame, unless the NIC verified it. */
    const struct udp_header *udp = dp_packet_l4(packet);
    size_t size = dp_packet_size(packet);
    uint16_t flags = FLOW_TNL_F_KEY;
    if (udp->udp_csum && !dp_packet_l4_checksum_valid(packet)) {
        uint32_t c = packet_csum_pseudoheader(ip);

        c = csum_continue(c, udp, size - ETH_HEADER_LEN - IP_HEADER_LEN);
        if (csum_finish(c)) {
            return false;
        }
    }
    if (udp->udp_csum) {
        flags |= FLOW_TNL_F_CSUM;
    }

    /* netdev_vxlan_pop_header(): exactly "VNI present", which also refuses
     * VXLAN-GPE, and the VNI word's reserved byte zero. */
    const struct vxlanhdr *vxh = (const struct vxlanhdr *) (udp + 1);
    ovs_be32 vni = get_16aligned_be32(&vxh->vx_vni);
    if (get_16aligned_be32(&vxh->vx_flags) != htonl(VXLAN_FLAGS)
        || vni & htonl(0xff)) {
        return false;
    }

    pop(packet, in_port, ip, udp->udp_src, udp->udp_dst,
        htonll(ntohl(vni) >> 8), flags, tnl_port, UFT_DECAP_VXLAN_LEN, state);
    return true;
}

/* Pops the GRE over IPv4 headers off 'packet', received on 'in_port', as
 * tunnel port 'tnl_port' would (see uft-decap.h), for NVGRE's GRE only: a
 * key, no checksum, no sequence number, version 0, Ethernet inside.
 * Returns false, with the packet unchanged, for any other packet. */
bool
uft_decap_gre(struct dp_packet *packet, odp_port_t in_port,
              odp_port_t tnl_port, struct uft_decap_state *state)
{
    const struct ip_header *ip = outer_ipv4(packet, IPPROTO_GRE,
                                            sizeof(struct gre_base_hdr)
                                            + sizeof(ovs_be32));
    if (!ip) {
        return false;
    }

    /* parse_gre_header() accepts more (checksums, sequence numbers, other
     * protocols, which change the packet type): those take two passes. */
    const struct gre_base_hdr *greh = dp_packet_l4(packet);
    if (greh->flags != htons(GRE_KEY)
        || greh->protocol != htons(ETH_TYPE_TEB)) {
        return false;
    }
    const ovs_16aligned_be32 *key = (const ovs_16aligned_be32 *) (greh + 1);

    pop(packet, in_port, ip, 0, 0, be32_to_be64(get_16aligned_be32(key)),
        FLOW_TNL_F_KEY, tnl_port, UFT_DECAP_GRE_LEN, state);
    return true;
}

/* Puts back the outer headers that uft_decap_vxlan() or uft_decap_gre()
 * took off 'packet' (they are still in its buffer), and its offload flags
 * from 'state'.  Its layer offsets and metadata are then unset: the caller
 * sets them again. */
void
uft_decap_undo(struct dp_packet *packet, const struct uft_decap_state *state)
{
    dp_packet_set_data(packet, (uint8_t *) dp_packet_data(packet)
                               - state->len);
    dp_packet_set_size(packet, dp_packet_size(packet) + state->len);
    dp_packet_reset_offsets(packet);
    *dp_packet_rss_ptr(packet) = state->rss_hash;
    *dp_packet_ol_flags_ptr(packet) = state->ol_flags;
}
