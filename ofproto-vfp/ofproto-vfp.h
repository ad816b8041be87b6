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
 * Threads: every function here runs in the main thread, except the upcall
 * handlers (upcall.c), which read only RCU-published state (the forwarding
 * snapshot, the ports' layers and the groups' classifiers) and write only
 * the UF table and packet counters. */

#include "ofproto-provider.h"
#include "ofproto-vfp/uf.h"
#include "openvswitch/hmap.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "sset.h"
#include "vfp/conn.h"
#include "vfp/group.h"

struct vfp_fwd;
struct vfp_handlers;
struct vfp_port;

extern const struct ofproto_class ofproto_vfp_class;

/* Prefix that makes a datapath type a VFP type. */
#define VFP_TYPE_PREFIX "vfp-"

/* One datapath instance, shared by every VFP bridge of one type. */
struct vfp_backer {
    struct hmap_node node;      /* In 'all_vfp_backers', by 'type'. */
    char *type;                 /* VFP type, e.g. "vfp-netdev". */
    const char *dpif_type;      /* Datapath type, e.g. "netdev". */
    struct dpif *dpif;
    char *dp_version;           /* dpif_get_dp_version(), or NULL. */
    int refcount;               /* Number of bridges using it. */

    struct hmap odp_to_ofport;  /* Contains "struct vfp_ofport"s. */
    OVSRCU_TYPE(struct vfp_fwd *) fwd;

    struct vfp_uf_table ufs;
    struct vfp_handlers *handlers;  /* Kernel datapath only. */
    struct vfp_frags *frags;        /* IP reassembly (fragments.h). */

    /* Revalidation. */
    long long int next_revalidation;
    uint64_t dump_seq;

    /* Upcall counters, updated by handler threads. */
    atomic_uint64_t n_upcalls;  /* Misses turned into a UF. */
    atomic_uint64_t n_upcall_drops;  /* Misses with no UF made. */
};

/* A VFP bridge. */
struct ofproto_vfp {
    struct ofproto up;
    struct hmap_node all_node;  /* In 'all_ofproto_vfps', by name. */
    struct vfp_backer *backer;
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

/* backer.c */
struct vfp_backer *vfp_backer_ref(const char *type);
void vfp_backer_unref(struct vfp_backer *, bool del);
struct vfp_backer *vfp_backer_find(const char *type);
void vfp_backer_fwd_changed(struct vfp_backer *);
const struct vfp_fwd *vfp_backer_fwd(const struct vfp_backer *);
struct vfp_ofport *vfp_backer_find_ofport(const struct vfp_backer *,
                                          odp_port_t);
void vfp_backer_enumerate_types(struct sset *types);
const char *vfp_dpif_type(const char *vfp_type);

/* upcall.c */
struct dp_packet;
struct vfp_fwd_port;
struct vfp_trace;
struct vfp_uf_info;
void vfp_upcall_start(struct vfp_backer *);
bool vfp_upcall_packet_out(struct vfp_backer *, const struct flow *,
                           const struct dp_packet *,
                           struct ofpbuf *odp_actions);
void vfp_upcall_stop(struct vfp_backer *);
void vfp_upcall_compile(const struct vfp_fwd *, const struct vfp_fwd_port *,
                        const struct flow *, const struct dp_packet *,
                        bool simulated, struct ofpbuf *odp_actions,
                        struct vfp_uf_info *, struct vfp_trace *);
bool vfp_upcall_per_packet(const struct vfp_uf_info *, const struct flow *);

/* trace.c: reports of vfp_upcall_compile() for "vfp-ctl trace".  Each
 * function does nothing when 'trace' is null. */
struct vfp_ht;
struct vfp_layer_result;
void vfp_trace_stage(struct vfp_trace *, odp_port_t, enum vfp_dir);
void vfp_trace_layer(const struct vfp_layer_result *, const struct flow *,
                     void *trace);
void vfp_trace_stage_done(struct vfp_trace *, const struct vfp_ht *,
                          bool pass);
void vfp_trace_malformed(struct vfp_trace *, const char *reason);
void vfp_trace_forward(struct vfp_trace *, const odp_port_t *, size_t n);
void vfp_trace_tunnel(struct vfp_trace *, const char *what);
void vfp_trace_unixctl_init(void);
struct json *vfp_trace_composites(const struct vfp_backer *,
                                  const struct flow *);

/* revalidator.c */
void vfp_revalidate(struct vfp_backer *);
void vfp_revalidate_port(struct vfp_backer *, odp_port_t);
void vfp_revalidate_run(struct vfp_backer *);
void vfp_revalidate_wait(const struct vfp_backer *);

/* vfp-unixctl.c */
struct json;
struct unixctl_conn;
void vfp_unixctl_init(void);
char *vfp_no_such(const char *owner_type, const char *owner,
                  const char *type, const char *name);
void vfp_unixctl_reply_error(struct unixctl_conn *, const char *error);
void vfp_unixctl_reply(struct unixctl_conn *, char *error);
void vfp_unixctl_reply_json(struct unixctl_conn *, struct json *);
struct vfp_ofport *vfp_ofport_find(const char *name, char **errorp);

/* policy-unixctl.c */
void vfp_policy_unixctl_init(void);
void vfp_policy_commit(struct vfp_ofport *);

/* resource-unixctl.c */
void vfp_resource_unixctl_init(void);

/* flow-unixctl.c */
struct vfp_conditions;
void vfp_flow_unixctl_init(void);
size_t vfp_flush_connections(struct vfp_ofport *,
                             const struct vfp_conditions *, bool either);

#endif /* ofproto-vfp/ofproto-vfp.h */
