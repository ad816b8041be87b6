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

#ifndef OFPROTO_VFP_PAIRING_H
#define OFPROTO_VFP_PAIRING_H 1

/* UF pairing (VFP section 6.4.1): a new inbound UF of a connection creates
 * its outbound pair at once, so that the VM's answer stays in the datapath.
 * The answer is the packet as the inbound layers delivered it, reversed;
 * simulated through the VM port's outbound layers (they find the layer
 * flows the inbound packet made), it becomes a UF like any other.  An
 * outbound UF made first pairs with the inbound one when that appears.
 *
 * The simulation has no side effects (no SNAT port, layer flow,
 * connection, event or count): if the answer would need state that does
 * not exist yet (a stateful outbound rule without its layer flows, an SNAT
 * port, a mapping), no pair is installed and the real answer makes the
 * state in the slow path.
 *
 * Only untagged TCP and UDP over IPv4: the answer of other protocols
 * differs in more than its addresses and ports, and a VM that tags its own
 * frames is rare enough not to guess its tags.
 *
 * vfp_pair_uf() runs where the UF it pairs was made: in the thread that
 * missed (upcall.c).  It translates with the translator (xlate.h) and
 * installs with dpif_flow_put(). */

struct vfp_backer;
struct vfp_fwd;
struct vfp_uf_info;

void vfp_pair_uf(struct vfp_backer *, const struct vfp_fwd *,
                 const struct vfp_uf_info *, unsigned pmd_id);

#endif /* ofproto-vfp/pairing.h */
