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

#ifndef VFP_UFID_H
#define VFP_UFID_H 1

/* The unified flow identifier (VFP section 6.1.1).
 *
 * In the paper a "UFID" is the tuple of every header field a VFP policy can
 * match, parsed from a packet: L2 addresses and type, VLAN, L3 addresses and
 * protocol, L4 ports (ICMP type and code), plus the outer tunnel header of an
 * encapsulated packet.  All packets of one connection in one direction share
 * one UFID, and a unified flow (UF) is installed in the datapath as an exact
 * match on it.
 *
 * This is NOT OVS's "ufid", the 128-bit hash a datapath uses to name a flow
 * entry.  In this tree "UFID" always means the header tuple; the datapath's
 * identifier is called the "datapath ufid" where both appear.
 *
 * Fields that change within a connection are not part of the UFID: IP TTL /
 * hop limit, TOS / traffic class (DSCP and ECN) and TCP flags.  Wildcarding
 * them is what keeps a connection to one UF per direction.
 *
 * Thread safety: pure functions, callable from any thread. */

struct flow;
struct flow_wildcards;

void vfp_ufid_mask(const struct flow *, struct flow_wildcards *);

#endif /* vfp/ufid.h */
