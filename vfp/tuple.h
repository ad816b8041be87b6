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


#ifndef VFP_TUPLE_H
#define VFP_TUPLE_H 1

/* The 5-tuple of a connection as one layer (or one port) sees it: the key
 * of layer flows and connections (VFP section 5.2, section 6.4).
 *
 * IPv4 addresses are stored IPv4-mapped, so one key covers both families.
 * For ICMP and ICMPv6 the "ports" are the type and code, as in struct
 * flow; reversing a tuple turns an echo request into its reply.  Other IP
 * protocols have zero ports. */

#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/types.h"
#include "packets.h"

struct ds;
struct flow;

struct vfp_tuple {
    struct in6_addr src, dst;
    ovs_be16 src_port, dst_port;
    uint8_t proto;
    bool ipv6;
};

bool vfp_tuple_from_flow(const struct flow *, struct vfp_tuple *);
void vfp_tuple_reverse(const struct vfp_tuple *, struct vfp_tuple *);
bool vfp_tuple_equals(const struct vfp_tuple *, const struct vfp_tuple *);
uint32_t vfp_tuple_hash(const struct vfp_tuple *, uint32_t basis);
void vfp_tuple_format(const struct vfp_tuple *, struct ds *);

#endif /* vfp/tuple.h */
