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

#ifndef VFP_RULE_H
#define VFP_RULE_H 1

/* Rules (VFP section 5.3): conditions and an action, in a group.
 *
 * A 'stateful' rule that acts on a packet also creates a pair of layer
 * flows for its connection (vfp/layer-flow.h), which the layer consults
 * before its rules: the reverse direction is allowed and translated back.
 * 'ttl' is how long the flows live after the connection's last packet.
 *
 * Priority: a LOWER value is processed first, everywhere in VFP (layers,
 * groups, rules), the opposite of OpenFlow.  Within a group the matching
 * rule with the lowest priority value wins.
 *
 * A 'terminating' rule, when it is the rule a group finds, ends the search
 * of its layer at once: later groups are not consulted.
 *
 * A rule is classified through the OVS classifier of its group: its
 * conditions compile (vfp_conditions_to_matches()) into one cls_rule per
 * match, each pointing back to the rule.
 *
 * Threads: rules are created and destroyed by the main thread; upcall
 * handlers find them through the classifier and read them. */

#include <stdbool.h>
#include <stdint.h>
#include "classifier.h"
#include "openvswitch/hmap.h"
#include "vfp/action.h"
#include "vfp/counter.h"
#include "vfp/condition.h"

struct svec;
struct vfp_resources;

struct vfp_rule_match {
    struct cls_rule cr;
    const struct vfp_rule *rule;
};

struct vfp_rule {
    struct hmap_node node;          /* In the group's 'rules', by name. */
    char *name;
    uint16_t priority;
    struct vfp_conditions conds;
    struct vfp_action action;
    bool terminating;
    bool stateful;                  /* Creates layer flows (layer-flow.h). */
    uint32_t ttl;                   /* Their idle timeout, in ms; 0: the
                                     * bridge's default for the protocol. */
    bool miss_allow;                /* A resource miss passes the packet
                                     * unchanged (else drops it). */
    struct vfp_shared_counter *stats;   /* Packets the rule acted on,
                                         * directly or through the layer
                                         * flows it created (both
                                         * directions). */
    struct vfp_counter *context;    /* count(NAME): the port's counter. */

    struct vfp_rule_match *matches; /* In the group's classifier. */
    size_t n_matches;
};

#define VFP_MAX_NAME_LEN 64
char *vfp_check_name(const char *what, const char *name)
    OVS_WARN_UNUSED_RESULT;
char *vfp_parse_priority(const char *s, uint16_t *priority)
    OVS_WARN_UNUSED_RESULT;

/* Building a rule: "NAME priority=N [match=CONDS] action=ACTIONS
 * [terminating] [stateful] [ttl=SECONDS] [miss=drop|allow]", as vfp/add-rule
 * takes it after the group (vfp-ctl(8)).  The rule is checked completely,
 * against the resources of its port too: an action that names a resource
 * the port does not have, or of the wrong type, is refused.  (Actions look
 * the resource up by name at every slow-path packet, so a rule is never
 * left pointing to a resource that went.)  The count(NAME) context is bound
 * when the rule goes in (vfp/policy.h): the counter belongs to the port. */
char *vfp_rule_create(const struct vfp_resources *, size_t n_words,
                      const char *const words[], struct vfp_rule **)
    OVS_WARN_UNUSED_RESULT;
char *vfp_rule_create_from_string(const struct vfp_resources *,
                                  const char *, struct vfp_rule **)
    OVS_WARN_UNUSED_RESULT;
char *vfp_rule_split(const char *line, struct svec *words, size_t *start)
    OVS_WARN_UNUSED_RESULT;

void vfp_rule_format(const struct vfp_rule *, struct ds *);
void vfp_rule_destroy(struct vfp_rule *);

#endif /* vfp/rule.h */
