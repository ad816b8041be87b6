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

#ifndef VFP_POLICY_H
#define VFP_POLICY_H 1

/* Changes to the policy of a port (its layers, groups and rules) that need
 * more than one object: a rule bound to its port's count() counter as it
 * goes into a group, and a group rebuilt whole from text (replace-group).
 *
 * Each function checks everything before it changes anything: on error,
 * the port is as it was.  Handlers see a change as soon as it is
 * published; making it take effect for the unified flows already made
 * (bumping the port's generation, waiting for a grace period, revalidating)
 * is the caller's job, as is destroying what a change removed after that.
 *
 * Threads: main thread only. */

#include <stddef.h>
#include "compiler.h"

struct vfp_group;
struct vfp_port;
struct vfp_rule;

char *vfp_policy_add_rule(struct vfp_port *, struct vfp_group *,
                          struct vfp_rule *)
    OVS_WARN_UNUSED_RESULT;
char *vfp_policy_build_group(struct vfp_port *, const struct vfp_group *old,
                             const char *text, struct vfp_group **newp)
    OVS_WARN_UNUSED_RESULT;

#endif /* vfp/policy.h */
