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

#ifndef VFP_LAYER_H
#define VFP_LAYER_H 1

/* Layers (VFP section 5.2): the match-action tables of one port, each owned
 * by one controller or policy (VNET, load balancing, ACLs, metering...).
 *
 * A layer has a priority (lower sits closer to the VM), a default action
 * per direction ("allow" passes the packet unchanged, "block" drops it),
 * and groups.  For a packet in direction D the layer visits its groups of
 * direction D in priority order (then by name); the rule found in the last
 * group that matched is applied, unless a terminating rule matched first,
 * which applies at once.  No rule: the default action of D.  Before its
 * groups, a layer looks for a layer flow of the packet's connection (made
 * by a stateful rule, vfp/layer-flow.h): if there is one, its HT applies.
 *
 * Threads: the main thread adds and removes groups by publishing a new
 * 'groups' array with RCU; handlers read the array current when they
 * start. */

#include <stdbool.h>
#include <stdint.h>
#include "ovs-rcu.h"
#include "vfp/counter.h"
#include "vfp/layer-flow.h"
#include "vfp/group.h"
#include "vfp/ht.h"

struct flow;
struct vfp_action_env;
struct vfp_rule;

struct vfp_groups {
    size_t n;
    struct vfp_group *groups[];     /* Sorted by priority, then name. */
};

struct vfp_layer {
    char *name;
    uint16_t priority;
    bool block_by_default[2];       /* Indexed by enum vfp_dir. */
    OVSRCU_TYPE(struct vfp_groups *) groups;
    struct vfp_counter stats[2];    /* Packets that reached the layer. */
    struct vfp_layer_flow_table flows;    /* Layer flows, looked up first. */
};

struct vfp_layer *vfp_layer_create(const char *name, uint16_t priority,
                                   bool in_block, bool out_block);
char *vfp_layer_parse(const char *name, const char *priority,
                      const char *in_default, const char *out_default,
                      struct vfp_layer **)
    OVS_WARN_UNUSED_RESULT;
void vfp_layer_destroy(struct vfp_layer *);

const struct vfp_groups *vfp_layer_groups(const struct vfp_layer *);
struct vfp_group *vfp_layer_find_group(const struct vfp_layer *,
                                       const char *name);
char *vfp_layer_add_group(struct vfp_layer *, struct vfp_group *)
    OVS_WARN_UNUSED_RESULT;
struct vfp_group *vfp_layer_remove_group(struct vfp_layer *,
                                         const char *name);
struct vfp_group *vfp_layer_replace_group(struct vfp_layer *,
                                          struct vfp_group *);

/* What a layer did to one packet. */
struct vfp_layer_result {
    const struct vfp_layer *layer;
    const struct vfp_group *group;  /* Group of 'rule', or NULL. */
    const struct vfp_rule *rule;    /* NULL: the default action. */
    const struct vfp_layer_flow_half *half;   /* The layer flow that applied
                                         * instead of the rules, or NULL. */
    bool miss;                      /* 'rule' missed in a resource. */
    bool provisional;               /* No layer flow applied, but one could
                                     * appear for the packet's tuple (the
                                     * layer has stateful rules) and then
                                     * decide instead of 'rule'. */
    struct vfp_ht ht;
};

void vfp_layer_process(const struct vfp_layer *, enum vfp_dir,
                       const struct flow *, struct vfp_action_env *,
                       struct vfp_layer_result *);

void vfp_layer_format(const struct vfp_layer *, struct ds *);

#endif /* vfp/layer.h */
