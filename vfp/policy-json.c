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
#include "vfp/policy-json.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "util.h"
#include "vfp/counter.h"
#include "vfp/group.h"
#include "vfp/layer.h"
#include "vfp/packet-check.h"
#include "vfp/port.h"
#include "vfp/rule.h"

/* 'conds' as a string in the commands' grammar. */
struct json *
vfp_conditions_to_json(const struct vfp_conditions *conds)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    vfp_conditions_format(conds, &s);
    return json_string_create_nocopy(ds_steal_cstr(&s));
}

/* The type of 'group' as add-group's type= takes it. */
struct json *
vfp_group_type_to_json(const struct vfp_group *group)
{
    return (group->lpm
            ? json_string_create_nocopy(
                xasprintf("lpm:%s", vfp_field_name(group->lpm_field)))
            : json_string_create("priority"));
}

struct json *
vfp_counter_to_json(const struct vfp_counter *c)
{
    struct json *json = json_object_create();
    uint64_t packets, bytes;

    vfp_counter_read(c, &packets, &bytes);
    json_object_put(json, "packets", json_integer_create(packets));
    json_object_put(json, "bytes", json_integer_create(bytes));
    return json;
}

struct json *
vfp_rule_to_json(const struct vfp_rule *rule)
{
    struct json *json = json_object_create();

    json_object_put_string(json, "name", rule->name);
    json_object_put(json, "priority", json_integer_create(rule->priority));
    json_object_put(json, "match", vfp_conditions_to_json(&rule->conds));
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

struct json *
vfp_group_to_json(const struct vfp_group *group, bool with_rules)
{
    struct json *json = json_object_create();

    json_object_put_string(json, "name", group->name);
    json_object_put_string(json, "dir", vfp_dir_name(group->dir));
    json_object_put(json, "priority", json_integer_create(group->priority));
    json_object_put(json, "match", vfp_conditions_to_json(&group->conds));
    json_object_put(json, "type", vfp_group_type_to_json(group));
    json_object_put(json, "n_rules",
                    json_integer_create(vfp_group_count_rules(group)));
    if (with_rules) {
        const struct vfp_rule **rules = vfp_group_sorted_rules(group);
        struct json *array = json_array_create_empty();
        for (size_t i = 0; i < vfp_group_count_rules(group); i++) {
            json_array_add(array, vfp_rule_to_json(rules[i]));
        }
        free(rules);
        json_object_put(json, "rules", array);
    }
    return json;
}

struct json *
vfp_layer_to_json(const struct vfp_layer *layer, bool with_rules)
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
        json_array_add(array, vfp_group_to_json(groups->groups[i],
                                                with_rules));
    }
    json_object_put(json, "groups", array);
    return json;
}

/* The layers of 'port' (named 'port_name'), or only the one named 'layer'
 * if nonnull, with their groups, and the groups' rules if 'with_rules'. */
struct json *
vfp_port_policy_to_json(const struct vfp_port *port, const char *port_name,
                        const char *layer, bool with_rules)
{
    const struct vfp_layers *layers = vfp_port_layers(port);
    struct json *array = json_array_create_empty();
    for (size_t i = 0; i < layers->n; i++) {
        if (!layer || !strcmp(layers->layers[i]->name, layer)) {
            json_array_add(array, vfp_layer_to_json(layers->layers[i],
                                                    with_rules));
        }
    }

    struct json *json = json_object_create();
    json_object_put_string(json, "port", port_name);
    json_object_put(json, "generation",
                    json_integer_create(vfp_port_generation(port)));
    json_object_put(json, "layers", array);
    return json;
}

/* Packets and bytes through the layers of 'port' (by direction), each layer
 * (by direction), each rule, each count(NAME) context, and the packets the
 * port dropped by reason ("drops"). */
struct json *
vfp_port_stats_to_json(const struct vfp_port *port, const char *port_name)
{
    struct json *json = json_object_create();
    json_object_put_string(json, "port", port_name);
    json_object_put(json, "in",
                    vfp_counter_to_json(&port->stats[VFP_DIR_IN]));
    json_object_put(json, "out",
                    vfp_counter_to_json(&port->stats[VFP_DIR_OUT]));

    const struct vfp_layers *layers = vfp_port_layers(port);
    struct json *layers_json = json_array_create_empty();
    for (size_t i = 0; i < layers->n; i++) {
        const struct vfp_layer *layer = layers->layers[i];
        const struct vfp_groups *groups = vfp_layer_groups(layer);
        struct json *lj = json_object_create();
        struct json *rules_json = json_array_create_empty();

        json_object_put_string(lj, "name", layer->name);
        json_object_put(lj, "in",
                        vfp_counter_to_json(&layer->stats[VFP_DIR_IN]));
        json_object_put(lj, "out",
                        vfp_counter_to_json(&layer->stats[VFP_DIR_OUT]));
        for (size_t j = 0; j < groups->n; j++) {
            const struct vfp_group *group = groups->groups[j];
            const struct vfp_rule **rules = vfp_group_sorted_rules(group);

            for (size_t k = 0; k < vfp_group_count_rules(group); k++) {
                struct json *rj
                    = vfp_counter_to_json(&rules[k]->stats->counter);
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
    const struct shash_node **nodes = shash_sort(&port->counters);
    for (size_t i = 0; i < shash_count(&port->counters); i++) {
        struct json *cj = vfp_counter_to_json(nodes[i]->data);
        json_object_put_string(cj, "name", nodes[i]->name);
        json_array_add(counters_json, cj);
    }
    free(nodes);
    json_object_put(json, "counters", counters_json);

    /* Only when some were dropped: most ports never see one. */
    uint64_t n_packets, n_bytes;
    vfp_counter_read(&port->tnl_drops, &n_packets, &n_bytes);
    if (n_packets) {
        json_object_put(json, "tunnel_drops",
                        vfp_counter_to_json(&port->tnl_drops));
    }
    /* Packets the port dropped before its layers, by reason. */
    struct json *drops_json = json_object_create();
    for (size_t i = 1; i < VFP_MALFORMED_N; i++) {
        json_object_put(drops_json, vfp_malformed_name(i),
                        vfp_counter_to_json(&port->malformed[i]));
    }
    json_object_put(json, "drops", drops_json);
    return json;
}
