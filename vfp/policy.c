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
#include "vfp/policy.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/hmap.h"
#include "openvswitch/shash.h"
#include "svec.h"
#include "util.h"
#include "vfp/group.h"
#include "vfp/port.h"
#include "vfp/rule.h"

/* Adds 'rule', built by vfp_rule_create() for 'port', to 'group' of
 * 'port', pointing its count(NAME) context to the port's counter NAME
 * before handlers can find the rule.  The counter is created only if the
 * rule goes in.  Takes ownership of 'rule': on error, destroys it. */
char *
vfp_policy_add_rule(struct vfp_port *port, struct vfp_group *group,
                    struct vfp_rule *rule)
{
    struct vfp_counter *fresh = NULL;

    if (rule->action.counter) {
        rule->context = shash_find_data(&port->counters,
                                        rule->action.counter);
        if (!rule->context) {
            rule->context = fresh = xmalloc(sizeof *fresh);
            vfp_counter_init(fresh);
        }
    }

    char *error = vfp_group_add_rule(group, rule);
    if (error) {
        free(fresh);
        vfp_rule_destroy(rule);
    } else if (fresh) {
        shash_add(&port->counters, rule->action.counter, fresh);
    }
    return error;
}

/* Builds a group like 'old' (same name, direction, priority, conditions and
 * type) of 'port' with the rules in 'text', one per line as
 * vfp_rule_create_from_string() takes them; blank lines and lines starting
 * with '#' are skipped.  On success stores the group in '*newp', its rules
 * bound to the port's counters, for the caller to swap in with
 * vfp_layer_replace_group().  On error, returns a message that starts with
 * the line, and stores NULL. */
char *
vfp_policy_build_group(struct vfp_port *port, const struct vfp_group *old,
                       const char *text, struct vfp_group **newp)
{
    struct vfp_group *new = vfp_group_create(old->name, old->dir,
                                             old->priority, &old->conds,
                                             old->lpm, old->lpm_field);
    const struct vfp_resources *resources = vfp_port_resources(port);
    char *copy = xstrdup(text);
    char *next = copy;
    char *error = NULL;
    int line_no = 0;

    while (next && *next && !error) {
        char *line = next;
        struct svec words;
        size_t skip;

        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        line_no++;

        char *e = vfp_rule_split(line, &words, &skip);
        size_t n = words.n - skip;
        const char *const *w = (const char *const *) words.names + skip;
        if (!e && n && w[0][0] != '#') {
            struct vfp_rule *rule;

            e = vfp_rule_create(resources, n, w, &rule);
            if (!e) {
                e = vfp_group_add_rule(new, rule);
                if (e) {
                    vfp_rule_destroy(rule);
                }
            }
        }
        if (e) {
            error = xasprintf("line %d: %s", line_no, e);
            free(e);
        }
        svec_destroy(&words);
    }
    free(copy);

    if (error) {
        vfp_group_destroy(new);
        *newp = NULL;
        return error;
    }

    struct vfp_rule *rule;
    HMAP_FOR_EACH (rule, node, &new->rules) {
        if (rule->action.counter) {
            rule->context = vfp_port_get_counter(port, rule->action.counter);
        }
    }
    *newp = new;
    return NULL;
}
