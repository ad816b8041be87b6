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

#include <config.h>
#include "vfp/group.h"

#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "util.h"
#include "vfp/rule.h"

const char *
vfp_dir_name(enum vfp_dir dir)
{
    return dir == VFP_DIR_IN ? "in" : "out";
}

struct vfp_group *
vfp_group_create(const char *name, enum vfp_dir dir, uint16_t priority,
                 const struct vfp_conditions *conds, bool lpm,
                 enum vfp_field lpm_field)
{
    static const enum mf_field_id tries[] = { MFF_IPV4_DST, MFF_IPV4_SRC,
                                              MFF_IPV6_DST };
    struct vfp_group *group = xzalloc(sizeof *group);

    group->name = xstrdup(name);
    group->dir = dir;
    group->priority = priority;
    vfp_conditions_clone(&group->conds, conds);
    group->lpm = lpm;
    group->lpm_field = lpm_field;
    hmap_init(&group->rules);
    atomic_init(&group->n_stateful, 0);
    classifier_init(&group->cls, flow_segment_u64s);
    classifier_set_prefix_fields(&group->cls, tries, ARRAY_SIZE(tries));
    return group;
}

/* Builds a group from its options as vfp-ctl add-group takes them (each
 * but 'name' and 'dir' may be null: 'priority' then is an error, the others
 * take their defaults).  The one parser of a group's definition, for the
 * command and for a restored state file alike. */
char *
vfp_group_parse(const char *name, const char *dir, const char *priority,
                const char *match, const char *type, struct vfp_group **groupp)
{
    struct vfp_conditions conds = { NULL, 0 };
    enum vfp_field lpm_field = VFP_FIELD_DST_IP;
    enum vfp_dir d = VFP_DIR_IN;
    uint16_t prio = 0;
    bool lpm = false;
    char *error;

    *groupp = NULL;
    if ((error = vfp_check_name("group", name))) {
        return error;
    }
    if (!dir) {
        return xstrdup("dir=in or dir=out is required");
    } else if (!strcmp(dir, "in") || !strcmp(dir, "out")) {
        d = dir[0] == 'i' ? VFP_DIR_IN : VFP_DIR_OUT;
    } else {
        return xasprintf("dir \"%s\" is not in or out", dir);
    }
    error = (priority ? vfp_parse_priority(priority, &prio)
             : xstrdup("priority=N is required"));
    if (error) {
        return error;
    }
    if (type && strcmp(type, "priority")) {
        if (strncmp(type, "lpm:", 4)
            || !vfp_field_from_name(type + 4, &lpm_field)
            || !vfp_field_is_ip(lpm_field)) {
            return xasprintf("type \"%s\" is not priority or lpm:FIELD with "
                             "FIELD one of src-ip, dst-ip, tun-src, tun-dst",
                             type);
        }
        lpm = true;
    }
    if (match && (error = vfp_conditions_parse(match, &conds))) {
        return error;
    }
    *groupp = vfp_group_create(name, d, prio, &conds, lpm, lpm_field);
    vfp_conditions_destroy(&conds);
    return NULL;
}

/* The caller waited for readers to finish. */
void
vfp_group_destroy(struct vfp_group *group)
{
    if (!group) {
        return;
    }

    struct vfp_rule *rule;
    HMAP_FOR_EACH_POP (rule, node, &group->rules) {
        for (size_t i = 0; i < rule->n_matches; i++) {
            classifier_remove_assert(&group->cls, &rule->matches[i].cr);
        }
        vfp_rule_destroy(rule);
    }
    hmap_destroy(&group->rules);
    classifier_destroy(&group->cls);
    vfp_conditions_destroy(&group->conds);
    free(group->name);
    free(group);
}

struct vfp_rule *
vfp_group_find_rule(const struct vfp_group *group, const char *name)
{
    struct vfp_rule *rule;

    HMAP_FOR_EACH_WITH_HASH (rule, node, hash_string(name, 0),
                             &group->rules) {
        if (!strcmp(rule->name, name)) {
            return rule;
        }
    }
    return NULL;
}

/* Prefix length of 'match' on the LPM field: the mask's length. */
static int
match_plen(const struct match *match, enum vfp_field field)
{
    const struct flow *m = &match->wc.masks;
    ovs_be32 ip4 = (field == VFP_FIELD_SRC_IP ? m->nw_src
                    : field == VFP_FIELD_DST_IP ? m->nw_dst
                    : field == VFP_FIELD_TUN_SRC ? m->tunnel.ip_src
                    : m->tunnel.ip_dst);
    const struct in6_addr *ip6 = (field == VFP_FIELD_SRC_IP ? &m->ipv6_src
                                  : field == VFP_FIELD_DST_IP ? &m->ipv6_dst
                                  : field == VFP_FIELD_TUN_SRC
                                  ? &m->tunnel.ipv6_src
                                  : &m->tunnel.ipv6_dst);

    ovs_assert(vfp_field_is_ip(field));
    return ip4 ? ip_count_cidr_bits(ip4) : ipv6_count_cidr_bits(ip6);
}

struct match_list {
    struct match *matches;
    size_t n, allocated;
};

static void
collect_match(const struct match *match, void *list_)
{
    struct match_list *list = list_;

    if (list->n >= list->allocated) {
        list->matches = x2nrealloc(list->matches, &list->allocated,
                                   sizeof *list->matches);
    }
    list->matches[list->n++] = *match;
}

/* Adds 'rule' to 'group', which takes ownership of it on success.  Fails,
 * changing nothing, if the name is taken or the rule cannot be in this
 * group. */
char *
vfp_group_add_rule(struct vfp_group *group, struct vfp_rule *rule)
{
    if (vfp_group_find_rule(group, rule->name)) {
        return xasprintf("group %s already has a rule %s", group->name,
                         rule->name);
    }
    if (group->lpm) {
        const struct vfp_condition *c = vfp_conditions_find(
            &rule->conds, group->lpm_field);
        for (size_t i = 0; c && i < c->n_values; i++) {
            if (c->values[i].form == VFP_VALUE_RANGE) {
                return xasprintf("group %s is lpm:%s: give %s as "
                                 "addresses or prefixes, not ranges",
                                 group->name,
                                 vfp_field_name(group->lpm_field),
                                 vfp_field_name(group->lpm_field));
            }
        }
    }

    /* cls_rules must not move once initialized: collect the matches
     * first. */
    struct match_list list = { NULL, 0, 0 };
    vfp_conditions_to_matches(&rule->conds, collect_match, &list);
    int *priorities = xcalloc(list.n + 1, sizeof *priorities);
    for (size_t i = 0; i < list.n; i++) {
        priorities[i] = UINT16_MAX - rule->priority;
        if (group->lpm) {
            priorities[i] += (match_plen(&list.matches[i], group->lpm_field)
                              * 65536);
        }

        /* The classifier cannot hold two rules that are the same match at
         * the same priority: neither would win. */
        const struct cls_rule *twin = classifier_find_match_exactly(
            &group->cls, &list.matches[i], priorities[i], OVS_VERSION_MAX);
        if (twin) {
            const struct vfp_rule *other
                = CONTAINER_OF(twin, struct vfp_rule_match, cr)->rule;
            char *error = xasprintf("rule %s overlaps rule %s of group %s "
                                    "exactly at the same priority %"PRIu16
                                    ": give one of them another priority",
                                    rule->name, other->name, group->name,
                                    rule->priority);
            free(priorities);
            free(list.matches);
            return error;
        }
    }

    rule->matches = xcalloc(list.n + 1, sizeof *rule->matches);
    rule->n_matches = list.n;
    for (size_t i = 0; i < list.n; i++) {
        int priority = priorities[i];

        rule->matches[i].rule = rule;
        cls_rule_init(&rule->matches[i].cr, &list.matches[i], priority);
        classifier_insert(&group->cls, &rule->matches[i].cr, OVS_VERSION_MIN,
                          NULL, 0);
    }
    free(priorities);
    free(list.matches);
    hmap_insert(&group->rules, &rule->node, hash_string(rule->name, 0));
    if (rule->stateful) {
        uint32_t orig;
        atomic_add_relaxed(&group->n_stateful, 1, &orig);
    }
    return NULL;
}

/* Removes the rule named 'name' from the classifier and returns it, for the
 * caller to destroy after a grace period; NULL if there is none. */
struct vfp_rule *
vfp_group_remove_rule(struct vfp_group *group, const char *name)
{
    struct vfp_rule *rule = vfp_group_find_rule(group, name);

    if (rule) {
        for (size_t i = 0; i < rule->n_matches; i++) {
            classifier_remove_assert(&group->cls, &rule->matches[i].cr);
        }
        hmap_remove(&group->rules, &rule->node);
        if (rule->stateful) {
            uint32_t orig;
            atomic_sub_relaxed(&group->n_stateful, 1, &orig);
        }
    }
    return rule;
}

size_t
vfp_group_count_rules(const struct vfp_group *group)
{
    return hmap_count(&group->rules);
}

/* Whether 'group' has a stateful rule, which makes layer flows: then a
 * packet's verdict in the group's layer may change once a connection
 * appears.  Any thread. */
bool
vfp_group_has_stateful_rules(const struct vfp_group *group)
{
    uint32_t n;

    atomic_read_relaxed(&CONST_CAST(struct vfp_group *, group)->n_stateful,
                        &n);
    return n > 0;
}

static int
compare_rules(const void *a_, const void *b_)
{
    const struct vfp_rule *const *a = a_, *const *b = b_;

    return ((*a)->priority != (*b)->priority
            ? ((*a)->priority < (*b)->priority ? -1 : 1)
            : strcmp((*a)->name, (*b)->name));
}

/* The rules of 'group' in processing order, in a malloc'd array. */
const struct vfp_rule **
vfp_group_sorted_rules(const struct vfp_group *group)
{
    size_t n = hmap_count(&group->rules);
    const struct vfp_rule **rules = xmalloc((n + 1) * sizeof *rules);
    const struct vfp_rule *rule;
    size_t i = 0;

    HMAP_FOR_EACH (rule, node, &group->rules) {
        rules[i++] = rule;
    }
    qsort(rules, n, sizeof *rules, compare_rules);
    return rules;
}

/* The rule of 'group' that a packet with headers 'flow' finds, or NULL.
 * Does not check the group's own conditions. */
const struct vfp_rule *
vfp_group_lookup(const struct vfp_group *group, const struct flow *flow)
{
    const struct cls_rule *cr = classifier_lookup(
        &group->cls, OVS_VERSION_MAX, CONST_CAST(struct flow *, flow), NULL);

    return cr ? CONTAINER_OF(cr, struct vfp_rule_match, cr)->rule : NULL;
}

void
vfp_group_format(const struct vfp_group *group, struct ds *s)
{
    ds_put_format(s, "%s dir=%s priority=%"PRIu16, group->name,
                  vfp_dir_name(group->dir), group->priority);
    if (group->conds.n) {
        ds_put_cstr(s, " match=\"");
        vfp_conditions_format(&group->conds, s);
        ds_put_char(s, '"');
    }
    if (group->lpm) {
        ds_put_format(s, " type=lpm:%s", vfp_field_name(group->lpm_field));
    }
}
