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

#ifndef OFPROTO_VFP_FRAGMENTS_H
#define OFPROTO_VFP_FRAGMENTS_H 1

/* IP fragments (IPv4 and IPv6).
 *
 * Only the first fragment of a datagram has its L4 header, so no layer can
 * judge a fragment alone: a "tiny" first fragment (RFC 1858) hides its
 * ports, an overlapping one (RFC 3128) rewrites them after the verdict, and
 * a later fragment has none to translate.  So a fragment never gets a
 * unified flow.  Every fragment misses, is copied here and dropped from the
 * datapath's point of view.  When all fragments of a datagram are in, and
 * the datagram is sane (no overlap, the first fragment holds the whole L4
 * header, at most 65535 bytes), the reassembled datagram is compiled as one
 * packet by vfp_xlate_compile() (it creates the connection and the layer
 * flows, and counts), and the actions it gets are applied to every fragment
 * (L4 rewrites to the first only), which is then sent on by the datapath.
 * A fragment is never delivered unless its whole datagram was allowed.
 *
 * Threads: vfp_frags_receive() runs in the thread that missed (a PMD or the
 * main thread for the userspace datapath, a handler for the kernel's).  The
 * kernel handler sends a finished datagram's fragments itself; the
 * userspace datapath cannot execute packets from inside its upcall
 * callback, so they are queued and vfp_frags_run() sends them from the
 * main thread.  vfp_frags_run() also expires incomplete datagrams.
 *
 * Limits, per datapath: VFP_FRAG_MAX_DATAGRAMS incomplete datagrams,
 * VFP_FRAG_MAX_FRAGS fragments each, VFP_FRAG_MAX_BYTES of fragments in
 * all (their struct dp_packet included); an incomplete datagram is freed
 * VFP_FRAG_TIMEOUT ms after its first fragment.  What is dropped is
 * counted (vfp_frags_to_json()). */

#include <stdbool.h>

struct dp_packet;
struct flow;
struct json;
struct vfp_backer;

#define VFP_FRAG_TIMEOUT 5000               /* ms. */
#define VFP_FRAG_MAX_DATAGRAMS 1024
#define VFP_FRAG_MAX_FRAGS 64
#define VFP_FRAG_MAX_BYTES (4 * 1024 * 1024)

struct vfp_frags *vfp_frags_create(bool userspace);
void vfp_frags_destroy(struct vfp_frags *);

void vfp_frags_receive(struct vfp_backer *, const struct dp_packet *,
                       const struct flow *);

void vfp_frags_run(struct vfp_backer *);
void vfp_frags_wait(struct vfp_backer *);

struct json *vfp_frags_to_json(struct vfp_frags *);

#endif /* ofproto-vfp/fragments.h */
