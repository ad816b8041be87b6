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

#ifndef OFPROTO_VFP_UPCALL_H
#define OFPROTO_VFP_UPCALL_H 1

/* Datapath misses: the slow path of a packet that the datapath has no flow
 * for.  The userspace datapath calls back from the PMD thread that missed;
 * the kernel datapath queues misses to handler threads that this module
 * runs.  Either way, the miss goes through the translator (xlate.h), its
 * result becomes the connection's UF (recorded in the backer's UF table,
 * installed in the datapath) and its pair (pairing.h).
 * vfp_upcall_packet_out() is the same slow path for a packet that no miss
 * brought.  Fragments go to reassembly (fragments.h). */

#include <stdbool.h>

struct dp_packet;
struct flow;
struct ofpbuf;
struct vfp_backer;

void vfp_upcall_start(struct vfp_backer *);
bool vfp_upcall_packet_out(struct vfp_backer *, const struct flow *,
                           const struct dp_packet *,
                           struct ofpbuf *odp_actions);
void vfp_upcall_stop(struct vfp_backer *);

#endif /* ofproto-vfp/upcall.h */
