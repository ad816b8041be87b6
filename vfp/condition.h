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

#ifndef VFP_CONDITION_H
#define VFP_CONDITION_H 1

/* Conditions (VFP section 5.3.1): what a rule or a group matches.
 *
 * A condition is a header field and a list of values; a packet meets it if
 * its field equals any of the values (OR).  A rule's or group's conditions
 * are AND-ed.  Values are a singleton ("80"), a range ("8000-8080",
 * "10.0.0.1-10.0.0.9") or a prefix ("10.0.0.0/8", "fd00::/16").
 *
 *   type        field                         values
 *   src-mac     Ethernet source               MAC
 *   dst-mac     Ethernet destination          MAC
 *   eth-type    Ethertype                     number or range (0x0800)
 *   vlan        VLAN ID of the outer tag      number or range (0: untagged,
 *                                             or a priority tag)
 *   src-ip      IPv4 or IPv6 source           address, range (IPv4), prefix
 *   dst-ip      IPv4 or IPv6 destination      address, range (IPv4), prefix
 *   proto       IP protocol                   number, range, or a name:
 *                                             tcp udp sctp icmp icmpv6 gre
 *   src-port    TCP/UDP/SCTP source port      number or range
 *   dst-port    TCP/UDP/SCTP destination port number or range
 *   icmp-type   ICMP or ICMPv6 type           number or range
 *   icmp-code   ICMP or ICMPv6 code           number or range
 *   tun-id      tunnel key (VNI, GRE key)     number or range
 *   tun-src     outer IPv4 or IPv6 source     address, range (IPv4), prefix
 *   tun-dst     outer IPv4 or IPv6 destination  likewise
 *
 * Conditions imply their prerequisites: an address matches only packets of
 * its IP version, ports only TCP, UDP and SCTP, ICMP type and code only
 * ICMP (IPv4) and ICMPv6 (IPv6).
 *
 * Conditions are immutable once parsed and may be read from any thread. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include "compiler.h"
#include "openvswitch/types.h"
#include "packets.h"

struct ds;
struct flow;
struct match;

enum vfp_field {
    VFP_FIELD_SRC_MAC,
    VFP_FIELD_DST_MAC,
    VFP_FIELD_ETH_TYPE,
    VFP_FIELD_VLAN,
    VFP_FIELD_SRC_IP,
    VFP_FIELD_DST_IP,
    VFP_FIELD_PROTO,
    VFP_FIELD_SRC_PORT,
    VFP_FIELD_DST_PORT,
    VFP_FIELD_ICMP_TYPE,
    VFP_FIELD_ICMP_CODE,
    VFP_FIELD_TUN_ID,
    VFP_FIELD_TUN_SRC,
    VFP_FIELD_TUN_DST,
    VFP_N_FIELDS
};

const char *vfp_field_name(enum vfp_field);
bool vfp_field_from_name(const char *, enum vfp_field *);
bool vfp_field_is_ip(enum vfp_field);

enum vfp_value_form { VFP_VALUE_SINGLE, VFP_VALUE_RANGE, VFP_VALUE_PREFIX };

/* One value of a condition.  Integer fields and IPv4 addresses are held as
 * the inclusive range [lo, hi] in host byte order, whatever 'form' they were
 * written in; MACs in 'mac'; IPv6 addresses as 'ip6' and prefix 'plen'. */
struct vfp_value {
    enum vfp_value_form form;
    bool ipv6;
    uint64_t lo, hi;
    struct in6_addr ip6;
    unsigned int plen;          /* VFP_VALUE_PREFIX only. */
    struct eth_addr mac;
};

struct vfp_condition {
    enum vfp_field field;
    struct vfp_value *values;
    size_t n_values;
};

/* The conditions of one rule or group, AND-ed, sorted by field, at most one
 * per field. */
struct vfp_conditions {
    struct vfp_condition *conds;
    size_t n;
};

char *vfp_conditions_parse(const char *, struct vfp_conditions *)
    OVS_WARN_UNUSED_RESULT;
void vfp_conditions_destroy(struct vfp_conditions *);
void vfp_conditions_clone(struct vfp_conditions *,
                          const struct vfp_conditions *);
void vfp_conditions_format(const struct vfp_conditions *, struct ds *);
const struct vfp_condition *vfp_conditions_find(const struct vfp_conditions *,
                                                enum vfp_field);

/* Reference semantics, one condition at a time. */
bool vfp_conditions_match(const struct vfp_conditions *, const struct flow *);

/* Compiles 'conds' into OVS matches whose union is the set of packets that
 * meet them, for a classifier: ranges become prefixes, OR-ed values and
 * prerequisites become separate matches.  Calls 'cb' once per match.
 * Returns the number of matches. */
size_t vfp_conditions_to_matches(const struct vfp_conditions *,
                                 void (*cb)(const struct match *, void *aux),
                                 void *aux);

/* Prefix length of the value 'flow' matched in condition 'cond' on an IP
 * field (for LPM groups): the longest prefix among the values that contain
 * the packet's address, or -1 if none. */
int vfp_condition_match_plen(const struct vfp_condition *,
                             const struct flow *);

#endif /* vfp/condition.h */
