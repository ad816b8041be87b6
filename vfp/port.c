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
#include "vfp/port.h"

#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "util.h"
#include "vfp/group.h"
#include "vfp/layer.h"
#include "vfp/resource.h"
#include "vfp/rule.h"

struct vfp_port *
vfp_port_create(const char *name)
{
    struct vfp_port *port = xzalloc(sizeof *port);

    port->name = xstrdup(name);
    ovsrcu_set_hidden(&port->layers, xzalloc(sizeof(struct vfp_layers)));
    ovsrcu_set_hidden(&port->resources,
                      xzalloc(sizeof(struct vfp_resources)));
    vfp_conns_init(&port->conns);
    atomic_init(&port->generation, 1);
    vfp_counter_init(&port->stats[VFP_DIR_IN]);
    vfp_counter_init(&port->stats[VFP_DIR_OUT]);
    vfp_counter_init(&port->tnl_drops);
    for (size_t i = 0; i < ARRAY_SIZE(port->malformed); i++) {
        vfp_counter_init(&port->malformed[i]);
    }
    shash_init(&port->counters);
    return port;
}

/* The caller waited for readers to finish. */
void
vfp_port_destroy(struct vfp_port *port)
{
    if (port) {
        struct vfp_layers *layers = ovsrcu_get_protected(struct vfp_layers *,
                                                         &port->layers);
        for (size_t i = 0; i < layers->n; i++) {
            vfp_port_destroy_layer(port, layers->layers[i]);
        }
        free(layers);
        vfp_conns_destroy(&port->conns);

        struct vfp_resources *resources = ovsrcu_get_protected(
            struct vfp_resources *, &port->resources);
        for (size_t i = 0; i < resources->n; i++) {
            vfp_resource_destroy(resources->resources[i]);
        }
        free(resources);
        shash_destroy_free_data(&port->counters);
        free(port->name);
        free(port);
    }
}

const struct vfp_layers *
vfp_port_layers(const struct vfp_port *port)
{
    return ovsrcu_get(struct vfp_layers *, &port->layers);
}

uint64_t
vfp_port_generation(const struct vfp_port *port)
{
    uint64_t generation;

    atomic_read_relaxed(&CONST_CAST(struct vfp_port *, port)->generation,
                        &generation);
    return generation;
}

void
vfp_port_changed(struct vfp_port *port)
{
    uint64_t orig;

    atomic_add(&port->generation, 1, &orig);
}

/* Returns the count(NAME) counter 'name' of 'port', creating it at zero. */
struct vfp_counter *
vfp_port_get_counter(struct vfp_port *port, const char *name)
{
    struct vfp_counter *counter = shash_find_data(&port->counters, name);

    if (!counter) {
        counter = xmalloc(sizeof *counter);
        vfp_counter_init(counter);
        shash_add(&port->counters, name, counter);
    }
    return counter;
}

struct vfp_layer *
vfp_port_find_layer(const struct vfp_port *port, const char *name)
{
    const struct vfp_layers *layers = vfp_port_layers(port);

    for (size_t i = 0; i < layers->n; i++) {
        if (!strcmp(layers->layers[i]->name, name)) {
            return layers->layers[i];
        }
    }
    return NULL;
}

static int
compare_layers(const void *a_, const void *b_)
{
    const struct vfp_layer *const *a = a_, *const *b = b_;

    return ((*a)->priority > (*b)->priority) - ((*a)->priority
                                                < (*b)->priority);
}

static void
publish_layers(struct vfp_port *port, struct vfp_layer *add, const char *del)
{
    struct vfp_layers *old = ovsrcu_get_protected(struct vfp_layers *,
                                                  &port->layers);
    struct vfp_layers *new = xzalloc(sizeof *new
                                     + (old->n + 1) * sizeof *new->layers);

    for (size_t i = 0; i < old->n; i++) {
        if (!del || strcmp(old->layers[i]->name, del)) {
            new->layers[new->n++] = old->layers[i];
        }
    }
    if (add) {
        new->layers[new->n++] = add;
    }
    qsort(new->layers, new->n, sizeof *new->layers, compare_layers);
    ovsrcu_set(&port->layers, new);
    ovsrcu_postpone(free, old);
}

/* Adds 'layer' to 'port', which takes ownership of it on success.  Names
 * and priorities are unique per port: two layers at one priority would have
 * no order. */
char *
vfp_port_add_layer(struct vfp_port *port, struct vfp_layer *layer)
{
    const struct vfp_layers *layers = vfp_port_layers(port);

    for (size_t i = 0; i < layers->n; i++) {
        if (!strcmp(layers->layers[i]->name, layer->name)) {
            return xasprintf("the port already has a layer %s",
                             layer->name);
        }
        if (layers->layers[i]->priority == layer->priority) {
            return xasprintf("priority %"PRIu16" is taken by layer %s: "
                             "layers need distinct priorities",
                             layer->priority, layers->layers[i]->name);
        }
    }
    publish_layers(port, layer, NULL);
    return NULL;
}

/* Destroys 'layer', removed from 'port' a grace period ago, and its layer
 * flows. */
void
vfp_port_destroy_layer(struct vfp_port *port, struct vfp_layer *layer)
{
    if (layer) {
        vfp_conns_forget_layer(&port->conns, layer);
        vfp_layer_destroy(layer);
    }
}

/* Unpublishes the layer named 'name' and returns it, for the caller to
 * destroy with vfp_port_destroy_layer() after a grace period; NULL if there
 * is none. */
struct vfp_layer *
vfp_port_remove_layer(struct vfp_port *port, const char *name)
{
    struct vfp_layer *layer = vfp_port_find_layer(port, name);

    if (layer) {
        publish_layers(port, NULL, name);
    }
    return layer;
}

/* Replaces the policy of 'port' (its layers, resources and count(NAME)
 * counters) by that of 'staging', a port that no handler sees, and gives
 * 'staging' the old policy.  The caller then makes the change take effect
 * (vfp_port_changed(), a grace period, revalidation) and destroys the old
 * policy with vfp_port_destroy_replaced().
 *
 * A packet sees the old policy or the new one, never new resources with old
 * layers: handlers read the layers, then the resources, so the port first
 * drops every packet with a layer of its own, and the resources change only
 * between two grace periods within that time. */
void
vfp_port_replace_policy(struct vfp_port *port, struct vfp_port *staging)
{
    struct vfp_layers *closed = xzalloc(sizeof *closed
                                        + sizeof *closed->layers);
    closed->layers[closed->n++] = vfp_layer_create("restoring", 0,
                                                   true, true);

    struct vfp_layers *old_layers = ovsrcu_get_protected(struct vfp_layers *,
                                                         &port->layers);
    ovsrcu_set(&port->layers, closed);
    ovsrcu_synchronize();

    struct vfp_resources *old_resources = ovsrcu_get_protected(
        struct vfp_resources *, &port->resources);
    struct vfp_resources *new_resources = ovsrcu_get_protected(
        struct vfp_resources *, &staging->resources);
    ovsrcu_set(&port->resources, new_resources);
    ovsrcu_set_hidden(&staging->resources, old_resources);
    ovsrcu_synchronize();

    struct vfp_layers *new_layers = ovsrcu_get_protected(struct vfp_layers *,
                                                         &staging->layers);
    ovsrcu_set(&port->layers, new_layers);
    ovsrcu_set_hidden(&staging->layers, old_layers);
    shash_swap(&port->counters, &staging->counters);

    /* Packets that read the layers just before the swap may still be in
     * 'closed'. */
    ovsrcu_postpone(free, closed);
    ovsrcu_postpone(vfp_layer_destroy, closed->layers[0]);
}

/* Destroys the policy that vfp_port_replace_policy() moved from 'port' to
 * 'staging', then 'staging'.  The caller waited for readers to finish.  The
 * old layers' layer flows belong to 'port''s connections. */
void
vfp_port_destroy_replaced(struct vfp_port *port, struct vfp_port *staging)
{
    struct vfp_layers *layers = ovsrcu_get_protected(struct vfp_layers *,
                                                     &staging->layers);
    for (size_t i = 0; i < layers->n; i++) {
        vfp_port_destroy_layer(port, layers->layers[i]);
    }
    layers->n = 0;
    vfp_port_destroy(staging);
}

/* Whether 'port' has layers, resources or count(NAME) counters: something
 * to save. */
bool
vfp_port_has_policy(const struct vfp_port *port)
{
    return (vfp_port_layers(port)->n || vfp_port_resources(port)->n
            || !shash_is_empty(&port->counters));
}

const struct vfp_resources *
vfp_port_resources(const struct vfp_port *port)
{
    return ovsrcu_get(struct vfp_resources *, &port->resources);
}

struct vfp_resource *
vfp_port_find_resource(const struct vfp_port *port, const char *name)
{
    return port ? vfp_resources_find(vfp_port_resources(port), name) : NULL;
}

static void
publish_resources(struct vfp_port *port, struct vfp_resource *add,
                  const struct vfp_resource *del)
{
    struct vfp_resources *old = ovsrcu_get_protected(struct vfp_resources *,
                                                     &port->resources);
    struct vfp_resources *new = xzalloc(sizeof *new + (old->n + 1)
                                        * sizeof *new->resources);

    for (size_t i = 0; i < old->n; i++) {
        if (old->resources[i] != del) {
            new->resources[new->n++] = old->resources[i];
        }
    }
    if (add) {
        new->resources[new->n++] = add;
    }
    ovsrcu_set(&port->resources, new);
    ovsrcu_postpone(free, old);
}

/* Adds 'res' to 'port', which takes ownership of it on success. */
char *
vfp_port_add_resource(struct vfp_port *port, struct vfp_resource *res)
{
    if (vfp_port_find_resource(port, res->name)) {
        return xasprintf("the port already has a resource %s", res->name);
    }
    publish_resources(port, res, NULL);
    return NULL;
}

/* Returns an error if a rule of 'port' refers to 'res', or a connection
 * holds one of its ports. */
char *
vfp_port_check_resource_unused(const struct vfp_port *port,
                               const struct vfp_resource *res)
{
    const struct vfp_layers *layers = vfp_port_layers(port);

    for (size_t i = 0; i < layers->n; i++) {
        const struct vfp_groups *groups = vfp_layer_groups(layers->layers[i]);

        for (size_t j = 0; j < groups->n; j++) {
            const struct vfp_rule *rule;
            enum vfp_op_type type;

            HMAP_FOR_EACH (rule, node, &groups->groups[j]->rules) {
                if (vfp_action_uses_resource(&rule->action, res->name,
                                             &type)) {
                    return xasprintf("resource %s is used by rule %s of "
                                     "group %s of layer %s", res->name,
                                     rule->name, groups->groups[j]->name,
                                     layers->layers[i]->name);
                }
            }
        }
    }
    if (res->type == VFP_RESOURCE_RANGE) {
        struct vfp_resource *r = CONST_CAST(struct vfp_resource *, res);
        uint32_t n_used;

        ovs_mutex_lock(&r->mutex);
        n_used = r->n_used;
        ovs_mutex_unlock(&r->mutex);
        if (n_used) {
            return xasprintf("resource %s: %"PRIu32" of its ports are held "
                             "by connections", res->name, n_used);
        }
    }
    return NULL;
}

/* Unpublishes the resource named 'name' and returns it, for the caller to
 * destroy after a grace period; NULL if there is none. */
struct vfp_resource *
vfp_port_remove_resource(struct vfp_port *port, const char *name)
{
    struct vfp_resource *res = vfp_port_find_resource(port, name);

    if (res) {
        publish_resources(port, NULL, res);
    }
    return res;
}
