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

#ifndef VFP_POLICY_JSON_H
#define VFP_POLICY_JSON_H 1

/* JSON renderings of a port's policy and counters, as the vfp/dump-rules,
 * vfp/list-layers and vfp/stats commands print them (vfp-ctl(8)).
 *
 * Threads: the main thread, or any thread in an RCU read section (the
 * policy is read as published). */

#include <stdbool.h>

struct json;
struct vfp_conditions;
struct vfp_counter;
struct vfp_group;
struct vfp_layer;
struct vfp_port;
struct vfp_rule;

struct json *vfp_conditions_to_json(const struct vfp_conditions *);
struct json *vfp_group_type_to_json(const struct vfp_group *);
struct json *vfp_counter_to_json(const struct vfp_counter *);
struct json *vfp_rule_to_json(const struct vfp_rule *);
struct json *vfp_group_to_json(const struct vfp_group *, bool with_rules);
struct json *vfp_layer_to_json(const struct vfp_layer *, bool with_rules);
struct json *vfp_port_policy_to_json(const struct vfp_port *,
                                     const char *port_name,
                                     const char *layer, bool with_rules);
struct json *vfp_port_stats_to_json(const struct vfp_port *,
                                    const char *port_name);

#endif /* vfp/policy-json.h */
