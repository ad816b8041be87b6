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
#include "vfp/snapshot.h"

#include <stdarg.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "sset.h"
#include "svec.h"
#include "util.h"
#include "vfp/counter.h"
#include "vfp/group.h"
#include "vfp/layer.h"
#include "vfp/parse-util.h"
#include "vfp/policy.h"
#include "vfp/policy-json.h"
#include "vfp/port.h"
#include "vfp/resource.h"
#include "vfp/rule.h"

/* Writing.
 *
 * Not vfp/policy-json.c's objects, which have the same shape: those are
 * what vfp-ctl displays and may change with it; a saved file's members
 * change only with its version.  The values are the same strings. */

static void
put_counter(struct json *json, const char *packets, const char *bytes,
            const struct vfp_counter *c)
{
    uint64_t n_packets, n_bytes;

    vfp_counter_read(c, &n_packets, &n_bytes);
    /* JSON integers here are signed 64-bit: a counter that wrapped past
     * that saturates rather than turning negative. */
    json_object_put(json, packets,
                    json_integer_create(MIN(n_packets, INT64_MAX)));
    json_object_put(json, bytes,
                    json_integer_create(MIN(n_bytes, INT64_MAX)));
}

static struct json *
object_create(void)
{
    struct json *json = json_object_create();

    json_object_put(json, "version",
                    json_integer_create(VFP_SNAPSHOT_VERSION));
    return json;
}

static struct json *
rule_to_json(const struct vfp_rule *rule)
{
    struct json *json = object_create();

    json_object_put_string(json, "name", rule->name);
    json_object_put(json, "priority", json_integer_create(rule->priority));
    json_object_put(json, "match", vfp_conditions_to_json(&rule->conds));
    json_object_put_string(json, "action", rule->action.string);
    json_object_put(json, "terminating",
                    json_boolean_create(rule->terminating));
    json_object_put(json, "stateful", json_boolean_create(rule->stateful));
    json_object_put(json, "ttl", json_integer_create(rule->ttl / 1000));
    json_object_put_string(json, "miss", rule->miss_allow ? "allow" : "drop");
    put_counter(json, "packets", "bytes", &rule->stats->counter);
    return json;
}

static struct json *
group_to_json(const struct vfp_group *group)
{
    struct json *json = object_create();

    json_object_put_string(json, "name", group->name);
    json_object_put_string(json, "dir", vfp_dir_name(group->dir));
    json_object_put(json, "priority", json_integer_create(group->priority));
    json_object_put(json, "match", vfp_conditions_to_json(&group->conds));
    json_object_put(json, "type", vfp_group_type_to_json(group));

    const struct vfp_rule **rules = vfp_group_sorted_rules(group);
    struct json *array = json_array_create_empty();
    for (size_t i = 0; i < vfp_group_count_rules(group); i++) {
        json_array_add(array, rule_to_json(rules[i]));
    }
    free(rules);
    json_object_put(json, "rules", array);
    return json;
}

static struct json *
layer_to_json(const struct vfp_layer *layer)
{
    struct json *json = object_create();
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
    put_counter(json, "in_packets", "in_bytes", &layer->stats[VFP_DIR_IN]);
    put_counter(json, "out_packets", "out_bytes",
                &layer->stats[VFP_DIR_OUT]);
    for (size_t i = 0; i < groups->n; i++) {
        json_array_add(array, group_to_json(groups->groups[i]));
    }
    json_object_put(json, "groups", array);
    return json;
}

static struct json *
resource_to_json(const struct vfp_resource *res)
{
    struct json *json = object_create();

    json_object_put_string(json, "name", res->name);
    json_object_put_string(json, "type", vfp_resource_type_name(res->type));
    if (res->type == VFP_RESOURCE_RANGE) {
        struct ds ports = DS_EMPTY_INITIALIZER;

        vfp_range_format_ports(res, &ports);
        json_object_put(json, "ports",
                        json_string_create_nocopy(ds_steal_cstr(&ports)));
    } else {
        struct svec entries = SVEC_EMPTY_INITIALIZER;
        struct json *array = json_array_create_empty();
        const char *entry;
        size_t i;

        vfp_map_format_entries(res, &entries);
        SVEC_FOR_EACH (i, entry, &entries) {
            json_array_add(array, json_string_create(entry));
        }
        svec_destroy(&entries);
        json_object_put(json, "entries", array);
    }
    return json;
}

/* The record of 'port': its name, resources, layers and count(NAME)
 * contexts.  Main thread: it owns the policy. */
struct json *
vfp_snapshot_port_to_json(const struct vfp_port *port)
{
    struct json *json = object_create();

    json_object_put_string(json, "name", port->name);

    const struct vfp_resources *resources = vfp_port_resources(port);
    struct json *array = json_array_create_empty();
    for (size_t i = 0; i < resources->n; i++) {
        json_array_add(array, resource_to_json(resources->resources[i]));
    }
    json_object_put(json, "resources", array);

    const struct vfp_layers *layers = vfp_port_layers(port);
    array = json_array_create_empty();
    for (size_t i = 0; i < layers->n; i++) {
        json_array_add(array, layer_to_json(layers->layers[i]));
    }
    json_object_put(json, "layers", array);

    const struct shash_node **nodes = shash_sort(&port->counters);
    array = json_array_create_empty();
    for (size_t i = 0; i < shash_count(&port->counters); i++) {
        struct json *cj = object_create();

        json_object_put_string(cj, "name", nodes[i]->name);
        put_counter(cj, "packets", "bytes", nodes[i]->data);
        json_array_add(array, cj);
    }
    free(nodes);
    json_object_put(json, "counters", array);
    return json;
}

/* The document for 'ports', an array of vfp_snapshot_port_to_json()
 * records, which it takes. */
struct json *
vfp_snapshot_to_json(struct json *ports)
{
    struct json *json = json_object_create();

    json_object_put_string(json, "format", VFP_SNAPSHOT_FORMAT);
    json_object_put(json, "version",
                    json_integer_create(VFP_SNAPSHOT_VERSION));
    json_object_put(json, "ports", ports);
    return json;
}

/* Reading.
 *
 * Each function checks one object completely (type, members, values) and
 * returns a message naming the problem; its caller puts where in front. */

static char * OVS_WARN_UNUSED_RESULT OVS_PRINTF_FORMAT(2, 3)
within(char *error, const char *format, ...)
{
    if (error) {
        struct ds s = DS_EMPTY_INITIALIZER;
        va_list args;

        va_start(args, format);
        ds_put_format_valist(&s, format, args);
        va_end(args);
        ds_put_format(&s, ": %s", error);
        free(error);
        error = ds_steal_cstr(&s);
    }
    return error;
}

/* within() for element 'i' of the array 'array' of objects of type
 * 'what': named by its 'name', quoted (a name that fails its check is
 * printed safely), or by its index while the name is not known. */
static char * OVS_WARN_UNUSED_RESULT
within_named(char *error, const char *what, const char *name,
             const char *array, size_t i)
{
    if (error && name) {
        char *q = vfp_quote(name);

        error = within(error, "%s %s", what, q);
        free(q);
    } else if (error) {
        error = within(error, "%s[%"PRIuSIZE"]", array, i);
    }
    return error;
}

/* Checks that 'json' is an object whose members are all in 'allowed' (a
 * space-separated list) and whose "version" this reader knows. */
static char * OVS_WARN_UNUSED_RESULT
check_object(const struct json *json, const char *allowed)
{
    if (json->type != JSON_OBJECT) {
        return xstrdup("not a JSON object");
    }

    struct shash_node *node;
    SHASH_FOR_EACH (node, json_object(json)) {
        const char *p = allowed;
        size_t len = strlen(node->name);
        bool found = false;

        while (*p && !found) {
            size_t n = strcspn(p, " ");
            found = n == len && !memcmp(p, node->name, n);
            p += n + (p[n] == ' ');
        }
        if (!found) {
            char *q = vfp_quote(node->name);
            char *error = xasprintf("unknown member %s", q);
            free(q);
            return error;
        }
    }

    const struct json *v = shash_find_data(json_object(json), "version");
    if (!v) {
        return xstrdup("\"version\" is missing");
    } else if (v->type != JSON_INTEGER || json_integer(v) < 1) {
        return xstrdup("\"version\" is not a positive integer");
    } else if (json_integer(v) > VFP_SNAPSHOT_VERSION) {
        return xasprintf("version %"PRId64" is newer than this reader's %d",
                         json_integer(v), VFP_SNAPSHOT_VERSION);
    }
    return NULL;
}

static const struct json *
member(const struct json *json, const char *name)
{
    return shash_find_data(json_object(json), name);
}

/* The "name" of object 'json', if it has one that is a string, to say
 * where an error is before the object is checked. */
static const char *
peek_name(const struct json *json)
{
    const struct json *name = (json->type == JSON_OBJECT
                               ? member(json, "name") : NULL);

    return name && name->type == JSON_STRING ? json_string(name) : NULL;
}

static char * OVS_WARN_UNUSED_RESULT
get_string(const struct json *json, const char *name, bool required,
           const char **s)
{
    const struct json *v = member(json, name);

    *s = NULL;
    if (!v) {
        return required ? xasprintf("\"%s\" is missing", name) : NULL;
    } else if (v->type != JSON_STRING) {
        return xasprintf("\"%s\" is not a string", name);
    }
    *s = json_string(v);
    return NULL;
}

static char * OVS_WARN_UNUSED_RESULT
get_uint(const struct json *json, const char *name, bool required,
         uint64_t max, uint64_t *n)
{
    const struct json *v = member(json, name);

    *n = 0;
    if (!v) {
        return required ? xasprintf("\"%s\" is missing", name) : NULL;
    } else if (v->type != JSON_INTEGER || json_integer(v) < 0
               || json_integer(v) > max) {
        return xasprintf("\"%s\" is not an integer from 0 to %"PRIu64,
                         name, max);
    }
    *n = json_integer(v);
    return NULL;
}

static char * OVS_WARN_UNUSED_RESULT
get_bool(const struct json *json, const char *name, bool *b)
{
    const struct json *v = member(json, name);

    *b = false;
    if (!v) {
        return xasprintf("\"%s\" is missing", name);
    } else if (v->type != JSON_TRUE && v->type != JSON_FALSE) {
        return xasprintf("\"%s\" is not true or false", name);
    }
    *b = v->type == JSON_TRUE;
    return NULL;
}

static char * OVS_WARN_UNUSED_RESULT
get_array(const struct json *json, const char *name,
          const struct json_array **array)
{
    static const struct json_array empty;
    const struct json *v = member(json, name);

    *array = &empty;
    if (!v) {
        return xasprintf("\"%s\" is missing", name);
    } else if (v->type != JSON_ARRAY) {
        return xasprintf("\"%s\" is not an array", name);
    }
    *array = json_array(v);
    return NULL;
}

/* Adds 'packets' and 'bytes' of 'json' to 'c', a counter that starts at
 * zero. */
static char * OVS_WARN_UNUSED_RESULT
read_counter(const struct json *json, const char *packets,
             const char *bytes, struct vfp_counter *c)
{
    uint64_t n_packets, n_bytes;
    char *error;

    if ((error = get_uint(json, packets, true, INT64_MAX, &n_packets))
        || (error = get_uint(json, bytes, true, INT64_MAX, &n_bytes))) {
        return error;
    }
    vfp_counter_add(c, n_packets, n_bytes);
    return NULL;
}

static char * OVS_WARN_UNUSED_RESULT
read_resource(const struct json *json, size_t idx, struct vfp_port *port)
{
    const struct json_array *entries;
    const char *name = peek_name(json), *type, *ports;
    char *error;

    if ((error = check_object(json, "version name type ports entries"))
        || (error = get_string(json, "name", true, &name))
        || (error = vfp_check_name("resource", name))) {
        goto out;
    }
    static const struct json_array no_entries;
    entries = &no_entries;
    ports = NULL;
    if ((error = get_string(json, "type", true, &type))) {
        goto out;
    }
    if (!strcmp(type, "map")) {
        error = (member(json, "ports") ? xstrdup("a map has no \"ports\"")
                 : get_array(json, "entries", &entries));
    } else if (!strcmp(type, "range")) {
        error = (member(json, "entries")
                 ? xstrdup("a range has no \"entries\"")
                 : get_string(json, "ports", true, &ports));
    }
    if (error) {
        goto out;
    }

    struct vfp_resource *res;
    error = vfp_resource_create(name, type, ports, &res);
    if (error) {
        goto out;
    }
    for (size_t i = 0; i < entries->n && !error; i++) {
        const struct json *e = entries->elems[i];
        struct svec words = SVEC_EMPTY_INITIALIZER;
        struct vfp_mapping mapping;
        struct in6_addr key;

        if (e->type != JSON_STRING) {
            error = xstrdup("not a string");
        } else if (!(error = vfp_split_words(json_string(e), &words))) {
            if (!words.n) {
                error = xstrdup("empty");
            } else if (!(error = vfp_map_parse_entry(words.names[0],
                                                     words.names + 1,
                                                     words.n - 1, &key,
                                                     &mapping))) {
                if (vfp_map_lookup(res, &key)) {
                    error = xstrdup("a second entry for this address");
                } else {
                    vfp_map_set(res, &key, &mapping);
                }
            }
        }
        svec_destroy(&words);
        error = within(error, "entries[%"PRIuSIZE"]", i);
    }
    if (!error) {
        error = vfp_port_add_resource(port, res);
    }
    if (error) {
        vfp_resource_destroy(res);
    }

out:
    return within_named(error, "resource", name, "resources", idx);
}

static char * OVS_WARN_UNUSED_RESULT
read_rule(const struct json *json, size_t idx, struct vfp_port *port,
          struct vfp_group *group)
{
    const char *name = peek_name(json), *match, *action, *miss;
    bool terminating, stateful;
    uint64_t priority, ttl;
    char *error;

    if ((error = check_object(json, "version name priority match action "
                              "terminating stateful ttl miss packets "
                              "bytes"))
        || (error = get_string(json, "name", true, &name))
        || (error = vfp_check_name("rule", name))) {
        goto out;
    }
    if ((error = get_uint(json, "priority", true, UINT16_MAX, &priority))
        || (error = get_string(json, "match", true, &match))
        || (error = get_string(json, "action", true, &action))
        || (error = get_bool(json, "terminating", &terminating))
        || (error = get_bool(json, "stateful", &stateful))
        || (error = get_uint(json, "ttl", true, UINT32_MAX / 1000, &ttl))
        || (error = get_string(json, "miss", true, &miss))) {
        goto out;
    }

    /* The words of add-rule after the group: the rule parser checks them
     * as it checks a command. */
    struct svec words = SVEC_EMPTY_INITIALIZER;
    svec_add(&words, name);
    svec_add_nocopy(&words, xasprintf("priority=%"PRIu64, priority));
    if (match && match[0]) {
        svec_add_nocopy(&words, xasprintf("match=%s", match));
    }
    svec_add_nocopy(&words, xasprintf("action=%s", action));
    if (terminating) {
        svec_add(&words, "terminating");
    }
    if (stateful) {
        svec_add(&words, "stateful");
    }
    if (ttl) {
        svec_add_nocopy(&words, xasprintf("ttl=%"PRIu64, ttl));
    }
    if (miss) {
        svec_add_nocopy(&words, xasprintf("miss=%s", miss));
    }

    struct vfp_rule *rule;
    error = vfp_rule_create(vfp_port_resources(port), words.n,
                            (const char *const *) words.names, &rule);
    svec_destroy(&words);
    if (!error) {
        struct vfp_shared_counter *stats = rule->stats;

        error = vfp_policy_add_rule(port, group, rule);
        if (!error) {
            error = read_counter(json, "packets", "bytes", &stats->counter);
        }
    }

out:
    return within_named(error, "rule", name, "rules", idx);
}

static char * OVS_WARN_UNUSED_RESULT
read_group(const struct json *json, size_t idx, struct vfp_port *port,
           struct vfp_layer *layer)
{
    const char *name = peek_name(json), *dir, *match, *type;
    const struct json_array *rules;
    struct vfp_group *group = NULL;
    uint64_t priority;
    char *error;

    if ((error = check_object(json, "version name dir priority match type "
                              "rules"))
        || (error = get_string(json, "name", true, &name))) {
        goto out;
    }
    if ((error = get_string(json, "dir", true, &dir))
        || (error = get_uint(json, "priority", true, UINT16_MAX, &priority))
        || (error = get_string(json, "match", true, &match))
        || (error = get_string(json, "type", true, &type))
        || (error = get_array(json, "rules", &rules))) {
        goto out;
    }

    char *prio = xasprintf("%"PRIu64, priority);
    error = vfp_group_parse(name, dir, prio, match && match[0] ? match : NULL,
                            type, &group);
    free(prio);
    if (error) {
        goto out;
    }
    for (size_t i = 0; i < rules->n && !error; i++) {
        error = read_rule(rules->elems[i], i, port, group);
    }
    if (!error) {
        error = vfp_layer_add_group(layer, group);
    }
    if (error) {
        vfp_group_destroy(group);
    }

out:
    return within_named(error, "group", name, "groups", idx);
}

static char * OVS_WARN_UNUSED_RESULT
read_layer(const struct json *json, size_t idx, struct vfp_port *port)
{
    const char *name = peek_name(json), *in_default, *out_default;
    const struct json_array *groups;
    struct vfp_layer *layer = NULL;
    uint64_t priority;
    char *error;

    if ((error = check_object(json, "version name priority in_default "
                              "out_default in_packets in_bytes out_packets "
                              "out_bytes groups"))
        || (error = get_string(json, "name", true, &name))) {
        goto out;
    }
    if ((error = get_uint(json, "priority", true, UINT16_MAX, &priority))
        || (error = get_string(json, "in_default", true, &in_default))
        || (error = get_string(json, "out_default", true, &out_default))
        || (error = get_array(json, "groups", &groups))) {
        goto out;
    }

    char *prio = xasprintf("%"PRIu64, priority);
    error = vfp_layer_parse(name, prio, in_default, out_default, &layer);
    free(prio);
    if (error) {
        goto out;
    }
    if (!(error = read_counter(json, "in_packets", "in_bytes",
                               &layer->stats[VFP_DIR_IN]))) {
        error = read_counter(json, "out_packets", "out_bytes",
                             &layer->stats[VFP_DIR_OUT]);
    }
    for (size_t i = 0; i < groups->n && !error; i++) {
        error = read_group(groups->elems[i], i, port, layer);
    }
    if (!error) {
        error = vfp_port_add_layer(port, layer);
    }
    if (error) {
        vfp_layer_destroy(layer);
    }

out:
    return within_named(error, "layer", name, "layers", idx);
}

static char * OVS_WARN_UNUSED_RESULT
read_counters(const struct json_array *counters, struct vfp_port *port)
{
    struct sset seen = SSET_INITIALIZER(&seen);
    char *error = NULL;

    for (size_t i = 0; i < counters->n && !error; i++) {
        const struct json *json = counters->elems[i];
        const char *name;

        if ((error = check_object(json, "version name packets bytes"))
            || (error = get_string(json, "name", true, &name))
            || (error = vfp_check_name("counter", name))) {
            error = within(error, "counters[%"PRIuSIZE"]", i);
        } else if (!sset_add(&seen, name)) {
            error = within_named(xstrdup("a second record of this counter"),
                                 "counter", name, "counters", i);
        } else {
            /* Rules already made the counters they count in (at zero). */
            error = within_named(read_counter(json, "packets", "bytes",
                                              vfp_port_get_counter(port,
                                                                   name)),
                                 "counter", name, "counters", i);
        }
    }
    sset_destroy(&seen);
    return error;
}

static char * OVS_WARN_UNUSED_RESULT
read_port(const struct json *json, size_t idx, struct vfp_port **portp)
{
    const struct json_array *resources, *layers, *counters;
    const char *name = peek_name(json);
    char *error;

    *portp = NULL;
    if ((error = check_object(json, "version name resources layers "
                              "counters"))
        || (error = get_string(json, "name", true, &name))) {
        return within_named(error, "port", peek_name(json), "ports", idx);
    }
    if (!name[0]) {
        error = xstrdup("the port name is empty");
    } else {
        error = vfp_check_chars(name, "port name");
    }
    if (error) {
        return within_named(error, "port", NULL, "ports", idx);
    }

    struct vfp_port *port = vfp_port_create(name);
    if ((error = get_array(json, "resources", &resources))
        || (error = get_array(json, "layers", &layers))
        || (error = get_array(json, "counters", &counters))) {
        goto out;
    }
    for (size_t i = 0; i < resources->n && !error; i++) {
        error = read_resource(resources->elems[i], i, port);
    }
    for (size_t i = 0; i < layers->n && !error; i++) {
        error = read_layer(layers->elems[i], i, port);
    }
    if (!error) {
        error = read_counters(counters, port);
    }

out:
    if (error) {
        vfp_port_destroy(port);
        return within_named(error, "port", name, "ports", idx);
    }
    *portp = port;
    return NULL;
}

/* Parses the document 'text' and builds each of its ports into
 * 'snapshot', which the caller destroys with vfp_snapshot_destroy().  On
 * error, returns a message that says where and leaves 'snapshot' empty. */
char *
vfp_snapshot_read(const char *text, struct vfp_snapshot *snapshot)
{
    const struct json_array *ports;
    struct json *json = json_from_string(text);
    const struct json *format = (json->type == JSON_OBJECT
                                 ? member(json, "format") : NULL);
    char *error = NULL;

    shash_init(&snapshot->ports);
    if (json->type == JSON_STRING) {
        /* OVS's parser returns its message as a string. */
        error = xasprintf("not JSON: %s", json_string(json));
    } else if (json->type == JSON_OBJECT
               && (!format || format->type != JSON_STRING
                   || strcmp(json_string(format), VFP_SNAPSHOT_FORMAT))) {
        error = xstrdup("not a VFP state file (its \"format\" is not \""
                        VFP_SNAPSHOT_FORMAT "\")");
    } else if (!(error = check_object(json, "format version ports"))
               && !(error = get_array(json, "ports", &ports))) {
        for (size_t i = 0; i < ports->n && !error; i++) {
            struct vfp_port *port;

            error = read_port(ports->elems[i], i, &port);
            if (!error && !shash_add_once(&snapshot->ports, port->name,
                                          port)) {
                error = xasprintf("ports[%"PRIuSIZE"]: a second record of "
                                  "port \"%s\"", i, port->name);
                vfp_port_destroy(port);
            }
        }
    }
    json_destroy(json);
    if (error) {
        vfp_snapshot_destroy(snapshot);
        shash_init(&snapshot->ports);
    }
    return error;
}

/* Destroys the ports left in 'snapshot' (those not taken out of it). */
void
vfp_snapshot_destroy(struct vfp_snapshot *snapshot)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &snapshot->ports) {
        vfp_port_destroy(node->data);
    }
    shash_destroy(&snapshot->ports);
}
