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

#ifndef VFP_GROUP_H
#define VFP_GROUP_H 1

/* Groups (VFP section 5.3): the rules of a layer for one direction,
 * searched as one classifier.
 *
 * A group has a direction, a priority (lower first), optional conditions
 * that gate it (a packet that does not meet them skips the group), and a
 * type: "priority" (the matching rule with the lowest priority value wins)
 * or "lpm:FIELD" for an IP field (the rule whose FIELD prefix is longest
 * wins; ties by priority).  Rules of an LPM group may give FIELD only as
 * addresses or prefixes.
 *
 * The rules are in an OVS classifier (lib/classifier.c: tuple space search
 * with prefix tries), so finding the rule costs about the same for 200 or
 * 50k rules.  Classifier priorities encode VFP's order: 65535 - priority,
 * plus the prefix length times 65536 in LPM groups.
 *
 * Threads: the main thread adds and removes rules; handlers look up
 * concurrently (the classifier is RCU-safe).  Removed rules are destroyed
 * only after a grace period (the caller's ovsrcu_synchronize()). */

#include <stdbool.h>
#include <stdint.h>
#include "classifier.h"
#include "openvswitch/hmap.h"
#include "ovs-atomic.h"
#include "vfp/condition.h"

struct flow;
struct vfp_rule;

enum vfp_dir { VFP_DIR_IN, VFP_DIR_OUT };

struct vfp_group {
    char *name;
    enum vfp_dir dir;
    uint16_t priority;
    struct vfp_conditions conds;    /* Gate; none: always searched. */
    bool lpm;
    enum vfp_field lpm_field;       /* If 'lpm'. */

    struct hmap rules;              /* Main thread only. */
    struct classifier cls;
    atomic_uint32_t n_stateful;     /* Rules that make layer flows. */
};

const char *vfp_dir_name(enum vfp_dir);

struct vfp_group *vfp_group_create(const char *name, enum vfp_dir,
                                   uint16_t priority,
                                   const struct vfp_conditions *,
                                   bool lpm, enum vfp_field lpm_field);
char *vfp_group_parse(const char *name, const char *dir,
                      const char *priority, const char *match,
                      const char *type, struct vfp_group **)
    OVS_WARN_UNUSED_RESULT;
void vfp_group_destroy(struct vfp_group *);

struct vfp_rule *vfp_group_find_rule(const struct vfp_group *,
                                     const char *name);
char *vfp_group_add_rule(struct vfp_group *, struct vfp_rule *)
    OVS_WARN_UNUSED_RESULT;
struct vfp_rule *vfp_group_remove_rule(struct vfp_group *, const char *name);
size_t vfp_group_count_rules(const struct vfp_group *);
bool vfp_group_has_stateful_rules(const struct vfp_group *);
const struct vfp_rule **vfp_group_sorted_rules(const struct vfp_group *);

const struct vfp_rule *vfp_group_lookup(const struct vfp_group *,
                                        const struct flow *);

void vfp_group_format(const struct vfp_group *, struct ds *);

#endif /* vfp/group.h */
