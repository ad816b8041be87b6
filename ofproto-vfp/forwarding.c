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
#include "ofproto-vfp/forwarding.h"

#include "flow.h"
#include "hash.h"
#include "netdev.h"
#include "odp-util.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(vfp_forwarding);

struct vfp_fwd *
vfp_fwd_create(void)
{
    struct vfp_fwd *fwd = xzalloc(sizeof *fwd);

    hmap_init(&fwd->ports);
    return fwd;
}

struct vfp_fwd_bridge *
vfp_fwd_add_bridge(struct vfp_fwd *fwd, const char *name, uint64_t generation)
{
    struct vfp_fwd_bridge *bridge = xzalloc(sizeof *bridge);

    bridge->name = xstrdup(name);
    bridge->generation = generation;
    hmap_init(&bridge->macs);
    bridge->uplink = ODPP_NONE;
    bridge->tunnel = ODPP_NONE;

    if (fwd->n_bridges >= fwd->allocated_bridges) {
        fwd->bridges = x2nrealloc(fwd->bridges, &fwd->allocated_bridges,
                                  sizeof *fwd->bridges);
    }
    fwd->bridges[fwd->n_bridges++] = bridge;
    return bridge;
}

static const struct vfp_fwd_port *
find_mac(const struct vfp_fwd_bridge *bridge, const struct eth_addr mac)
{
    const struct vfp_fwd_port *port;

    HMAP_FOR_EACH_WITH_HASH (port, mac_node, hash_bytes(&mac, sizeof mac, 0),
                             &bridge->macs) {
        if (eth_addr_equals(port->mac, mac)) {
            return port;
        }
    }
    return NULL;
}

/* Adds datapath port 'odp_port' to 'bridge'.  A port without a usable MAC
 * ('mac' null, zero or multicast) still floods and receives floods, but no
 * unicast is addressed to it.  When two ports claim one MAC, the first added
 * keeps it. */
void
vfp_fwd_add_port(struct vfp_fwd *fwd, struct vfp_fwd_bridge *bridge,
                 odp_port_t odp_port, const struct eth_addr *mac, bool uplink,
                 const struct netdev *tunnel, const struct vfp_port *vfp_port)
{
    struct vfp_fwd_port *port = xzalloc(sizeof *port);

    port->vfp_port = vfp_port;
    port->odp_port = odp_port;
    port->uplink = uplink;
    port->tunnel = tunnel != NULL;
    port->bridge = bridge;
    hmap_insert(&fwd->ports, &port->odp_node, hash_odp_port(odp_port));

    if (tunnel) {
        /* Not a destination of its own: the uplink carries what it
         * encapsulates. */
        if (bridge->tunnel == ODPP_NONE) {
            bridge->tunnel = odp_port;
            bridge->tunnel_netdev = tunnel;
        }
        return;
    }

    bridge->ports = xrealloc(bridge->ports,
                             (bridge->n_ports + 1) * sizeof *bridge->ports);
    bridge->ports[bridge->n_ports++] = odp_port;

    if (uplink && bridge->uplink == ODPP_NONE) {
        bridge->uplink = odp_port;
    }

    if (mac && !eth_addr_is_zero(*mac) && !eth_addr_is_multicast(*mac)) {
        port->mac = *mac;
        if (!find_mac(bridge, *mac)) {
            hmap_insert(&bridge->macs, &port->mac_node,
                        hash_bytes(mac, sizeof *mac, 0));
        } else {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
            VLOG_WARN_RL(&rl, "%s: datapath port %"PRIu32" has MAC "
                         ETH_ADDR_FMT" which another port already has; "
                         "unicast goes to the other port", bridge->name,
                         odp_to_u32(odp_port), ETH_ADDR_ARGS(*mac));
        }
    }
}

void
vfp_fwd_destroy(struct vfp_fwd *fwd)
{
    if (!fwd) {
        return;
    }

    struct vfp_fwd_port *port;
    HMAP_FOR_EACH_POP (port, odp_node, &fwd->ports) {
        free(port);
    }
    hmap_destroy(&fwd->ports);

    for (size_t i = 0; i < fwd->n_bridges; i++) {
        struct vfp_fwd_bridge *bridge = fwd->bridges[i];

        hmap_destroy(&bridge->macs);
        free(bridge->ports);
        free(bridge->name);
        free(bridge);
    }
    free(fwd->bridges);
    free(fwd);
}

const struct vfp_fwd_port *
vfp_fwd_find_port(const struct vfp_fwd *fwd, odp_port_t odp_port)
{
    const struct vfp_fwd_port *port;

    HMAP_FOR_EACH_WITH_HASH (port, odp_node, hash_odp_port(odp_port),
                             &fwd->ports) {
        if (port->odp_port == odp_port) {
            return port;
        }
    }
    return NULL;
}

const struct vfp_fwd_bridge *
vfp_fwd_find_bridge(const struct vfp_fwd *fwd, const char *name)
{
    for (size_t i = 0; i < fwd->n_bridges; i++) {
        if (!strcmp(fwd->bridges[i]->name, name)) {
            return fwd->bridges[i];
        }
    }
    return NULL;
}

size_t
vfp_fwd_decide(const struct vfp_fwd_bridge *bridge, odp_port_t in_port,
               const struct flow *flow, odp_port_t out[])
{
    size_t n = 0;

    if (in_port != ODPP_NONE && in_port == bridge->tunnel) {
        in_port = bridge->uplink;
    }
    if (eth_addr_is_multicast(flow->dl_dst)) {
        for (size_t i = 0; i < bridge->n_ports; i++) {
            if (bridge->ports[i] != in_port) {
                out[n++] = bridge->ports[i];
            }
        }
        return n;
    }

    const struct vfp_fwd_port *dst = find_mac(bridge, flow->dl_dst);
    odp_port_t out_port = dst ? dst->odp_port : bridge->uplink;
    if (out_port != ODPP_NONE && out_port != in_port) {
        out[n++] = out_port;
    }
    return n;
}

bool
vfp_fwd_for_endpoint(const struct vfp_fwd_bridge *bridge,
                     const struct flow *flow, struct flow_wildcards *wc)
{
    const struct netdev *tunnel = bridge->tunnel_netdev;

    if (!tunnel || !bridge->tnl_ip) {
        return false;
    }
    if (wc) {
        /* Everything below is read whatever the packet. */
        WC_MASK_FIELD(wc, dl_dst);
        WC_MASK_FIELD(wc, vlans[0].tci);
        WC_MASK_FIELD(wc, dl_type);
    }
    if (!eth_addr_equals(flow->dl_dst, bridge->tnl_mac)
        || flow->vlans[0].tci || flow->dl_type != htons(ETH_TYPE_IP)) {
        return false;
    }
    if (wc) {
        WC_MASK_FIELD(wc, nw_dst);
        WC_MASK_FIELD(wc, nw_frag);
        WC_MASK_FIELD(wc, nw_proto);
    }
    /* A fragment of the outer packet is not decapsulated on its own: the
     * first would lose the rest of the inner frame, later ones have no
     * tunnel header. */
    if (flow->nw_dst != bridge->tnl_ip || flow->nw_frag) {
        return false;
    }
    if (!strcmp(netdev_get_type(tunnel), "vxlan")) {
        if (wc) {
            WC_MASK_FIELD(wc, tp_dst);
        }
        return (flow->nw_proto == IPPROTO_UDP
                && flow->tp_dst == netdev_get_tunnel_config(tunnel)->dst_port);
    }
    return (!strcmp(netdev_get_type(tunnel), "gre")
            && flow->nw_proto == IPPROTO_GRE);
}

bool
vfp_fwd_tnl_accept(const struct vfp_fwd_bridge *bridge, odp_port_t in_port,
                   const struct flow *flow)
{
    const struct netdev *tunnel = bridge->tunnel_netdev;

    if (!tunnel || !bridge->tnl_ip || in_port != bridge->tunnel
        || flow->tunnel.ip_dst != bridge->tnl_ip
        || flow->packet_type != htonl(PT_ETH)) {
        return false;
    }
    /* NVGRE is GRE with a key (the VSID) and an Ethernet payload. */
    return (strcmp(netdev_get_type(tunnel), "gre")
            || flow->tunnel.flags & FLOW_TNL_F_KEY);
}
