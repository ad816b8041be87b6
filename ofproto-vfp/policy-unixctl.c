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
 * rules, and dump them: argument handling and replies.  Rules are built by
 * the engine (vfp/rule.h, vfp/policy.h), rendered by vfp/policy-json.h, and
 * changes made to take effect by ofproto-vfp/policy-commit.h.
 *
 * Every change is checked completely before anything is modified: bad
 * input gets an error that names the offending token and changes nothing.
 * A change takes effect before the command returns. */

#include <config.h>

#include <string.h>

#include "netdev.h"
#include "ofproto-vfp/ofproto-vfp.h"
#include "ofproto-vfp/policy-commit.h"
#include "ofproto-vfp/revalidator.h"
#include "ofproto-vfp/unixctl-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "smap.h"
#include "svec.h"
#include "unixctl.h"
#include "util.h"
#include "vfp/group.h"
#include "vfp/layer.h"
#include "vfp/parse-util.h"
#include "vfp/policy.h"
#include "vfp/policy-json.h"
#include "vfp/port.h"
#include "vfp/rule.h"

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

/* vfp/add-layer PORT LAYER priority=N [in-default=..] [out-default=..] */
static void
add_layer(struct unixctl_conn *conn, int argc, const char *argv[],
          void *aux OVS_UNUSED)
{
    struct smap o = SMAP_INITIALIZER(&o);
    struct vfp_ofport *port = NULL;
    struct vfp_layer *layer = NULL;
    char *error;

    if ((error = find_objects(argv, &port, NULL, NULL))
        || (error = vfp_check_name("layer", argv[2]))
        || (error = vfp_parse_options(argc - 3, argv + 3,
                                      "priority= in-default= out-default=",
                                      &o))
        || (error = vfp_layer_parse(argv[2], smap_get(&o, "priority"),
                                    smap_get(&o, "in-default"),
                                    smap_get(&o, "out-default"), &layer))) {
        smap_destroy(&o);
        vfp_unixctl_reply(conn, error);
        return;
    }
    smap_destroy(&o);

    error = vfp_port_add_layer(port->vfp_port, layer);
    if (error) {
        vfp_layer_destroy(layer);
    } else {
        vfp_policy_changed(port, NULL, NULL, NULL);
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
        vfp_policy_changed(port, layer, NULL, NULL);
    }
    vfp_unixctl_reply(conn, error);
}

/* vfp/add-group PORT LAYER GROUP dir=in|out priority=N [match=CONDS]
 *               [type=priority|lpm:FIELD] */
static void
add_group(struct unixctl_conn *conn, int argc, const char *argv[],
          void *aux OVS_UNUSED)
{
    struct vfp_ofport *port = NULL;
    struct vfp_layer *layer = NULL;
    struct vfp_group *group = NULL;
    struct smap o = SMAP_INITIALIZER(&o);
    char *error;

    if ((error = find_objects(argv, &port, &layer, NULL))
        || (error = vfp_check_name("group", argv[3]))
        || (error = vfp_parse_options(argc - 4, argv + 4,
                                      "dir= priority= match= type=", &o))
        || (error = vfp_group_parse(argv[3], smap_get(&o, "dir"),
                                    smap_get(&o, "priority"),
                                    smap_get(&o, "match"),
                                    smap_get(&o, "type"), &group))) {
        smap_destroy(&o);
        vfp_unixctl_reply(conn, error);
        return;
    }
    smap_destroy(&o);

    error = vfp_layer_add_group(layer, group);
    if (error) {
        vfp_group_destroy(group);
    } else {
        vfp_policy_changed(port, NULL, NULL, NULL);
    }
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
        vfp_policy_changed(port, NULL, group, NULL);
    }
    vfp_unixctl_reply(conn, error);
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
        || (error = vfp_rule_create(vfp_port_resources(port->vfp_port),
                                    argc - 4, argv + 4, &rule))
        || (error = vfp_policy_add_rule(port->vfp_port, group, rule))) {
        vfp_unixctl_reply(conn, error);
        return;
    }
    vfp_policy_changed(port, NULL, NULL, NULL);
    vfp_unixctl_reply(conn, NULL);
}

/* vfp/replace-group PORT LAYER GROUP RULES
 *
 * Replaces the rules of GROUP by RULES, one per line as add-rule takes them
 * after the group ("RULE priority=N [match=...] action=... [terminating]"),
 * optionally after the word "rule" (so that the rule lines of dump-rules
 * can be fed back); blank lines and lines starting with '#' are skipped.
 * Words are split as vfp_split_words() does.  Atomic: handlers see either
 * the old rules or the new ones, and any error (named with its line)
 * changes nothing. */
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
    vfp_unixctl_reply(conn, vfp_policy_replace_group(port, layer, old,
                                                     argv[4]));
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
            vfp_policy_changed(port, NULL, NULL, rule);
        }
    }
    vfp_unixctl_reply(conn, error);
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

    vfp_unixctl_reply_json(conn, vfp_port_policy_to_json(
                               port->vfp_port, argv[1],
                               argc > 2 ? argv[2] : NULL, rules));
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

    vfp_unixctl_reply_json(conn, vfp_port_stats_to_json(port->vfp_port,
                                                         argv[1]));
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
