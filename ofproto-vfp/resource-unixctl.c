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


/* The "vfp/" unixctl commands for resources (VFP section 5.5): add and
 * delete a port's map and range resources and map entries, dump them, and
 * read the events that their misses raise.
 *
 * A change to a resource takes effect as a policy change does: the port's
 * generation is bumped and its unified flows are recomputed, so that the
 * packet after "add-entry" sees the new mapping (a miss left a dropping UF
 * behind).  Connections keep what they got (a stateful encap keeps its
 * mapping, an SNAT its port). */

#include <config.h>

#include <string.h>

#include "ofproto-vfp/ofproto-vfp.h"
#include "ofproto-vfp/policy-commit.h"
#include "ofproto-vfp/unixctl-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "ovs-rcu.h"
#include "unixctl.h"
#include "util.h"
#include "vfp/event.h"
#include "vfp/parse-util.h"
#include "vfp/port.h"
#include "vfp/resource.h"
#include "vfp/rule.h"

/* Finds PORT 'argv[1]' and, if 'name' is nonnull, its resource 'name'. */
static char * OVS_WARN_UNUSED_RESULT
find_resource(const char *argv[], const char *name,
              struct vfp_ofport **portp, struct vfp_resource **resp)
{
    char *error;

    *portp = vfp_ofport_find(argv[1], &error);
    if (!*portp) {
        return error;
    }
    if (name) {
        *resp = vfp_port_find_resource((*portp)->vfp_port, name);
        if (!*resp) {
            return vfp_no_such("port", argv[1], "resource", name);
        }
    }
    return NULL;
}

/* vfp/add-resource PORT NAME type=map|range [ports=LIST] */
static void
add_resource(struct unixctl_conn *conn, int argc, const char *argv[],
             void *aux OVS_UNUSED)
{
    struct vfp_ofport *port;
    const char *type = NULL, *ports = NULL;
    char *error = find_resource(argv, NULL, &port, NULL);

    if (!error) {
        error = vfp_check_name("resource", argv[2]);
    }
    for (int i = 3; i < argc && !error; i++) {
        if (!strncmp(argv[i], "type=", 5) && !type) {
            type = argv[i] + 5;
        } else if (!strncmp(argv[i], "ports=", 6) && !ports) {
            ports = argv[i] + 6;
        } else {
            error = xasprintf("\"%s\" is not an option here (options: type= "
                              "ports=)", argv[i]);
        }
    }
    if (!error && !type) {
        error = xstrdup("type=map or type=range is required");
    }

    struct vfp_resource *res = NULL;
    if (!error) {
        error = vfp_resource_create(argv[2], type, ports, &res);
    }
    if (!error) {
        error = vfp_port_add_resource(port->vfp_port, res);
        if (error) {
            vfp_resource_destroy(res);
        }
    }
    vfp_unixctl_reply(conn, error);
}

/* vfp/del-resource PORT NAME */
static void
del_resource(struct unixctl_conn *conn, int argc OVS_UNUSED,
             const char *argv[], void *aux OVS_UNUSED)
{
    struct vfp_ofport *port;
    struct vfp_resource *res;
    char *error = find_resource(argv, argv[2], &port, &res);

    if (!error) {
        error = vfp_port_check_resource_unused(port->vfp_port, res);
    }
    if (!error) {
        vfp_port_remove_resource(port->vfp_port, argv[2]);
        vfp_policy_commit(port);
        vfp_resource_destroy(res);
    }
    vfp_unixctl_reply(conn, error);
}

static char * OVS_WARN_UNUSED_RESULT
find_map(const char *argv[], struct vfp_ofport **portp,
         struct vfp_resource **resp)
{
    char *error = find_resource(argv, argv[2], portp, resp);

    if (!error && (*resp)->type != VFP_RESOURCE_MAP) {
        error = xasprintf("resource %s is a %s, not a map", argv[2],
                          vfp_resource_type_name((*resp)->type));
    }
    return error;
}

/* vfp/add-entry PORT MAP ADDRESS [dst-ip=IP] [dst-mac=MAC] [key=N] */
static void
add_entry(struct unixctl_conn *conn, int argc, const char *argv[],
          void *aux OVS_UNUSED)
{
    struct vfp_ofport *port;
    struct vfp_resource *res;
    char *error = find_map(argv, &port, &res);
    struct vfp_mapping mapping;
    struct in6_addr key;

    if (!error) {
        error = vfp_map_parse_entry(argv[3], (char *const *) argv + 4,
                                    argc - 4, &key, &mapping);
    }
    if (!error) {
        vfp_map_set(res, &key, &mapping);
        vfp_policy_commit(port);
    }
    vfp_unixctl_reply(conn, error);
}

/* vfp/del-entry PORT MAP ADDRESS */
static void
del_entry(struct unixctl_conn *conn, int argc OVS_UNUSED, const char *argv[],
          void *aux OVS_UNUSED)
{
    struct vfp_ofport *port;
    struct vfp_resource *res;
    char *error = find_map(argv, &port, &res);
    struct in6_addr key;

    if (!error) {
        error = vfp_map_parse_key(argv[3], &key);
    }
    if (!error) {
        if (vfp_map_delete(res, &key)) {
            vfp_policy_commit(port);
        } else {
            error = vfp_no_such("map", argv[2], "entry", argv[3]);
        }
    }
    vfp_unixctl_reply(conn, error);
}

/* vfp/dump-resources PORT [NAME] */
static void
dump_resources(struct unixctl_conn *conn, int argc, const char *argv[],
               void *aux OVS_UNUSED)
{
    struct vfp_ofport *port;
    struct vfp_resource *res = NULL;
    char *error = find_resource(argv, argc > 2 ? argv[2] : NULL, &port,
                                &res);

    if (error) {
        vfp_unixctl_reply(conn, error);
        return;
    }

    const struct vfp_resources *resources = vfp_port_resources(port->vfp_port);
    struct json *array = json_array_create_empty();
    for (size_t i = 0; i < resources->n; i++) {
        const struct vfp_resource *r = resources->resources[i];

        if (!res || r == res) {
            struct ds s = DS_EMPTY_INITIALIZER;

            vfp_resource_format(r, true, &s);
            json_array_add(array,
                           json_string_create_nocopy(ds_steal_cstr(&s)));
        }
    }

    struct json *json = json_object_create();
    json_object_put_string(json, "port", argv[1]);
    json_object_put(json, "resources", array);
    vfp_unixctl_reply_json(conn, json);
}

static void
event_to_json(const struct vfp_event *e, void *array_)
{
    struct json *array = array_;
    struct json *json = json_object_create();

    json_object_put(json, "seq", json_integer_create(e->seq));
    json_object_put(json, "time_ms", json_integer_create(e->time));
    json_object_put_string(json, "port", e->port);
    json_object_put_string(json, "type", e->type);
    json_object_put_string(json, "resource", e->resource);
    json_object_put_string(json, "detail", e->detail);
    json_array_add(array, json);
}

/* vfp/events AFTER [PORT]: the events numbered above AFTER, and the number
 * of the last event ("vfp-ctl monitor" polls this). */
static void
events(struct unixctl_conn *conn, int argc, const char *argv[],
       void *aux OVS_UNUSED)
{
    const char *port = argc > 2 ? argv[2] : NULL;
    uint64_t after;
    char *error;

    if (!vfp_parse_uint(argv[1], UINT64_MAX, &after)) {
        vfp_unixctl_reply(conn, xasprintf("\"%s\" is not an event number",
                                          argv[1]));
        return;
    }
    if (port && !vfp_ofport_find(port, &error)) {
        vfp_unixctl_reply(conn, error);
        return;
    }

    struct json *array = json_array_create_empty();
    uint64_t last = vfp_event_read(after, port, event_to_json, array);
    struct json *json = json_object_create();
    json_object_put(json, "last", json_integer_create(last));
    json_object_put(json, "events", array);
    vfp_unixctl_reply_json(conn, json);
}

void
vfp_resource_unixctl_init(void)
{
    unixctl_command_register("vfp/add-resource", "PORT NAME type=map|range "
                             "[ports=LIST]", 3, 4, add_resource, NULL);
    unixctl_command_register("vfp/del-resource", "PORT NAME", 2, 2,
                             del_resource, NULL);
    unixctl_command_register("vfp/add-entry", "PORT MAP ADDRESS "
                             "[dst-ip=IP] [dst-mac=MAC] [key=N]", 4, 6,
                             add_entry, NULL);
    unixctl_command_register("vfp/del-entry", "PORT MAP ADDRESS", 3, 3,
                             del_entry, NULL);
    unixctl_command_register("vfp/dump-resources", "PORT [NAME]", 1, 2,
                             dump_resources, NULL);
    unixctl_command_register("vfp/events", "AFTER [PORT]", 1, 2, events,
                             NULL);
}
