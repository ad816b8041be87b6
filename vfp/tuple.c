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
#include "vfp/tuple.h"

#include <string.h>

#include "flow.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"

/* Extracts the tuple of 'flow' into 't'.  Returns false if 'flow' is not an
 * IP packet, or a later fragment (which has no ports). */
bool
vfp_tuple_from_flow(const struct flow *flow, struct vfp_tuple *t)
{
    memset(t, 0, sizeof *t);
    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        in6_addr_set_mapped_ipv4(&t->src, flow->nw_src);
        in6_addr_set_mapped_ipv4(&t->dst, flow->nw_dst);
    } else if (flow->dl_type == htons(ETH_TYPE_IPV6)) {
        t->src = flow->ipv6_src;
        t->dst = flow->ipv6_dst;
        t->ipv6 = true;
    } else {
        return false;
    }
    if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
        return false;
    }
    t->proto = flow->nw_proto;
    if (t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP
        || t->proto == IPPROTO_SCTP || t->proto == IPPROTO_ICMP
        || t->proto == IPPROTO_ICMPV6) {
        t->src_port = flow->tp_src;
        t->dst_port = flow->tp_dst;
    }
    return true;
}

/* The ICMP type that answers 'type', or 'type' itself. */
static ovs_be16
icmp_reverse_type(uint8_t proto, ovs_be16 type)
{
    static const uint8_t pairs[][3] = {
        /* proto, request, reply */
        { IPPROTO_ICMP, ICMP4_ECHO_REQUEST, ICMP4_ECHO_REPLY },
        { IPPROTO_ICMP, 13, 14 },                   /* Timestamp. */
        { IPPROTO_ICMPV6, ICMP6_ECHO_REQUEST, ICMP6_ECHO_REPLY },
    };

    for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
        if (pairs[i][0] == proto) {
            if (type == htons(pairs[i][1])) {
                return htons(pairs[i][2]);
            } else if (type == htons(pairs[i][2])) {
                return htons(pairs[i][1]);
            }
        }
    }
    return type;
}

/* The tuple of the packets that answer those of 'in'. */
void
vfp_tuple_reverse(const struct vfp_tuple *in, struct vfp_tuple *out)
{
    struct vfp_tuple t = *in;

    t.src = in->dst;
    t.dst = in->src;
    if (in->proto == IPPROTO_ICMP || in->proto == IPPROTO_ICMPV6) {
        t.src_port = icmp_reverse_type(in->proto, in->src_port);
    } else {
        t.src_port = in->dst_port;
        t.dst_port = in->src_port;
    }
    *out = t;
}

bool
vfp_tuple_equals(const struct vfp_tuple *a, const struct vfp_tuple *b)
{
    return (ipv6_addr_equals(&a->src, &b->src)
            && ipv6_addr_equals(&a->dst, &b->dst)
            && a->src_port == b->src_port && a->dst_port == b->dst_port
            && a->proto == b->proto && a->ipv6 == b->ipv6);
}

uint32_t
vfp_tuple_hash(const struct vfp_tuple *t, uint32_t basis)
{
    uint32_t hash = hash_bytes(&t->src, 2 * sizeof t->src, basis);

    return hash_add(hash, ((uint32_t) t->src_port << 16 | t->dst_port)
                          ^ (t->proto << 1 | t->ipv6));
}

static void
format_addr(const struct vfp_tuple *t, const struct in6_addr *a,
            struct ds *s)
{
    if (t->ipv6) {
        ipv6_format_addr(a, s);
    } else {
        ds_put_format(s, IP_FMT, IP_ARGS(in6_addr_get_mapped_ipv4(a)));
    }
}

/* "tcp 10.0.0.1:1000 -> 10.0.0.2:80" (ICMP: "type=8,code=0"). */
void
vfp_tuple_format(const struct vfp_tuple *t, struct ds *s)
{
    bool icmp = t->proto == IPPROTO_ICMP || t->proto == IPPROTO_ICMPV6;
    bool ports = (t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP
                  || t->proto == IPPROTO_SCTP);

    switch (t->proto) {
    case IPPROTO_TCP: ds_put_cstr(s, t->ipv6 ? "tcp6 " : "tcp "); break;
    case IPPROTO_UDP: ds_put_cstr(s, t->ipv6 ? "udp6 " : "udp "); break;
    case IPPROTO_SCTP: ds_put_cstr(s, t->ipv6 ? "sctp6 " : "sctp "); break;
    case IPPROTO_ICMP: ds_put_cstr(s, "icmp "); break;
    case IPPROTO_ICMPV6: ds_put_cstr(s, "icmp6 "); break;
    default: ds_put_format(s, "proto=%"PRIu8" ", t->proto); break;
    }
    format_addr(t, &t->src, s);
    if (ports) {
        ds_put_format(s, ":%"PRIu16, ntohs(t->src_port));
    }
    ds_put_cstr(s, " -> ");
    format_addr(t, &t->dst, s);
    if (ports) {
        ds_put_format(s, ":%"PRIu16, ntohs(t->dst_port));
    } else if (icmp) {
        ds_put_format(s, " type=%"PRIu16",code=%"PRIu16,
                      ntohs(t->src_port), ntohs(t->dst_port));
    }
}
