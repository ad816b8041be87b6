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
#include "vfp/layer.h"

struct vfp_port *
vfp_port_create(void)
{
    struct vfp_port *port = xzalloc(sizeof *port);

    ovsrcu_set_hidden(&port->layers, xzalloc(sizeof(struct vfp_layers)));
    atomic_init(&port->generation, 1);
    vfp_counter_init(&port->stats[VFP_DIR_IN]);
    vfp_counter_init(&port->stats[VFP_DIR_OUT]);
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
            vfp_layer_destroy(layers->layers[i]);
        }
        free(layers);
        shash_destroy_free_data(&port->counters);
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

/* Unpublishes the layer named 'name' and returns it, for the caller to
 * destroy after a grace period; NULL if there is none. */
struct vfp_layer *
vfp_port_remove_layer(struct vfp_port *port, const char *name)
{
    struct vfp_layer *layer = vfp_port_find_layer(port, name);

    if (layer) {
        publish_layers(port, NULL, name);
    }
    return layer;
}
