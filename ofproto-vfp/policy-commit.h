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

#ifndef OFPROTO_VFP_POLICY_COMMIT_H
#define OFPROTO_VFP_POLICY_COMMIT_H 1

/* Making a change to a port's policy take effect (VFP section 6.3): the
 * port's generation is bumped, handlers still using the old policy are
 * waited for, and the revalidator removes the unified flows made under the
 * old generation (UFs that did not go through the port are untouched);
 * then what the change removed is destroyed.  vfp_policy_commit() itself is
 * declared in ofproto-vfp.h.
 *
 * Threads: main thread only. */

#include "compiler.h"

struct vfp_group;
struct vfp_layer;
struct vfp_ofport;
struct vfp_port;
struct vfp_rule;

void vfp_policy_commit(struct vfp_ofport *);
void vfp_policy_changed(struct vfp_ofport *, struct vfp_layer *dead_layer,
                        struct vfp_group *dead_group,
                        struct vfp_rule *dead_rule);
void vfp_policy_replace(struct vfp_ofport *, struct vfp_port *staging);
char *vfp_policy_replace_group(struct vfp_ofport *, struct vfp_layer *,
                               struct vfp_group *old, const char *text)
    OVS_WARN_UNUSED_RESULT;

#endif /* ofproto-vfp/policy-commit.h */
