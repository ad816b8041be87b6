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
#include "smap.h"
#include "svec.h"
#include "util.h"
#include "vfp/parse-util.h"
#include "vfp/resource.h"

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

/* Checks what a stateful rule (or not) may do with its action, given the
 * resources of its port. */
static char * OVS_WARN_UNUSED_RESULT
check_action(const struct vfp_resources *resources,
             const struct vfp_rule *rule)
{
    const struct vfp_action *action = &rule->action;

    for (size_t i = 0; i < action->n_ops; i++) {
        const struct vfp_op *op = &action->ops[i];

        if (op->resource) {
            const struct vfp_resource *res = vfp_resources_find(
                resources, op->resource);
            enum vfp_resource_type type = (op->type == VFP_OP_ENCAP_MAP
                                           ? VFP_RESOURCE_MAP
                                           : VFP_RESOURCE_RANGE);
            if (!res || res->type != type) {
                return xasprintf("%s: the port has no %s resource %s",
                                 action->string,
                                 vfp_resource_type_name(type), op->resource);
            }
            if (op->type == VFP_OP_NAT_SRC_RANGE && !rule->stateful) {
                return xasprintf("%s: src-port=range: needs a stateful rule "
                                 "(the connection holds the port)",
                                 action->string);
            }
        }
        if (rule->stateful && op->ht.drop) {
            return xasprintf("%s: a stateful rule must let packets pass",
                             action->string);
        }
        if (rule->stateful && op->ht.tunnel_op == VFP_TUNNEL_POP) {
            return xasprintf("%s: decap cannot be stateful: its reverse "
                             "would need the outer MACs, which the datapath "
                             "drops; use an encap rule in the other "
                             "direction", action->string);
        }
    }
    return NULL;
}

static char * OVS_WARN_UNUSED_RESULT
parse_rule_options(const struct smap *o, struct vfp_rule *rule)
{
    const char *priority = smap_get(o, "priority");
    const char *ttl_s = smap_get(o, "ttl");
    const char *miss = smap_get(o, "miss");
    const char *match = smap_get(o, "match");
    const char *action = smap_get(o, "action");
    char *error;

    error = (priority ? vfp_parse_priority(priority, &rule->priority)
             : xstrdup("priority=N is required"));
    if (!error && ttl_s) {
        uint64_t ttl;

        if (!rule->stateful) {
            error = xstrdup("ttl= applies to stateful rules only");
        } else if (!vfp_parse_uint(ttl_s, 7 * 24 * 3600, &ttl) || !ttl) {
            error = xasprintf("ttl \"%s\" is not a number of seconds from 1 "
                              "to 604800", ttl_s);
        } else {
            rule->ttl = ttl * 1000;
        }
    }
    if (!error && miss) {
        if (!strcmp(miss, "allow")) {
            rule->miss_allow = true;
        } else if (strcmp(miss, "drop")) {
            error = xasprintf("miss \"%s\" is not drop or allow", miss);
        }
    }
    if (!error && match) {
        error = vfp_conditions_parse(match, &rule->conds);
    }
    if (!error) {
        error = (action ? vfp_action_parse(action, &rule->action)
                 : xstrdup("action=ACTIONS is required"));
    }
    return error;
}

/* Builds a rule from 'words[0..n_words)': its name, then its options (see
 * above), for a port with 'resources'.  Returns NULL and the rule in
 * '*rulep', for the caller to add to a group, or an error message naming
 * the offending word and NULL in '*rulep'. */
char *
vfp_rule_create(const struct vfp_resources *resources, size_t n_words,
                const char *const words[], struct vfp_rule **rulep)
{
    struct smap options = SMAP_INITIALIZER(&options);
    char *error;

    *rulep = NULL;
    if (!n_words) {
        return xstrdup("a rule needs a name");
    }
    if ((error = vfp_check_name("rule", words[0]))
        || (error = vfp_parse_options(n_words - 1, words + 1,
                                      "priority= match= action= terminating "
                                      "stateful ttl= miss=", &options))) {
        smap_destroy(&options);
        return error;
    }

    struct vfp_rule *rule = xzalloc(sizeof *rule);
    rule->name = xstrdup(words[0]);
    rule->stats = vfp_shared_counter_create();
    rule->terminating = smap_get(&options, "terminating") != NULL;
    rule->stateful = smap_get(&options, "stateful") != NULL;
    error = parse_rule_options(&options, rule);
    if (!error) {
        error = check_action(resources, rule);
    }
    smap_destroy(&options);
    if (error) {
        vfp_rule_destroy(rule);
        return error;
    }
    *rulep = rule;
    return NULL;
}

/* Splits 'line', "[rule] NAME OPTION...", into 'words' (which the caller
 * destroys, even on error) as vfp_split_words() does, and stores in
 * '*start' the index of NAME: 1 if the line starts with the word "rule"
 * (as dump-rules prints rules) followed by a name, else 0.  Names have no
 * '=' and are not flags, so "rule priority=1" is a rule named "rule". */
char *
vfp_rule_split(const char *line, struct svec *words, size_t *start)
{
    char *error = vfp_split_words(line, words);

    *start = (!error && words->n >= 2 && !strcmp(words->names[0], "rule")
              && !strchr(words->names[1], '=')
              && strcmp(words->names[1], "terminating")
              && strcmp(words->names[1], "stateful"));
    return error;
}

/* Builds a rule from the text 's', "[rule] NAME OPTION..." with words split
 * and quoted as in a replace-group file (vfp-ctl(8)); see
 * vfp_rule_create(). */
char *
vfp_rule_create_from_string(const struct vfp_resources *resources,
                            const char *s, struct vfp_rule **rulep)
{
    struct svec words;
    size_t start;
    char *error = vfp_rule_split(s, &words, &start);

    *rulep = NULL;
    if (!error) {
        error = vfp_rule_create(resources, words.n - start,
                                (const char *const *) words.names + start,
                                rulep);
    }
    svec_destroy(&words);
    return error;
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
