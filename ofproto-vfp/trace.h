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

#ifndef OFPROTO_VFP_TRACE_H
#define OFPROTO_VFP_TRACE_H 1

/* "vfp/trace": what VFP does to a packet, layer by layer, without side
 * effects.  trace.c gives the translator (xlate.h) hooks that record each
 * step as JSON; the translator never calls trace.c. */

struct flow;
struct json;
struct vfp_backer;

void vfp_trace_unixctl_init(void);
struct json *vfp_trace_composites(const struct vfp_backer *,
                                  const struct flow *);

#endif /* ofproto-vfp/trace.h */
