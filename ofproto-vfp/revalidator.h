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

#ifndef OFPROTO_VFP_REVALIDATOR_H
#define OFPROTO_VFP_REVALIDATOR_H 1

/* The revalidator: in the main thread, keeps the datapath's flows and the
 * backer's UF table in step (statistics, idle expiry, removal of UFs that
 * a forwarding or policy change made stale).  See revalidator.c. */

struct vfp_backer;

void vfp_revalidate(struct vfp_backer *);
void vfp_revalidate_port(struct vfp_backer *, odp_port_t);
void vfp_revalidate_run(struct vfp_backer *);
void vfp_revalidate_wait(const struct vfp_backer *);

#endif /* ofproto-vfp/revalidator.h */
