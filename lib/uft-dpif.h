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

#ifndef LIB_UFT_DPIF_H
#define LIB_UFT_DPIF_H 1

/* A unified flow table (uft.h) as the flow cache of a userspace datapath.
 *
 * uft_dpif_attach() gives a dpif-netdev datapath a UFT through dpif-netdev's
 * flow cache hook (dpif-netdev-flow-cache.h).  From then on:
 *
 *   - every new datapath flow of the UFT's shape (uft-key.h) whose actions
 *     the fast path may execute without a flow (output, header rewrites,
 *     VLAN and Ethernet push and pop, tunnel push and pop, meters, drop) is
 *     an entry of the table, not a dp_netdev_flow; others stay
 *     dpif-netdev's, as do flows that find the table full;
 *
 *   - received packets are looked up in the table first, in batches;
 *
 *   - a tunnel pop flow (uft-key.h) is an entry too, found by what the
 *     uplink receives for the tunnel endpoint; for the VXLAN and GRE ports
 *     that uft_dpif_set_tunnel_ports() names, the lookup pops such a
 *     packet and finds its inner flow in the same pass (uft-decap.h);
 *
 *   - the entries appear in dpif flow dumps, gets and deletes as datapath
 *     flows of layer "uft" (dpctl/dump-flows -m shows "dp:uft").
 *
 * One table serves every thread of the datapath (docs/design.md says why).
 *
 * Thread safety: attach, detach and uft_dpif_set_tunnel_ports() from the
 * main thread; the rest from any thread. */

#include <stddef.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct dpif;
struct uft;
struct uft_dpif;

/* Entries a table has unless configured otherwise: a million connections,
 * two directions each. */
#define UFT_DPIF_DEFAULT_CAPACITY (2 * 1000 * 1000)

int uft_dpif_attach(struct dpif *, uint32_t capacity, struct uft_dpif **);
void uft_dpif_detach(struct uft_dpif *);
const struct uft *uft_dpif_table(const struct uft_dpif *);
const struct uft_offload *uft_dpif_offload(const struct uft_dpif *);

/* The most VXLAN ports, and the most GRE ports, whose packets the lookup
 * pops itself; those of others take two passes. */
#define UFT_DPIF_MAX_TUNNEL_PORTS 8

void uft_dpif_set_tunnel_ports(struct uft_dpif *,
                               const odp_port_t vxlan[], size_t n_vxlan,
                               const odp_port_t gre[], size_t n_gre);

#endif /* lib/uft-dpif.h */
