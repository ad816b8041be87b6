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

/* The "vfp/" unixctl commands that program a port's layers, groups and
 * rules, and dump them.
 *
 * Every change is checked completely before anything is modified: bad
 * input gets an error that names the offending token and changes nothing.
 * A change takes effect before the command returns (VFP section 6.3): the
 * port's generation is bumped, handlers still using the old policy are
 * waited for, and the revalidator removes the unified flows made under the
 * old generation.  UFs that did not go through the port are untouched. */

#include <config.h>

#include <string.h>

#include "ofproto-vfp/ofproto-vfp.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "svec.h"
#include "unixctl.h"
#include "util.h"
#include "vfp/counter.h"
#include "vfp/group.h"
#include "vfp/layer.h"
#include "vfp/parse-util.h"
#include "vfp/port.h"
#include "vfp/resource.h"
#include "vfp/rule.h"

VLOG_DEFINE_THIS_MODULE(vfp_policy);

/* Options of a command: "KEY=VALUE" or "FLAG" arguments. */
struct options {
    const char *priority;
    const char *in_default, *out_default;
    const char *dir, *match, *type, *action;
    bool terminating, stateful;
    const char *ttl, *miss;
};

/* Parses 'argv[0..argc)' into 'opts', accepting the keys in 'allowed'
 * (space-separated, flags without '='). */
static char * OVS_WARN_UNUSED_RESULT
parse_options(int argc, const char *argv[], const char *allowed,
              struct options *opts)
{
    memset(opts, 0, sizeof *opts);
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *eq = strchr(arg, '=');
        char *key = eq ? xmemdup0(arg, eq - arg) : xstrdup(arg);
        const char *value = eq ? eq + 1 : NULL;
        char *pattern = xasprintf(" %s%s ", key, eq ? "=" : "");
        char *allowed_padded = xasprintf(" %s ", allowed);
        bool ok = strstr(allowed_padded, pattern) != NULL;

        free(pattern);
        free(allowed_padded);
        if (!ok) {
            char *q = vfp_quote(arg);
            char *error = xasprintf("%s is not an option here (options: %s)",
                                    q, allowed);
            free(q);
            free(key);
            return error;
        }

        const char **slot = (!strcmp(key, "priority") ? &opts->priority
                             : !strcmp(key, "in-default") ? &opts->in_default
                             : !strcmp(key, "out-default")
                             ? &opts->out_default
                             : !strcmp(key, "dir") ? &opts->dir
                             : !strcmp(key, "match") ? &opts->match
                             : !strcmp(key, "type") ? &opts->type
                             : !strcmp(key, "action") ? &opts->action
                             : !strcmp(key, "ttl") ? &opts->ttl
                             : !strcmp(key, "miss") ? &opts->miss
                             : NULL);
        if (slot) {
            if (*slot) {
                char *error = xasprintf("\"%s\" given twice", key);
                free(key);
                return error;
            }
            *slot = value;
        } else if (!strcmp(key, "terminating")) {
            opts->terminating = true;
        } else if (!strcmp(key, "stateful")) {
            opts->stateful = true;
        }
        free(key);
    }
    return NULL;
}

static char * OVS_WARN_UNUSED_RESULT
parse_default(const char *key, const char *value, bool *block)
{
    if (!value || !strcmp(value, "allow")) {
        *block = false;
    } else if (!strcmp(value, "block")) {
        *block = true;
    } else {
        return xasprintf("%s \"%s\" is not allow or block", key, value);
    }
    return NULL;
}

/* Looks up PORT, and LAYER, GROUP if asked for, from 'argv'. */
static char * OVS_WARN_UNUSED_RESULT
find_objects(const char *argv[], struct vfp_ofport **portp,
             struct vfp_layer **layerp, struct vfp_group **groupp)
{
    char *error;
    struct vfp_ofport *port = vfp_ofport_find(argv[1], &error);

    if (!port) {
        return error;
    }
    *portp = port;
    if (layerp) {
        *layerp = vfp_port_find_layer(port->vfp_port, argv[2]);
        if (!*layerp) {
            return vfp_no_such("port", argv[1], "layer", argv[2]);
        }
        if (groupp) {
            *groupp = vfp_layer_find_group(*layerp, argv[3]);
            if (!*groupp) {
                char *q_port = vfp_quote(argv[1]);
                char *q_layer = vfp_quote(argv[2]);
                char *q_group = vfp_quote(argv[3]);
                error = xasprintf("layer %s of port %s has no group %s",
                                  q_layer, q_port, q_group);
                free(q_port);
                free(q_layer);
                free(q_group);
                return error;
            }
        }
    }
    return NULL;
}

/* Makes a change to 'port''s policy or resources take effect (see the top
 * of the file): when this returns, no handler uses the old policy and no
 * UF made under it is left. */
void
vfp_policy_commit(struct vfp_ofport *port)
{
    vfp_port_changed(port->vfp_port);
    ovsrcu_synchronize();
    vfp_revalidate_port(ofproto_vfp_cast(port->up.ofproto)->backer,
                        port->odp_port);
}

/* Makes a change to 'port''s policy take effect, then destroys what the
 * change removed. */
static void
policy_changed(struct vfp_ofport *port, struct vfp_layer *dead_layer,
               struct vfp_group *dead_group, struct vfp_rule *dead_rule)
{
    /* Revalidate before destroying: the last statistics of the UFs that go
     * are credited to the counters of what they went through. */
    vfp_policy_commit(port);
    vfp_port_destroy_layer(port->vfp_port, dead_layer);
    vfp_group_destroy(dead_group);
    vfp_rule_destroy(dead_rule);
    VLOG_DBG("%s: policy generation %"PRIu64,
             netdev_get_name(port->up.netdev),
             vfp_port_generation(port->vfp_port));
}

/* vfp/add-layer PORT LAYER priority=N [in-default=..] [out-default=..] */
static void
add_layer(struct unixctl_conn *conn, int argc, const char *argv[],
          void *aux OVS_UNUSED)
{
    struct vfp_ofport *port = NULL;
    struct options o;
    uint16_t priority;
    bool in_block, out_block;
    char *error;

    if ((error = find_objects(argv, &port, NULL, NULL))
        || (error = vfp_check_name("layer", argv[2]))
        || (error = parse_options(argc - 3, argv + 3,
                                  "priority= in-default= out-default=", &o))
        || (error = (o.priority ? vfp_parse_priority(o.priority, &priority)
                     : xstrdup("priority=N is required")))
        || (error = parse_default("in-default", o.in_default, &in_block))
        || (error = parse_default("out-default", o.out_default,
                                  &out_block))) {
        vfp_unixctl_reply(conn, error);
        return;
    }

    struct vfp_layer *layer = vfp_layer_create(argv[2], priority, in_block,
                                               out_block);
    error = vfp_port_add_layer(port->vfp_port, layer);
    if (error) {
        vfp_layer_destroy(layer);
    } else {
        policy_changed(port, NULL, NULL, NULL);
    }
    vfp_unixctl_reply(conn, error);
}

/* vfp/del-layer PORT LAYER */
static void
del_layer(struct unixctl_conn *conn, int argc OVS_UNUSED, const char *argv[],
          void *aux OVS_UNUSED)
{
    struct vfp_ofport *port = NULL;
    struct vfp_layer *layer = NULL;
    char *error = find_objects(argv, &port, &layer, NULL);

    if (!error) {
        vfp_port_remove_layer(port->vfp_port, argv[2]);
        policy_changed(port, layer, NULL, NULL);
    }
    vfp_unixctl_reply(conn, error);
}

/* vfp/add-group PORT LAYER GROUP dir=in|out priority=N [match=CONDS]
 *               [type=priority|lpm:FIELD] */
static void
add_group(struct unixctl_conn *conn, int argc, const char *argv[],
          void *aux OVS_UNUSED)
{
    struct vfp_conditions conds = { NULL, 0 };
    struct vfp_ofport *port = NULL;
    struct vfp_layer *layer = NULL;
    struct options o;
    uint16_t priority;
    enum vfp_dir dir = VFP_DIR_IN;
    enum vfp_field lpm_field = VFP_FIELD_DST_IP;
    bool lpm = false;
    char *error;

    if ((error = find_objects(argv, &port, &layer, NULL))
        || (error = vfp_check_name("group", argv[3]))
        || (error = parse_options(argc - 4, argv + 4,
                                  "dir= priority= match= type=", &o))) {
        vfp_unixctl_reply(conn, error);
        return;
    }

    if (!o.dir) {
        error = xstrdup("dir=in or dir=out is required");
    } else if (!strcmp(o.dir, "in") || !strcmp(o.dir, "out")) {
        dir = o.dir[0] == 'i' ? VFP_DIR_IN : VFP_DIR_OUT;
    } else {
        error = xasprintf("dir \"%s\" is not in or out", o.dir);
    }
    if (!error) {
        error = (o.priority ? vfp_parse_priority(o.priority, &priority)
                 : xstrdup("priority=N is required"));
    }
    if (!error && o.type && strcmp(o.type, "priority")) {
        if (strncmp(o.type, "lpm:", 4)
            || !vfp_field_from_name(o.type + 4, &lpm_field)
            || !vfp_field_is_ip(lpm_field)) {
            error = xasprintf("type \"%s\" is not priority or lpm:FIELD with "
                              "FIELD one of src-ip, dst-ip, tun-src, tun-dst",
                              o.type);
        } else {
            lpm = true;
        }
    }
    if (!error && o.match) {
        error = vfp_conditions_parse(o.match, &conds);
    }
    if (!error) {
        struct vfp_group *group = vfp_group_create(argv[3], dir, priority,
                                                   &conds, lpm, lpm_field);
        error = vfp_layer_add_group(layer, group);
        if (error) {
            vfp_group_destroy(group);
        } else {
            policy_changed(port, NULL, NULL, NULL);
        }
    }
    vfp_conditions_destroy(&conds);
    vfp_unixctl_reply(conn, error);
}

/* vfp/del-group PORT LAYER GROUP */
static void
del_group(struct unixctl_conn *conn, int argc OVS_UNUSED, const char *argv[],
          void *aux OVS_UNUSED)
{
    struct vfp_ofport *port = NULL;
    struct vfp_layer *layer = NULL;
    struct vfp_group *group = NULL;
    char *error = find_objects(argv, &port, &layer, &group);

    if (!error) {
        vfp_layer_remove_group(layer, argv[3]);
        policy_changed(port, NULL, group, NULL);
    }
    vfp_unixctl_reply(conn, error);
}

/* Checks what a stateful rule (or not) may do with 'action' on 'port'. */
static char * OVS_WARN_UNUSED_RESULT
check_action(const struct vfp_port *port, const struct vfp_rule *rule)
{
    const struct vfp_action *action = &rule->action;

    for (size_t i = 0; i < action->n_ops; i++) {
        const struct vfp_op *op = &action->ops[i];

        if (op->resource) {
            const struct vfp_resource *res = vfp_port_find_resource(
                port, op->resource);
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

/* Builds a rule named 'name' of 'port' from the options in
 * 'argv[0..argc)' of add-rule.  On error, returns a message and stores
 * NULL in '*rulep'. */
static char * OVS_WARN_UNUSED_RESULT
build_rule(const struct vfp_port *port, const char *name, int argc,
           const char *argv[], struct vfp_rule **rulep)
{
    struct options o;
    char *error;

    *rulep = NULL;
    if ((error = vfp_check_name("rule", name))
        || (error = parse_options(argc, argv,
                                  "priority= match= action= terminating "
                                  "stateful ttl= miss=", &o))) {
        return error;
    }

    struct vfp_rule *rule = xzalloc(sizeof *rule);
    rule->name = xstrdup(name);
    rule->stats = vfp_shared_counter_create();
    rule->terminating = o.terminating;
    rule->stateful = o.stateful;
    error = (o.priority ? vfp_parse_priority(o.priority, &rule->priority)
             : xstrdup("priority=N is required"));
    if (!error && o.ttl) {
        uint64_t ttl;

        if (!o.stateful) {
            error = xstrdup("ttl= applies to stateful rules only");
        } else if (!vfp_parse_uint(o.ttl, 7 * 24 * 3600, &ttl) || !ttl) {
            error = xasprintf("ttl \"%s\" is not a number of seconds from 1 "
                              "to 604800", o.ttl);
        } else {
            rule->ttl = ttl * 1000;
        }
    }
    if (!error && o.miss) {
        if (!strcmp(o.miss, "allow")) {
            rule->miss_allow = true;
        } else if (strcmp(o.miss, "drop")) {
            error = xasprintf("miss \"%s\" is not drop or allow", o.miss);
        }
    }
    if (!error && o.match) {
        error = vfp_conditions_parse(o.match, &rule->conds);
    }
    if (!error) {
        error = (o.action ? vfp_action_parse(o.action, &rule->action)
                 : xstrdup("action=ACTIONS is required"));
    }
    if (!error) {
        error = check_action(port, rule);
    }
    if (error) {
        vfp_rule_destroy(rule);
        return error;
    }
    *rulep = rule;
    return NULL;
}

/* Points 'rule''s count(NAME) context, if any, to the port's counter, for
 * a rule that handlers cannot see yet. */
static void
resolve_context(struct vfp_ofport *port, struct vfp_rule *rule)
{
    if (rule->action.counter) {
        rule->context = vfp_port_get_counter(port->vfp_port,
                                             rule->action.counter);
    }
}

/* vfp/add-rule PORT LAYER GROUP RULE priority=N [match=CONDS]
 *              action=ACTIONS [terminating] */
static void
add_rule(struct unixctl_conn *conn, int argc, const char *argv[],
         void *aux OVS_UNUSED)
{
    struct vfp_ofport *port = NULL;
    struct vfp_layer *layer = NULL;
    struct vfp_group *group = NULL;
    struct vfp_rule *rule;
    char *error;

    if ((error = find_objects(argv, &port, &layer, &group))
        || (error = build_rule(port->vfp_port, argv[4], argc - 5, argv + 5,
                               &rule))) {
        vfp_unixctl_reply(conn, error);
        return;
    }

    /* Point the rule to its count() counter before handlers can find it,
     * but create the counter only if the rule goes in. */
    struct vfp_counter *fresh = NULL;
    if (rule->action.counter) {
        rule->context = shash_find_data(&port->vfp_port->counters,
                                        rule->action.counter);
        if (!rule->context) {
            rule->context = fresh = xmalloc(sizeof *fresh);
            vfp_counter_init(fresh);
        }
    }

    error = vfp_group_add_rule(group, rule);
    if (error) {
        free(fresh);
        vfp_rule_destroy(rule);
    } else {
        if (fresh) {
            shash_add(&port->vfp_port->counters, rule->action.counter, fresh);
        }
        policy_changed(port, NULL, NULL, NULL);
    }
    vfp_unixctl_reply(conn, error);
}

/* vfp/replace-group PORT LAYER GROUP RULES
 *
 * Replaces the rules of GROUP by RULES, one per line as add-rule takes them
 * after the group ("RULE priority=N [match=...] action=... [terminating]"),
 * optionally after the word "rule" (so that the rule lines of dump-rules
 * can be fed back); blank lines and lines starting with '#' are skipped.
 * Words are split as vfp_split_words() does.  Atomic: handlers
 * see either the old rules or the new ones, and any error (named with its
 * line) changes nothing. */
static void
replace_group(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[], void *aux OVS_UNUSED)
{
    struct vfp_ofport *port = NULL;
    struct vfp_layer *layer = NULL;
    struct vfp_group *old = NULL;
    char *error = find_objects(argv, &port, &layer, &old);

    if (error) {
        vfp_unixctl_reply(conn, error);
        return;
    }

    struct vfp_group *new = vfp_group_create(old->name, old->dir,
                                             old->priority, &old->conds,
                                             old->lpm, old->lpm_field);
    char *text = xstrdup(argv[4]);
    char *next = text;
    int line_no = 0;

    while (next && *next && !error) {
        char *line = next;
        struct svec words;

        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        line_no++;

        char *e = vfp_split_words(line, &words);
        if (e) {
            error = xasprintf("line %d: %s", line_no, e);
            free(e);
            break;
        }

        /* "rule NAME OPTION..." as dump-rules prints it, or "NAME
         * OPTION...": names have no '=', options have or are flags. */
        size_t skip = (words.n >= 2 && !strcmp(words.names[0], "rule")
                       && !strchr(words.names[1], '=')
                       && strcmp(words.names[1], "terminating")
                       && strcmp(words.names[1], "stateful"));
        size_t n = words.n - skip;
        char **w = words.names + skip;
        if (n && w[0][0] != '#') {
            struct vfp_rule *rule;
            e = build_rule(port->vfp_port, w[0], n - 1, (const char **) w + 1,
                           &rule);
            if (!e) {
                e = vfp_group_add_rule(new, rule);
                if (e) {
                    vfp_rule_destroy(rule);
                }
            }
            if (e) {
                error = xasprintf("line %d: %s", line_no, e);
                free(e);
            }
        }
        svec_destroy(&words);
    }
    free(text);

    if (error) {
        vfp_group_destroy(new);
    } else {
        struct vfp_rule *rule;
        HMAP_FOR_EACH (rule, node, &new->rules) {
            resolve_context(port, rule);
        }
        vfp_layer_replace_group(layer, new);
        policy_changed(port, NULL, old, NULL);
    }
    vfp_unixctl_reply(conn, error);
}

/* vfp/del-rule PORT LAYER GROUP RULE */
static void
del_rule(struct unixctl_conn *conn, int argc OVS_UNUSED, const char *argv[],
         void *aux OVS_UNUSED)
{
    struct vfp_ofport *port = NULL;
    struct vfp_layer *layer = NULL;
    struct vfp_group *group = NULL;
    char *error = find_objects(argv, &port, &layer, &group);

    if (!error) {
        struct vfp_rule *rule = vfp_group_remove_rule(group, argv[4]);
        if (!rule) {
            error = vfp_no_such("group", argv[3], "rule", argv[4]);
        } else {
            policy_changed(port, NULL, NULL, rule);
        }
    }
    vfp_unixctl_reply(conn, error);
}

/* Dumps. */

static struct json *
conds_json(const struct vfp_conditions *conds)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    vfp_conditions_format(conds, &s);
    return json_string_create_nocopy(ds_steal_cstr(&s));
}

static struct json *
rule_json(const struct vfp_rule *rule)
{
    struct json *json = json_object_create();

    json_object_put_string(json, "name", rule->name);
    json_object_put(json, "priority", json_integer_create(rule->priority));
    json_object_put(json, "match", conds_json(&rule->conds));
    json_object_put_string(json, "action", rule->action.string);
    json_object_put(json, "terminating",
                    json_boolean_create(rule->terminating));
    json_object_put(json, "stateful", json_boolean_create(rule->stateful));
    if (rule->ttl) {
        json_object_put(json, "ttl", json_integer_create(rule->ttl / 1000));
    }
    if (rule->miss_allow) {
        json_object_put_string(json, "miss", "allow");
    }
    return json;
}

static struct json *
group_json(const struct vfp_group *group, bool with_rules)
{
    struct json *json = json_object_create();

    json_object_put_string(json, "name", group->name);
    json_object_put_string(json, "dir", vfp_dir_name(group->dir));
    json_object_put(json, "priority", json_integer_create(group->priority));
    json_object_put(json, "match", conds_json(&group->conds));
    if (group->lpm) {
        char *type = xasprintf("lpm:%s", vfp_field_name(group->lpm_field));
        json_object_put_string(json, "type", type);
        free(type);
    } else {
        json_object_put_string(json, "type", "priority");
    }
    json_object_put(json, "n_rules",
                    json_integer_create(vfp_group_count_rules(group)));
    if (with_rules) {
        const struct vfp_rule **rules = vfp_group_sorted_rules(group);
        struct json *array = json_array_create_empty();
        for (size_t i = 0; i < vfp_group_count_rules(group); i++) {
            json_array_add(array, rule_json(rules[i]));
        }
        free(rules);
        json_object_put(json, "rules", array);
    }
    return json;
}

static struct json *
layer_json(const struct vfp_layer *layer, bool with_rules)
{
    struct json *json = json_object_create();
    const struct vfp_groups *groups = vfp_layer_groups(layer);
    struct json *array = json_array_create_empty();

    json_object_put_string(json, "name", layer->name);
    json_object_put(json, "priority", json_integer_create(layer->priority));
    json_object_put_string(json, "in_default",
                           layer->block_by_default[VFP_DIR_IN]
                           ? "block" : "allow");
    json_object_put_string(json, "out_default",
                           layer->block_by_default[VFP_DIR_OUT]
                           ? "block" : "allow");
    for (size_t i = 0; i < groups->n; i++) {
        json_array_add(array, group_json(groups->groups[i], with_rules));
    }
    json_object_put(json, "groups", array);
    return json;
}

static void
dump(struct unixctl_conn *conn, int argc, const char *argv[], bool rules)
{
    struct vfp_ofport *port = NULL;
    char *error = find_objects(argv, &port, NULL, NULL);

    if (!error && argc > 2 && !vfp_port_find_layer(port->vfp_port, argv[2])) {
        error = vfp_no_such("port", argv[1], "layer", argv[2]);
    }
    if (error) {
        vfp_unixctl_reply(conn, error);
        return;
    }

    const struct vfp_layers *layers = vfp_port_layers(port->vfp_port);
    struct json *array = json_array_create_empty();
    for (size_t i = 0; i < layers->n; i++) {
        if (argc <= 2 || !strcmp(layers->layers[i]->name, argv[2])) {
            json_array_add(array, layer_json(layers->layers[i], rules));
        }
    }

    struct json *json = json_object_create();
    json_object_put_string(json, "port", argv[1]);
    json_object_put(json, "generation",
                    json_integer_create(vfp_port_generation(port->vfp_port)));
    json_object_put(json, "layers", array);
    vfp_unixctl_reply_json(conn, json);
}

static struct json *
counter_json(const struct vfp_counter *c)
{
    struct json *json = json_object_create();
    uint64_t packets, bytes;

    vfp_counter_read(c, &packets, &bytes);
    json_object_put(json, "packets", json_integer_create(packets));
    json_object_put(json, "bytes", json_integer_create(bytes));
    return json;
}

/* vfp/stats PORT: packets and bytes through the port's layers (by
 * direction), each layer (by direction), each rule, each count(NAME)
 * context, and the packets the port dropped by reason ("drops").  Brings
 * the counters up to date with a revalidation first. */
static void
stats(struct unixctl_conn *conn, int argc OVS_UNUSED, const char *argv[],
      void *aux OVS_UNUSED)
{
    struct vfp_ofport *port = NULL;
    char *error = find_objects(argv, &port, NULL, NULL);

    if (error) {
        vfp_unixctl_reply(conn, error);
        return;
    }
    vfp_revalidate(ofproto_vfp_cast(port->up.ofproto)->backer);

    struct vfp_port *vfp_port = port->vfp_port;
    struct json *json = json_object_create();
    json_object_put_string(json, "port", argv[1]);
    json_object_put(json, "in", counter_json(&vfp_port->stats[VFP_DIR_IN]));
    json_object_put(json, "out", counter_json(&vfp_port->stats[VFP_DIR_OUT]));

    const struct vfp_layers *layers = vfp_port_layers(vfp_port);
    struct json *layers_json = json_array_create_empty();
    for (size_t i = 0; i < layers->n; i++) {
        const struct vfp_layer *layer = layers->layers[i];
        const struct vfp_groups *groups = vfp_layer_groups(layer);
        struct json *lj = json_object_create();
        struct json *rules_json = json_array_create_empty();

        json_object_put_string(lj, "name", layer->name);
        json_object_put(lj, "in", counter_json(&layer->stats[VFP_DIR_IN]));
        json_object_put(lj, "out",
                        counter_json(&layer->stats[VFP_DIR_OUT]));
        for (size_t j = 0; j < groups->n; j++) {
            const struct vfp_group *group = groups->groups[j];
            const struct vfp_rule **rules = vfp_group_sorted_rules(group);

            for (size_t k = 0; k < vfp_group_count_rules(group); k++) {
                struct json *rj = counter_json(&rules[k]->stats->counter);
                json_object_put_string(rj, "group", group->name);
                json_object_put_string(rj, "rule", rules[k]->name);
                json_array_add(rules_json, rj);
            }
            free(rules);
        }
        json_object_put(lj, "rules", rules_json);
        json_array_add(layers_json, lj);
    }
    json_object_put(json, "layers", layers_json);

    struct json *counters_json = json_array_create_empty();
    const struct shash_node **nodes = shash_sort(&vfp_port->counters);
    for (size_t i = 0; i < shash_count(&vfp_port->counters); i++) {
        struct json *cj = counter_json(nodes[i]->data);
        json_object_put_string(cj, "name", nodes[i]->name);
        json_array_add(counters_json, cj);
    }
    free(nodes);
    json_object_put(json, "counters", counters_json);

    /* Only when some were dropped: most ports never see one. */
    uint64_t n_packets, n_bytes;
    vfp_counter_read(&vfp_port->tnl_drops, &n_packets, &n_bytes);
    if (n_packets) {
        json_object_put(json, "tunnel_drops",
                        counter_json(&vfp_port->tnl_drops));
    }
    /* Packets the port dropped before its layers, by reason. */
    struct json *drops_json = json_object_create();
    for (size_t i = 1; i < VFP_MALFORMED_N; i++) {
        json_object_put(drops_json, vfp_malformed_name(i),
                        counter_json(&vfp_port->malformed[i]));
    }
    json_object_put(json, "drops", drops_json);
    vfp_unixctl_reply_json(conn, json);
}

static void
list_layers(struct unixctl_conn *conn, int argc, const char *argv[],
            void *aux OVS_UNUSED)
{
    dump(conn, argc, argv, false);
}

static void
dump_rules(struct unixctl_conn *conn, int argc, const char *argv[],
           void *aux OVS_UNUSED)
{
    dump(conn, argc, argv, true);
}

void
vfp_policy_unixctl_init(void)
{
    unixctl_command_register("vfp/add-layer", "PORT LAYER priority=N "
                             "[in-default=allow|block] "
                             "[out-default=allow|block]", 2, 5, add_layer,
                             NULL);
    unixctl_command_register("vfp/del-layer", "PORT LAYER", 2, 2, del_layer,
                             NULL);
    unixctl_command_register("vfp/list-layers", "PORT", 1, 1, list_layers,
                             NULL);
    unixctl_command_register("vfp/add-group", "PORT LAYER GROUP dir=in|out "
                             "priority=N [match=CONDS] "
                             "[type=priority|lpm:FIELD]", 3, 7, add_group,
                             NULL);
    unixctl_command_register("vfp/del-group", "PORT LAYER GROUP", 3, 3,
                             del_group, NULL);
    unixctl_command_register("vfp/add-rule", "PORT LAYER GROUP RULE "
                             "priority=N [match=CONDS] action=ACTIONS "
                             "[terminating] [stateful] [ttl=SECONDS] "
                             "[miss=drop|allow]", 4, 12, add_rule, NULL);
    unixctl_command_register("vfp/del-rule", "PORT LAYER GROUP RULE", 4, 4,
                             del_rule, NULL);
    unixctl_command_register("vfp/replace-group", "PORT LAYER GROUP RULES",
                             4, 4, replace_group, NULL);
    unixctl_command_register("vfp/dump-rules", "PORT [LAYER]", 1, 2,
                             dump_rules, NULL);
    unixctl_command_register("vfp/stats", "PORT", 1, 1, stats, NULL);
}
