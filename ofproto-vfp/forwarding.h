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

#ifndef OFPROTO_VFP_FORWARDING_H
#define OFPROTO_VFP_FORWARDING_H 1

/* VFP's forwarding (VFP section 7.1), as one immutable snapshot per datapath.
 *
 * VFP switches by destination MAC only: a VM port is known by the MAC of the
 * VM behind it (Interface external_ids:attached-mac, else the device's own
 * MAC), there is no learning, unknown unicast goes to the uplink (the
 * Interface with other_config:vfp-uplink=true), and broadcast and multicast
 * go to every port of the bridge but the one they came in on.
 *
 * A 'struct vfp_fwd' describes every VFP bridge on one datapath: which
 * datapath port belongs to which bridge, with which MAC and role.  The main
 * thread builds a new snapshot whenever a port or its configuration changes
 * and publishes it with RCU; PMD and handler threads read the snapshot that
 * was current when their upcall started and never lock.  A snapshot is never
 * modified after it is published.
 *
 * Each bridge in a snapshot carries a generation number.  A unified flow
 * records the generation it was computed under, and the revalidator removes
 * it once its bridge's generation moved on (see revalidator.c). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/hmap.h"
#include "openvswitch/types.h"
#include "packets.h"

struct flow;
struct flow_wildcards;
struct netdev;
struct vfp_port;

struct vfp_fwd_bridge {
    char *name;
    uint64_t generation;        /* Bumped on every forwarding change. */
    struct hmap macs;           /* Contains "struct vfp_fwd_port"s. */
    odp_port_t uplink;          /* ODPP_NONE if the bridge has none. */
    odp_port_t tunnel;          /* A tunnel port, or ODPP_NONE. */
    const struct netdev *tunnel_netdev;  /* Its device, or NULL. */
    /* The tunnel endpoint: this host's underlay address, the only one it
     * decapsulates packets for (upcall.c).  'tnl_ip' zero: none configured,
     * nothing is decapsulated. */
    ovs_be32 tnl_ip;
    struct eth_addr tnl_mac;
    odp_port_t *ports;          /* Every port but tunnels, in the order
                                 * added: the flood list. */
    size_t n_ports;
};

struct vfp_fwd_port {
    struct hmap_node odp_node;  /* In vfp_fwd's 'ports', by 'odp_port'. */
    struct hmap_node mac_node;  /* In vfp_fwd_bridge's 'macs', by 'mac'. */
    odp_port_t odp_port;
    struct eth_addr mac;
    bool uplink;
    bool tunnel;                /* Packets from it come from the uplink. */
    const struct vfp_fwd_bridge *bridge;
    const struct vfp_port *vfp_port;   /* Its layers. */
};

struct vfp_fwd {
    bool userspace;             /* The userspace datapath (dpif-netdev)? */
    struct hmap ports;          /* Contains "struct vfp_fwd_port"s. */
    struct vfp_fwd_bridge **bridges;
    size_t n_bridges, allocated_bridges;
};

/* Building (main thread, before publication). */
struct vfp_fwd *vfp_fwd_create(void);
struct vfp_fwd_bridge *vfp_fwd_add_bridge(struct vfp_fwd *, const char *name,
                                          uint64_t generation);
void vfp_fwd_add_port(struct vfp_fwd *, struct vfp_fwd_bridge *,
                      odp_port_t, const struct eth_addr *mac, bool uplink,
                      const struct netdev *tunnel, const struct vfp_port *);
void vfp_fwd_destroy(struct vfp_fwd *);

/* Lookups (any thread, on a published snapshot). */
const struct vfp_fwd_port *vfp_fwd_find_port(const struct vfp_fwd *,
                                             odp_port_t);
const struct vfp_fwd_bridge *vfp_fwd_find_bridge(const struct vfp_fwd *,
                                                 const char *name);

/* The forwarding decision for a packet with headers 'flow' that entered
 * 'bridge' on 'in_port' (ODPP_NONE for a packet from the controller; a
 * packet decapsulated by a tunnel port counts as from the uplink): stores
 * the output ports in 'out', which has room for the bridge's 'n_ports', and
 * returns their number (0 to drop). */
size_t vfp_fwd_decide(const struct vfp_fwd_bridge *, odp_port_t in_port,
                      const struct flow *, odp_port_t out[]);

/* The tunnel endpoint (upcall.c decides with these).
 *
 * vfp_fwd_for_endpoint(): is 'flow', an outer packet as it arrived, a
 * tunnel packet for 'bridge''s endpoint, of its tunnel port's protocol?
 * Untagged, to the endpoint's MAC, IPv4 to the endpoint's IP, not a
 * fragment, and UDP to the VXLAN port's UDP port or GRE.  Adds to 'wc', if
 * nonnull, every field it read.
 *
 * vfp_fwd_tnl_accept(): may 'flow', which tunnel port 'in_port'
 * decapsulated, enter the bridge?  Only from the bridge's tunnel port, if
 * its outer destination was the endpoint's IP and it carried Ethernet (for
 * GRE: with a key, NVGRE). */
bool vfp_fwd_for_endpoint(const struct vfp_fwd_bridge *, const struct flow *,
                          struct flow_wildcards *);
bool vfp_fwd_tnl_accept(const struct vfp_fwd_bridge *, odp_port_t in_port,
                        const struct flow *);

#endif /* ofproto-vfp/forwarding.h */
