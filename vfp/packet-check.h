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

#ifndef VFP_PACKET_CHECK_H
#define VFP_PACKET_CHECK_H 1

/* Malformed headers.
 *
 * A verdict must never depend on what a parser failed to see.  OVS's
 * parsers (lib/flow.c's miniflow_extract(), the kernel's key_extract())
 * give up on headers they cannot parse and map the packet to a key
 * anyway: an IPv4 header with IHL 4 becomes "IPv4, every L3 and L4 field
 * zero", a TCP header of 8 bytes "TCP, ports 0".  Matched on that key, the
 * packet is no longer what it claims to be, and a rule on its source
 * address does not see it.
 *
 * Two defences, both here:
 *
 *   - vfp_packet_check() validates a packet's own bytes, strictly, as deep
 *     as any VFP condition looks (Ethernet, as many VLAN tags as the
 *     parser takes, IPv4, IPv6 and its extension headers, TCP, UDP, SCTP,
 *     ICMP, ICMPv6, IGMP, ARP).  A port
 *     with layers drops a packet that fails, counted under the reason.
 *
 *   - vfp_flow_is_ambiguous() says whether a key is one that the
 *     datapath's parsers also produce for some malformed packet.  Since a
 *     unified flow matches on the key alone, no UF may be cached for such a
 *     key through a port with layers: a valid packet's UF would let the
 *     malformed ones through.  Those packets are handled one by one.
 *
 * Both are pure functions: any thread. */

#include <stdbool.h>
#include <stddef.h>

struct flow;

enum vfp_malformed {
    VFP_MALFORMED_NONE,         /* The headers are fine. */
    VFP_MALFORMED_ETH,          /* Shorter than an Ethernet header. */
    VFP_MALFORMED_VLAN,         /* Truncated tag, or more tags than
                                 * other_config:vlan-limit. */
    VFP_MALFORMED_IPV4,
    VFP_MALFORMED_IPV6,         /* Header, length, extension headers. */
    VFP_MALFORMED_TCP,
    VFP_MALFORMED_UDP,
    VFP_MALFORMED_SCTP,
    VFP_MALFORMED_ICMP,         /* ICMP, ICMPv6, IGMP. */
    VFP_MALFORMED_ARP,
    VFP_MALFORMED_N
};

/* "malformed-ipv4" etc.; "" for VFP_MALFORMED_NONE. */
const char *vfp_malformed_name(enum vfp_malformed);

enum vfp_malformed vfp_packet_check(const void *frame, size_t size);
bool vfp_flow_is_ambiguous(const struct flow *);

#endif /* vfp/packet-check.h */
