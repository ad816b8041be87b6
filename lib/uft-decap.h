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

#ifndef LIB_UFT_DECAP_H
#define LIB_UFT_DECAP_H 1

/* Single-pass decapsulation for the unified flow table.
 *
 * Without it, a packet that the uplink receives for the host's VXLAN or
 * NVGRE endpoint takes two datapath passes: the first matches the tunnel pop
 * flow, whose action pops the outer headers (netdev_pop_header()) and
 * recirculates; the second looks the inner packet up with the tunnel
 * metadata.  With it, the table's provider finds the pop flow's entry
 * (uft_key_pop_from_packet()), pops the packet itself and looks up the
 * inner packet in the same pass.
 *
 * uft_decap_vxlan() accepts only what netdev_vxlan_pop_header() accepts,
 * or less (it trusts the checksums that the NIC verified, as that pop
 * does), and leaves the packet and its metadata exactly as that pop and
 * the recirculation would: the inner frame, the outer header's fields in
 * the tunnel metadata, in_port the tunnel port.  Whatever it refuses (bad
 * checksums, IP options, VXLAN flags other than "VNI present", VXLAN-GPE,
 * a truncated header) takes the two passes, whose pop then decides, so no
 * verdict depends on this code.  uft_decap_gre() does the same for
 * netdev_gre_pop_header() and NVGRE's GRE only: a key, no checksum, no
 * sequence number, version 0, Ethernet inside; other GRE takes the two
 * passes.  uft_decap_undo() puts the outer headers back, for a packet
 * whose inner lookup missed.
 *
 * Thread safety: pure functions, callable from any thread. */

#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct dp_packet;

/* The outer headers that uft_decap_vxlan() removes: Ethernet, IPv4 without
 * options, UDP and VXLAN; and uft_decap_gre(): Ethernet, IPv4 without
 * options, GRE with a key. */
#define UFT_DECAP_VXLAN_LEN 50
#define UFT_DECAP_GRE_LEN 42

/* What uft_decap_undo() restores besides the headers: the offload flags
 * (checksums the NIC verified, the RSS hash) of the packet as it was, and
 * how many bytes were popped. */
struct uft_decap_state {
    uint64_t ol_flags;
    uint32_t rss_hash;
    uint32_t len;
};

bool uft_decap_vxlan(struct dp_packet *, odp_port_t in_port,
                     odp_port_t tnl_port, struct uft_decap_state *);
bool uft_decap_gre(struct dp_packet *, odp_port_t in_port,
                   odp_port_t tnl_port, struct uft_decap_state *);
void uft_decap_undo(struct dp_packet *, const struct uft_decap_state *);

#endif /* lib/uft-decap.h */
