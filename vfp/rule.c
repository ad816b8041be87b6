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
#include "vfp/rule.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"
#include "vfp/parse-util.h"

/* Names of layers, groups and rules: 1 to 64 letters, digits, '_', '.' or
 * '-'.  Returns an error message naming 'what', or NULL. */
char *
vfp_check_name(const char *what, const char *name)
{
    size_t len = strlen(name);
    char *q, *error = NULL;

    if (!len || len > VFP_MAX_NAME_LEN) {
        q = vfp_quote(name);
        error = xasprintf("%s name %s must have 1 to %d characters", what, q,
                          VFP_MAX_NAME_LEN);
        free(q);
        return error;
    }
    for (const char *p = name; *p; p++) {
        if (!isalnum((unsigned char) *p) && !strchr("_.-", *p)) {
            q = vfp_quote(name);
            error = xasprintf("%s name %s: only letters, digits, '_', '.' and "
                              "'-' are allowed", what, q);
            free(q);
            return error;
        }
    }
    return NULL;
}

char *
vfp_parse_priority(const char *s, uint16_t *priority)
{
    uint64_t x;

    if (!vfp_parse_uint(s, UINT16_MAX, &x)) {
        char *q = vfp_quote(s);
        char *error = xasprintf("priority %s is not a number from 0 to 65535 "
                                "(lower is processed first)", q);
        free(q);
        return error;
    }
    *priority = x;
    return NULL;
}

void
vfp_rule_format(const struct vfp_rule *rule, struct ds *s)
{
    ds_put_format(s, "%s priority=%"PRIu16, rule->name, rule->priority);
    if (rule->conds.n) {
        ds_put_cstr(s, " match=\"");
        vfp_conditions_format(&rule->conds, s);
        ds_put_char(s, '"');
    }
    ds_put_format(s, " action=\"%s\"", rule->action.string);
    if (rule->terminating) {
        ds_put_cstr(s, " terminating");
    }
}

/* The caller has removed 'rule''s matches from its classifier and waited
 * for readers to finish. */
void
vfp_rule_destroy(struct vfp_rule *rule)
{
    if (rule) {
        for (size_t i = 0; i < rule->n_matches; i++) {
            cls_rule_destroy(&rule->matches[i].cr);
        }
        free(rule->matches);
        vfp_shared_counter_unref(rule->stats);
        vfp_conditions_destroy(&rule->conds);
        vfp_action_destroy(&rule->action);
        free(rule->name);
        free(rule);
    }
}
