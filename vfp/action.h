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

#ifndef VFP_ACTION_H
#define VFP_ACTION_H 1

/* Rule actions (VFP sections 5.3.2-5.3.3): each is an HT, or an HT plus an
 * action context.
 *
 * An action is a comma-separated list of operations, applied in order and
 * composed into one HT.  A list of header operations is how a user defines
 * an HT of their own.
 *
 *   allow                        pass unchanged
 *   block                        drop
 *   set(FIELD=VALUE[,...])       modify: src-mac dst-mac src-ip dst-ip
 *                                src-port dst-port
 *   nat(KEY=VALUE[,...])         rewrite addresses: src-ip src-port dst-ip
 *                                dst-port; dst-ip may list several
 *                                addresses, "10.0.0.5|10.0.0.6", one chosen
 *                                per connection by flow hash;
 *                                src-port=range:NAME takes a port from the
 *                                port's range resource NAME per connection
 *                                (Ananta SNAT; stateful rules only)
 *   push-vlan(VID[,pcp=PCP])     push an 802.1Q tag
 *   pop-vlan                     pop the outer tag
 *   encap(TYPE,key=N,src-ip=A,dst-ip=B,src-mac=M,dst-mac=M)
 *                                push an outer header: TYPE vxlan, or
 *                                nvgre (= gre: GRE with a key, carrying
 *                                Ethernet); outer IPv4 addresses and MACs;
 *                                with map=NAME, the key, dst-ip and dst-mac
 *                                that the port's map resource NAME gives for
 *                                the packet's destination IP override those
 *                                given (VNET CA -> PA)
 *   decap                        pop the outer header
 *   count(NAME)                  count the packets in NAME (context only)
 *
 * Parsed actions are immutable and may be read from any thread. */

#include <stdbool.h>
#include <stddef.h>
#include "compiler.h"
#include "vfp/ht.h"
#include "vfp/resource.h"

struct vfp_conns;
struct vfp_resource;
struct vfp_resources;

struct ds;
struct flow;

enum vfp_op_type {
    VFP_OP_HT,                  /* A fixed HT: allow, block, set, vlan. */
    VFP_OP_NAT_DST,             /* Destination chosen per connection. */
    VFP_OP_NAT_SRC_RANGE,       /* Source port from a range resource. */
    VFP_OP_ENCAP_MAP,           /* Encap completed from a map resource. */
};

/* Encap parameters given in an encap(...,map=NAME). */
enum {
    VFP_ENCAP_HAVE_KEY = 1 << 0,
    VFP_ENCAP_HAVE_DST_IP = 1 << 1,
    VFP_ENCAP_HAVE_DST_MAC = 1 << 2,
};

struct vfp_nat_dst {
    bool ipv6;
    ovs_be32 ip4;
    struct in6_addr ip6;
};

struct vfp_op {
    enum vfp_op_type type;
    struct vfp_ht ht;                   /* VFP_OP_HT. */
    struct vfp_nat_dst *dsts;           /* VFP_OP_NAT_DST. */
    size_t n_dsts;
    char *resource;                     /* VFP_OP_NAT_SRC_RANGE,
                                         * VFP_OP_ENCAP_MAP. */
    int encap_have;                     /* VFP_OP_ENCAP_MAP. */
};

struct vfp_action {
    struct vfp_op *ops;
    size_t n_ops;
    char *counter;              /* count(NAME), or NULL. */
    char *string;               /* As given, without blanks. */
};

char *vfp_action_parse(const char *, struct vfp_action *)
    OVS_WARN_UNUSED_RESULT;
void vfp_action_destroy(struct vfp_action *);
bool vfp_action_uses_resource(const struct vfp_action *, const char *name,
                              enum vfp_op_type *);

/* What an action may use, and what it reports, beyond the packet: the
 * caller (the engine, vfp/engine.c) fills it in from the port, so that
 * actions need no port of their own. */
struct vfp_action_env {
    const struct vfp_resources *resources;  /* The port's (may be null). */
    struct vfp_conns *conns;            /* The port's connections: the
                                         * layer ends a closed one that a
                                         * new SYN reuses. */
    const char *port_name;              /* For events. */
    bool commit;                        /* Take ports, raise events (the
                                         * slow path), or only tell what
                                         * would be (trace). */
    void (*raise_event)(const char *port, const char *type,
                        const char *resource, const char *detail);
                                        /* The event sink, if 'commit'. */

    /* Out. */
    struct vfp_snat_lease lease;        /* The SNAT port taken, if any. */
    bool miss;                          /* A resource lookup missed. */
};

void vfp_action_to_ht(const struct vfp_action *, const struct flow *,
                      struct vfp_action_env *, struct vfp_ht *);

#endif /* vfp/action.h */
