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
#include "vfp/layer.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "flow.h"
#include "packets.h"
#include "util.h"
#include "vfp/action.h"
#include "vfp/conn.h"
#include "vfp/rule.h"

struct vfp_layer *
vfp_layer_create(const char *name, uint16_t priority, bool in_block,
                 bool out_block)
{
    struct vfp_layer *layer = xzalloc(sizeof *layer);
    struct vfp_groups *groups = xzalloc(sizeof *groups);

    layer->name = xstrdup(name);
    layer->priority = priority;
    layer->block_by_default[VFP_DIR_IN] = in_block;
    layer->block_by_default[VFP_DIR_OUT] = out_block;
    vfp_counter_init(&layer->stats[VFP_DIR_IN]);
    vfp_counter_init(&layer->stats[VFP_DIR_OUT]);
    vfp_layer_flow_table_init(&layer->flows);
    ovsrcu_set_hidden(&layer->groups, groups);
    return layer;
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

/* Builds a layer from its options as vfp-ctl add-layer takes them (null
 * defaults are "allow"; a null 'priority' is an error).  The one parser of
 * a layer's definition, for the command and for a restored state file. */
char *
vfp_layer_parse(const char *name, const char *priority,
                const char *in_default, const char *out_default,
                struct vfp_layer **layerp)
{
    bool in_block, out_block;
    uint16_t prio;
    char *error;

    *layerp = NULL;
    if ((error = vfp_check_name("layer", name))
        || (error = (priority ? vfp_parse_priority(priority, &prio)
                     : xstrdup("priority=N is required")))
        || (error = parse_default("in-default", in_default, &in_block))
        || (error = parse_default("out-default", out_default, &out_block))) {
        return error;
    }
    *layerp = vfp_layer_create(name, prio, in_block, out_block);
    return NULL;
}

/* The caller waited for readers to finish. */
void
vfp_layer_destroy(struct vfp_layer *layer)
{
    if (layer) {
        struct vfp_groups *groups = ovsrcu_get_protected(struct vfp_groups *,
                                                         &layer->groups);
        for (size_t i = 0; i < groups->n; i++) {
            vfp_group_destroy(groups->groups[i]);
        }
        free(groups);
        vfp_layer_flow_table_destroy(&layer->flows);
        free(layer->name);
        free(layer);
    }
}

const struct vfp_groups *
vfp_layer_groups(const struct vfp_layer *layer)
{
    return ovsrcu_get(struct vfp_groups *, &layer->groups);
}

struct vfp_group *
vfp_layer_find_group(const struct vfp_layer *layer, const char *name)
{
    const struct vfp_groups *groups = vfp_layer_groups(layer);

    for (size_t i = 0; i < groups->n; i++) {
        if (!strcmp(groups->groups[i]->name, name)) {
            return groups->groups[i];
        }
    }
    return NULL;
}

static int
compare_groups(const void *a_, const void *b_)
{
    const struct vfp_group *const *a = a_, *const *b = b_;

    return ((*a)->priority != (*b)->priority
            ? ((*a)->priority < (*b)->priority ? -1 : 1)
            : strcmp((*a)->name, (*b)->name));
}

/* Publishes a copy of the groups of 'layer' with 'add' added (if nonnull)
 * and the group named 'del' left out (if nonnull).  The old array is freed
 * after a grace period. */
static void
publish_groups(struct vfp_layer *layer, struct vfp_group *add,
               const char *del)
{
    struct vfp_groups *old = ovsrcu_get_protected(struct vfp_groups *,
                                                  &layer->groups);
    struct vfp_groups *new = xzalloc(sizeof *new
                                     + (old->n + 1) * sizeof *new->groups);

    for (size_t i = 0; i < old->n; i++) {
        if (!del || strcmp(old->groups[i]->name, del)) {
            new->groups[new->n++] = old->groups[i];
        }
    }
    if (add) {
        new->groups[new->n++] = add;
    }
    qsort(new->groups, new->n, sizeof *new->groups, compare_groups);
    ovsrcu_set(&layer->groups, new);
    ovsrcu_postpone(free, old);
}

char *
vfp_layer_add_group(struct vfp_layer *layer, struct vfp_group *group)
{
    if (vfp_layer_find_group(layer, group->name)) {
        return xasprintf("layer %s already has a group %s", layer->name,
                         group->name);
    }
    publish_groups(layer, group, NULL);
    return NULL;
}

/* Unpublishes the group named 'name' and returns it, for the caller to
 * destroy after a grace period; NULL if there is none. */
struct vfp_group *
vfp_layer_remove_group(struct vfp_layer *layer, const char *name)
{
    struct vfp_group *group = vfp_layer_find_group(layer, name);

    if (group) {
        publish_groups(layer, NULL, name);
    }
    return group;
}

/* Publishes 'group' in place of the group of the same name, atomically for
 * readers, and returns the old one, for the caller to destroy after a grace
 * period. */
struct vfp_group *
vfp_layer_replace_group(struct vfp_layer *layer, struct vfp_group *group)
{
    struct vfp_group *old = vfp_layer_find_group(layer, group->name);

    ovs_assert(old);
    publish_groups(layer, group, group->name);
    return old;
}

/* The layer flow of 'layer' for a packet with headers 'flow' going in
 * direction 'dir', or NULL.  In the slow path ('env->commit'), a new SYN
 * ends a connection in TIME_WAIT or CLOSED: its flows no longer apply. */
static const struct vfp_layer_flow_half *
lookup_flow(const struct vfp_layer *layer, enum vfp_dir dir,
            const struct flow *flow, struct vfp_action_env *env)
{
    struct vfp_tuple key;

    if (!vfp_layer_flow_table_count(&layer->flows)
        || !vfp_tuple_from_flow(flow, &key)) {
        return NULL;
    }

    const struct vfp_layer_flow_half *half
        = vfp_layer_flow_table_lookup(&layer->flows, dir, &key);
    if (!half) {
        return NULL;
    }

    struct vfp_conn *conn = vfp_layer_flow_from_half(half)->conn;
    if (vfp_conn_is_dead(conn)) {
        return NULL;
    }
    if (env->commit && key.proto == IPPROTO_TCP
        && (flow->tcp_flags & htons(TCP_SYN | TCP_ACK)) == htons(TCP_SYN)
        && vfp_conn_get_state(conn) >= VFP_CONN_TIME_WAIT) {
        vfp_conn_kill(env->conns, conn);
        return NULL;
    }
    return half;
}

/* VFP's layer semantics (see layer.h) for a packet with headers 'flow'
 * going in direction 'dir'.  Without 'env' (pure classification, e.g. the
 * engine benchmark), layer flows and resources are not consulted. */
void
vfp_layer_process(const struct vfp_layer *layer, enum vfp_dir dir,
                  const struct flow *flow, struct vfp_action_env *env,
                  struct vfp_layer_result *result)
{
    const struct vfp_groups *groups = vfp_layer_groups(layer);

    /* Not a memset: 'result->ht' is large, and initialized below. */
    result->layer = layer;
    result->group = NULL;
    result->rule = NULL;
    result->half = env ? lookup_flow(layer, dir, flow, env) : NULL;
    result->miss = false;
    result->provisional = false;
    if (result->half) {
        vfp_layer_flow_half_ht(result->half, &result->ht);
        return;
    }
    if (env) {
        struct vfp_tuple key;

        for (size_t i = 0; i < groups->n && !result->provisional; i++) {
            result->provisional = vfp_group_has_stateful_rules(
                groups->groups[i]);
        }
        /* Layer flows are keyed on the tuple: without one, none can. */
        result->provisional = (result->provisional
                               && vfp_tuple_from_flow(flow, &key));
    }
    for (size_t i = 0; i < groups->n; i++) {
        const struct vfp_group *group = groups->groups[i];

        if (group->dir != dir
            || (group->conds.n && !vfp_conditions_match(&group->conds,
                                                        flow))) {
            continue;
        }

        const struct vfp_rule *rule = vfp_group_lookup(group, flow);
        if (rule) {
            result->group = group;
            result->rule = rule;
            if (rule->terminating) {
                break;
            }
        }
    }

    if (result->rule) {
        struct vfp_action_env none = { .resources = NULL };

        if (!env) {
            env = &none;
        }
        vfp_action_to_ht(&result->rule->action, flow, env, &result->ht);
        if (env->miss) {
            result->miss = true;
            vfp_ht_init(&result->ht);
            result->ht.drop = !result->rule->miss_allow;
        }
    } else {
        vfp_ht_init(&result->ht);
        result->ht.drop = layer->block_by_default[dir];
    }
}

void
vfp_layer_format(const struct vfp_layer *layer, struct ds *s)
{
    ds_put_format(s, "%s priority=%"PRIu16" in-default=%s out-default=%s",
                  layer->name, layer->priority,
                  layer->block_by_default[VFP_DIR_IN] ? "block" : "allow",
                  layer->block_by_default[VFP_DIR_OUT] ? "block" : "allow");
}
