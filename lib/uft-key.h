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

#ifndef LIB_UFT_KEY_H
#define LIB_UFT_KEY_H 1

/* The key of a unified flow table entry (uft.h).
 *
 * A UFT key is the exact-match part of a unified flow: the header fields
 * that VFP's UFID names (vfp/ufid.h) for an Ethernet packet that carries at
 * most one VLAN header and an unfragmented IPv4 or IPv6 datagram without
 * extension headers: in_port, L2 addresses and type, the VLAN header, L3
 * addresses, IPv6 flow label and protocol, L4 ports (ICMP type and code);
 * for a packet that the datapath has just decapsulated from an IPv4 tunnel
 * (and recirculated), also the outer header's fields that the datapath
 * left in the packet's metadata: VNI, addresses, TOS, TTL, UDP ports,
 * flags.  It is 96 bytes.
 *
 * Two functions make keys and must agree:
 *
 *   - uft_key_from_match() turns a datapath flow (a match) into a key, and
 *     refuses a flow that matches anything a key does not hold (a tunnel, a
 *     second VLAN header, conntrack state, recirculation, ARP, ...).
 *
 *   - uft_key_from_packet() parses a received packet straight into a key,
 *     before and instead of miniflow_extract().  It refuses every packet it
 *     does not understand completely: whatever miniflow_extract() would have
 *     parsed differently or only in part (truncated or inconsistent headers,
 *     fragments, IPv4 that fails its sanity check, IPv6 extension headers,
 *     ICMPv6 neighbour discovery, IGMP, a second VLAN header, LLC/SNAP).  A
 *     refused packet takes the datapath's ordinary path, so a verdict never
 *     depends on what this parser skipped.
 *
 * The invariant, checked by the unit tests on random and mutated packets:
 * when uft_key_from_packet() accepts a packet, its key equals the key that
 * uft_key_from_match() makes of miniflow_extract()'s flow of the same
 * packet.  A hit in the table is therefore a packet that the datapath
 * classifier would have matched to the same flow.
 *
 * A third kind of key, with UFT_KEY_POP, stands for a tunnel pop flow: the
 * datapath flow that decapsulates what the uplink receives for the host's
 * tunnel endpoint, matching only in_port, the destination MAC and IPv4
 * address, the protocol (UDP, with its destination port, or GRE) and
 * "untagged, not a fragment".
 * Its own pair of functions makes such keys: uft_key_pop_from_match(), and
 * uft_key_pop_from_packet(), which is exactly as lenient as
 * miniflow_extract() for those fields, so that every packet the
 * classifier would give to the pop flow finds its key.  The other fields
 * of a pop key are zero, and its flag keeps it apart from every exact key.
 *
 * Thread safety: pure functions, callable from any thread. */

#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/types.h"
#include "packets.h"

struct dp_packet;
struct ds;
struct match;

/* Flags in uft_key's 'flags'. */
enum {
    UFT_KEY_VLAN = 1 << 0,      /* 'vlan' holds the packet's VLAN header. */
    UFT_KEY_TUNNEL = 1 << 1,    /* 'tun' holds the tunnel metadata. */
    UFT_KEY_POP = 1 << 2,       /* A tunnel pop flow's key (see below). */
};

/* Aligned so that it can be hashed and compared as eight 64-bit words. */
OVS_ALIGNED_STRUCT(8, uft_key) {
    odp_port_t in_port;
    uint8_t flags;              /* UFT_KEY_*. */
    uint8_t nw_proto;
    ovs_be16 dl_type;           /* ETH_TYPE_IP or ETH_TYPE_IPV6. */
    struct eth_addr dl_dst;
    struct eth_addr dl_src;
    ovs_be32 vlan;              /* TPID and TCI, CFI set; 0 without VLAN. */
    ovs_be16 tp_src;            /* Both ports, in this order: hashed as */
    ovs_be16 tp_dst;            /* one word, as flow_hash_5tuple() does. */
    ovs_be32 ipv6_label;        /* 0 for IPv4. */
    union {
        struct {
            ovs_be32 src;
            ovs_be32 dst;
            uint8_t pad[24];    /* Always zero. */
        } ip4;
        struct {
            struct in6_addr src;
            struct in6_addr dst;
        } ip6;
    } nw;

    /* All zero unless UFT_KEY_TUNNEL. */
    struct {
        ovs_be64 id;
        ovs_be32 src;
        ovs_be32 dst;
        uint16_t flags;         /* FLOW_TNL_F_*. */
        uint8_t tos;
        uint8_t ttl;
        ovs_be16 tp_src;
        ovs_be16 tp_dst;
        ovs_be16 gbp_id;
        uint8_t gbp_flags;
        uint8_t pad[5];         /* Always zero. */
    } tun;
};
BUILD_ASSERT_DECL(sizeof(struct uft_key) == 96);

bool uft_key_from_match(const struct match *, struct uft_key *);
bool uft_key_from_packet(struct dp_packet *, odp_port_t in_port,
                         struct uft_key *, uint16_t *tcp_flags);
bool uft_key_pop_from_match(const struct match *, struct uft_key *);
bool uft_key_pop_from_packet(struct dp_packet *, odp_port_t in_port,
                             struct uft_key *);
void uft_key_to_match(const struct uft_key *, struct match *);

uint32_t uft_key_hash(const struct uft_key *);
uint32_t uft_key_hash_5tuple(const struct uft_key *);
static inline bool uft_key_equal(const struct uft_key *,
                                 const struct uft_key *);

void uft_key_format(const struct uft_key *, struct ds *);

/* Inline: every lookup compares a key. */
static inline bool
uft_key_equal(const struct uft_key *a, const struct uft_key *b)
{
    const uint64_t *x = (const uint64_t *) a;
    const uint64_t *y = (const uint64_t *) b;
    uint64_t diff = 0;

    for (size_t i = 0; i < sizeof *a / sizeof(uint64_t); i++) {
        diff |= x[i] ^ y[i];
    }
    return !diff;
}

#endif /* lib/uft-key.h */
