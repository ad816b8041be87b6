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

#ifndef OFPROTO_VFP_OFPROTO_VFP_H
#define OFPROTO_VFP_OFPROTO_VFP_H 1

/* ofproto-vfp: an ofproto provider that forwards with VFP's model.
 *
 * A bridge whose datapath_type is "vfp-T" is a VFP bridge on the datapath
 * type T that ofproto-dpif would use for "T": "vfp-netdev" (userspace
 * datapath: DPDK, AF_PACKET/tap, dummy ports), "vfp-system" (kernel
 * datapath), and "vfp-dummy" when ovs-vswitchd runs with --enable-dummy.
 *
 * All VFP bridges of one type share one datapath instance, the backer,
 * named "vfp-T" and separate from ofproto-dpif's "ovs-T" (ofproto-dpif is
 * told to leave it alone).  The backer handles datapath misses itself: in
 * the PMD thread that missed for the userspace datapath (the dpif upcall
 * callback), in handler threads for the kernel datapath.  Each miss becomes
 * one exact-match datapath flow, a unified flow (uf.h).  The main thread
 * revalidates: statistics, idle expiry, and removal of UFs that a port or
 * configuration change made stale (revalidator.c).
 *
 * OpenFlow keeps working for what is not forwarding: connections, port
 * status and statistics, packet-out.  The flow table is not how a VFP bridge
 * forwards: the rules ovs-vswitchd installs itself (fail-open, in-band, the
 * standalone-mode NORMAL flow) are accepted without effect, and any other
 * flow-mod is refused with OFPFMFC_EPERM and a log line pointing to vfp-ctl.
 *
 * Modules, each with its header (docs/design.md, "ofproto-vfp modules"):
 * the provider (ofproto-vfp.c, this header: the bridges and ports), the
 * backer (backer.h), the translator (xlate.h), miss handling (upcall.h),
 * UF pairing (pairing.h), the revalidator (revalidator.h), fragments
 * (fragments.h), forwarding (forwarding.h), the UF table (uf.h), trace
 * (trace.h) and the unixctl commands (unixctl-util.h).
 *
 * Threads: every function here runs in the main thread, except the upcall
 * handlers (upcall.c), which read only RCU-published state (the forwarding
 * snapshot, the ports' layers and the groups' classifiers) and write only
 * the UF table and packet counters. */

#include "ofproto-provider.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "packets.h"
#include "vfp/conn.h"

struct vfp_backer;
struct vfp_port;

extern const struct ofproto_class ofproto_vfp_class;

/* A VFP bridge. */
struct ofproto_vfp {
    struct ofproto up;
    struct hmap_node all_node;  /* In 'all_ofproto_vfps', by name. */
    struct vfp_backer *backer;
    struct ovs_list backer_node;    /* In 'backer->bridges'. */
    struct shash ports;         /* Our ports: device name -> name of the
                                 * datapath port (they differ for tunnel
                                 * ports, which share one datapath port per
                                 * type and UDP port). */
    uint64_t generation;        /* Forwarding generation: see forwarding.h */
    struct vfp_conn_timeouts timeouts;  /* Bridge other_config:
                                         * vfp-*-timeout (vfp/conn.h). */

    /* The tunnel endpoint (vfp_tunnel_endpoint()), as forwarding uses it
     * (forwarding.h). */
    struct vfp_tnl_endpoint {
        const struct vfp_ofport *port;  /* The tunnel port, or NULL. */
        ovs_be32 ip;                    /* Zero: none. */
        const char *ip_source;          /* Where 'ip' comes from. */
        struct eth_addr mac;
        const char *mac_source;
    } tnl;
    ovs_be32 cfg_tnl_ip;                /* other_config:vfp-tunnel-ip. */
    struct eth_addr cfg_tnl_mac;        /* other_config:vfp-tunnel-mac. */
    char *tnl_ip_cfg, *tnl_mac_cfg;     /* Their values, as last seen. */
};

/* A port of a VFP bridge. */
struct vfp_ofport {
    struct ofport up;
    struct hmap_node odp_node;  /* In backer's 'odp_to_ofport'. */
    odp_port_t odp_port;
    struct eth_addr attached_mac;  /* Zero if not configured. */
    struct eth_addr mac;           /* vfp_ofport_mac() when last checked. */
    bool uplink;                   /* other_config:vfp-uplink=true. */
    bool tunnel;                   /* A tunnel port (VXLAN, GRE...). */
    struct vfp_port *vfp_port;        /* Its layers (vfp/port.h). */
};

static inline struct ofproto_vfp *
ofproto_vfp_cast(const struct ofproto *ofproto)
{
    ovs_assert(ofproto->ofproto_class == &ofproto_vfp_class);
    return CONTAINER_OF(ofproto, struct ofproto_vfp, up);
}

static inline struct vfp_ofport *
vfp_ofport_cast(const struct ofport *ofport)
{
    return ofport ? CONTAINER_OF(ofport, struct vfp_ofport, up) : NULL;
}

struct ofproto_vfp *ofproto_vfp_lookup(const char *name);
const struct hmap *ofproto_vfp_all(void);
struct eth_addr vfp_ofport_mac(const struct vfp_ofport *);
const char *vfp_ofport_role(const struct vfp_ofport *);
void vfp_tunnel_endpoint(const struct ofproto_vfp *,
                         struct vfp_tnl_endpoint *);

#endif /* ofproto-vfp/ofproto-vfp.h */
