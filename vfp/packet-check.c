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

#include "vfp/packet-check.h"

#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <stdint.h>
#include "flow.h"
#include "packets.h"
#include "util.h"

static const char *const names[VFP_MALFORMED_N] = {
    [VFP_MALFORMED_NONE] = "",
    [VFP_MALFORMED_ETH] = "malformed-eth",
    [VFP_MALFORMED_VLAN] = "malformed-vlan",
    [VFP_MALFORMED_IPV4] = "malformed-ipv4",
    [VFP_MALFORMED_IPV6] = "malformed-ipv6",
    [VFP_MALFORMED_TCP] = "malformed-tcp",
    [VFP_MALFORMED_UDP] = "malformed-udp",
    [VFP_MALFORMED_SCTP] = "malformed-sctp",
    [VFP_MALFORMED_ICMP] = "malformed-icmp",
    [VFP_MALFORMED_ARP] = "malformed-arp",
};

const char *
vfp_malformed_name(enum vfp_malformed m)
{
    return m < VFP_MALFORMED_N ? names[m] : "?";
}

static uint16_t
get16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

/* The L4 header of protocol 'proto' at 'p', 'len' bytes up to the end of
 * the IP payload.  Checks what miniflow_extract() reads, and the lengths
 * the header itself states. */
static enum vfp_malformed
check_l4(uint8_t proto, const uint8_t *p, size_t len, bool ipv6)
{
    switch (proto) {
    case IPPROTO_TCP:
        if (len < TCP_HEADER_LEN
            || (p[12] >> 4) * 4 < TCP_HEADER_LEN
            || (p[12] >> 4) * 4 > len) {
            return VFP_MALFORMED_TCP;
        }
        break;
    case IPPROTO_UDP:
        if (len < UDP_HEADER_LEN
            || get16(p + 4) < UDP_HEADER_LEN || get16(p + 4) > len) {
            return VFP_MALFORMED_UDP;
        }
        break;
    case IPPROTO_SCTP:
        if (len < SCTP_HEADER_LEN) {
            return VFP_MALFORMED_SCTP;
        }
        break;
    case IPPROTO_ICMP:
    case IPPROTO_IGMP:
        if (!ipv6 && len < ICMP_HEADER_LEN) {
            return VFP_MALFORMED_ICMP;
        }
        break;
    case IPPROTO_ICMPV6:
        /* Type, code, checksum, 4 bytes of data; neighbor discovery adds
         * its target address. */
        if (ipv6 && (len < 8
                     || ((p[0] == ND_NEIGHBOR_SOLICIT
                          || p[0] == ND_NEIGHBOR_ADVERT)
                         && !p[1] && len < 24))) {
            return VFP_MALFORMED_ICMP;
        }
        break;
    }
    return VFP_MALFORMED_NONE;
}

static enum vfp_malformed
check_ipv4(const uint8_t *p, size_t size)
{
    if (size < IP_HEADER_LEN || p[0] >> 4 != 4) {
        return VFP_MALFORMED_IPV4;
    }

    size_t ihl = (p[0] & 0xf) * 4;
    size_t tot_len = get16(p + 2);
    if (ihl < IP_HEADER_LEN || ihl > size
        || tot_len < ihl || tot_len > size) {
        return VFP_MALFORMED_IPV4;
    }
    if (get16(p + 6) & (IP_MORE_FRAGMENTS | IP_FRAG_OFF_MASK)) {
        /* A fragment: its L4 header, if any, is the datagram's, checked
         * (if at all) where fragments are handled. */
        return VFP_MALFORMED_NONE;
    }
    return check_l4(p[9], p + ihl, tot_len - ihl, false);
}

static enum vfp_malformed
check_ipv6(const uint8_t *p, size_t size)
{
    if (size < IPV6_HEADER_LEN || p[0] >> 4 != 6
        || IPV6_HEADER_LEN + get16(p + 4) > size) {
        return VFP_MALFORMED_IPV6;
    }

    /* The extension headers parse_ipv6_ext_hdrs() skips, each complete
     * within the payload length. */
    size_t end = IPV6_HEADER_LEN + get16(p + 4);
    size_t pos = IPV6_HEADER_LEN;
    uint8_t nxt = p[6];
    for (;;) {
        size_t len;

        if (nxt == IPPROTO_HOPOPTS || nxt == IPPROTO_ROUTING
            || nxt == IPPROTO_DSTOPTS) {
            if (end - pos < 8) {
                return VFP_MALFORMED_IPV6;
            }
            len = (p[pos + 1] + 1) * 8;
        } else if (nxt == IPPROTO_AH) {
            if (end - pos < 8) {
                return VFP_MALFORMED_IPV6;
            }
            len = (p[pos + 1] + 2) * 4;
        } else if (nxt == IPPROTO_FRAGMENT) {
            if (end - pos < 8) {
                return VFP_MALFORMED_IPV6;
            }
            /* A fragment, as for IPv4. */
            return VFP_MALFORMED_NONE;
        } else {
            break;
        }
        if (len > end - pos) {
            return VFP_MALFORMED_IPV6;
        }
        nxt = p[pos];
        pos += len;
    }
    return check_l4(nxt, p + pos, end - pos, true);
}

static enum vfp_malformed
check_arp(const uint8_t *p, size_t size)
{
    /* What miniflow_extract() parses: Ethernet and IPv4 addresses, an
     * opcode in 1...255.  Anything else becomes an ARP key with every field
     * zero. */
    if (size < ARP_ETH_HEADER_LEN
        || get16(p) != 1 || get16(p + 2) != ETH_TYPE_IP
        || p[4] != ETH_ADDR_LEN || p[5] != 4
        || !get16(p + 6) || get16(p + 6) > 0xff) {
        return VFP_MALFORMED_ARP;
    }
    return VFP_MALFORMED_NONE;
}

/* Checks the Ethernet frame 'frame', 'size' bytes, the way lib/flow.c's
 * parse_vlan() (as many tags as 'flow_vlan_limit'), parse_ethertype() and
 * miniflow_extract() read it, but strictly: a header the parser would skip
 * or give up on is a failure. */
enum vfp_malformed
vfp_packet_check(const void *frame, size_t size)
{
    const uint8_t *p = frame;

    if (size < ETH_HEADER_LEN) {
        return VFP_MALFORMED_ETH;
    }

    size_t ofs = 2 * ETH_ADDR_LEN;
    uint16_t type = get16(p + ofs);
    int n_vlans = 0;
    while (type == ETH_TYPE_VLAN_8021Q || type == ETH_TYPE_VLAN_8021AD) {
        /* The slow path parses as many tags as other_config:vlan-limit
         * says (OVS's default: one); one more would leave the packet with
         * a VLAN ethertype and no L3 that a layer could see. */
        if (n_vlans++ == flow_vlan_limit
            || size - ofs < VLAN_HEADER_LEN + 2) {
            return VFP_MALFORMED_VLAN;
        }
        ofs += VLAN_HEADER_LEN;
        type = get16(p + ofs);
    }
    ofs += 2;

    if (type < ETH_TYPE_MIN) {
        /* 802.3: OVS follows LLC/SNAP to an Ethernet type. */
        static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };

        if (size - ofs < LLC_SNAP_HEADER_LEN
            || memcmp(p + ofs, snap, sizeof snap)
            || get16(p + ofs + 6) < ETH_TYPE_MIN) {
            return VFP_MALFORMED_NONE;
        }
        type = get16(p + ofs + 6);
        ofs += LLC_SNAP_HEADER_LEN;
    }

    switch (type) {
    case ETH_TYPE_IP:
        return check_ipv4(p + ofs, size - ofs);
    case ETH_TYPE_IPV6:
        return check_ipv6(p + ofs, size - ofs);
    case ETH_TYPE_ARP:
    case ETH_TYPE_RARP:
        return check_arp(p + ofs, size - ofs);
    default:
        return VFP_MALFORMED_NONE;
    }
}

/* True if some malformed packet gets key 'flow' from lib/flow.c or the
 * kernel's flow extraction:
 *
 *   - no Ethernet type (a frame shorter than its header), or a VLAN
 *     ethertype (a third tag, a truncated one);
 *   - IPv4 with protocol 0 (a header that failed the sanity check: every
 *     L3 field zero); IPv6 with next header 0 (the same, or a truncated
 *     extension header on userspace) or 59 (a truncated extension header
 *     on the kernel);
 *   - TCP, UDP or SCTP with both ports 0, ICMP, ICMPv6 or IGMP with type
 *     and code 0, in a packet that is not a later fragment: a truncated
 *     L4 header (ICMP type 0 code 0 is also an echo reply);
 *   - ARP with opcode 0 (not Ethernet/IPv4 ARP, or truncated).
 *
 * A valid packet can have such a key too (an echo reply), but it must not
 * cache a UF that the malformed packets would then follow. */
bool
vfp_flow_is_ambiguous(const struct flow *flow)
{
    ovs_be16 dl_type = flow->dl_type;

    if (!dl_type || eth_type_vlan(dl_type)) {
        return true;
    }
    if (dl_type == htons(ETH_TYPE_ARP) || dl_type == htons(ETH_TYPE_RARP)) {
        return !flow->nw_proto;
    }
    if (dl_type == htons(ETH_TYPE_IP)) {
        if (!flow->nw_proto) {
            return true;
        }
    } else if (dl_type == htons(ETH_TYPE_IPV6)) {
        if (!flow->nw_proto || flow->nw_proto == IPPROTO_NONE) {
            return true;
        }
    } else {
        return false;
    }

    if (flow->nw_frag & FLOW_NW_FRAG_LATER || flow->tp_src || flow->tp_dst) {
        return false;
    }
    switch (flow->nw_proto) {
    case IPPROTO_TCP:
    case IPPROTO_UDP:
    case IPPROTO_SCTP:
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
    case IPPROTO_IGMP:
        return true;
    default:
        return false;
    }
}
