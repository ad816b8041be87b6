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


/* "vfp/dump-flows PORT [LAYER]": the layer flows of a port (VFP section
 * 5.2), pair by pair, with the connection each belongs to (vfp/conn.h): TCP
 * state, time left, and what went through each half.
 *
 * "vfp/flush-connections PORT [--either] [CONDS]": ends the connections of
 * a port that meet CONDS (all without), with their layer flows, SNAT ports
 * and unified flows. */

#include <config.h>

#include <limits.h>
#include <string.h>

#include "flow.h"
#include "ofproto-vfp/ofproto-vfp.h"
#include "ofproto-vfp/revalidator.h"
#include "ofproto-vfp/unixctl-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "ovs-rcu.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "vfp/condition.h"
#include "vfp/conn.h"
#include "vfp/layer-flow.h"
#include "vfp/layer.h"
#include "vfp/port.h"

static struct json *
half_json(const struct vfp_layer_flow_half *half)
{
    struct json *json = json_object_create();
    struct ds s = DS_EMPTY_INITIALIZER;
    struct vfp_ht ht;
    uint64_t packets, bytes;

    json_object_put_string(json, "dir",
                           vfp_dir_name(vfp_layer_flow_half_dir(half)));
    vfp_tuple_format(&half->key, &s);
    json_object_put_string(json, "match", ds_cstr(&s));
    ds_clear(&s);
    vfp_layer_flow_half_ht(half, &ht);
    vfp_ht_format(&ht, &s);
    json_object_put(json, "ht", json_string_create_nocopy(ds_steal_cstr(&s)));
    vfp_counter_read(&half->stats, &packets, &bytes);
    json_object_put(json, "packets", json_integer_create(packets));
    json_object_put(json, "bytes", json_integer_create(bytes));
    return json;
}

static struct json *
flow_json(const struct vfp_layer_flow *f, const struct vfp_conn *c,
          const struct vfp_conn_timeouts *t, long long int now)
{
    struct json *json = json_object_create();
    struct ds s = DS_EMPTY_INITIALIZER;

    json_object_put(json, "flow", half_json(&f->halves[0]));
    json_object_put(json, "pair", half_json(&f->halves[1]));
    vfp_tuple_format(&c->key, &s);
    json_object_put(json, "connection",
                    json_string_create_nocopy(ds_steal_cstr(&s)));
    json_object_put_string(json, "state",
                           vfp_conn_state_name(vfp_conn_get_state(c)));
    json_object_put(json, "ttl_left_ms",
                    json_integer_create(MAX(0, vfp_conn_expiry(c, t) - now)));
    if (vfp_snat_lease_held(&f->lease)) {
        json_object_put(json, "snat_port", json_integer_create(f->lease.port));
    }
    return json;
}

static int
compare_flows(const void *a_, const void *b_)
{
    const struct json *const *a = a_, *const *b = b_;
    const struct json *fa = shash_find_data(json_object(*a), "flow");
    const struct json *fb = shash_find_data(json_object(*b), "flow");
    int cmp = strcmp(json_string(shash_find_data(json_object(fa), "dir")),
                     json_string(shash_find_data(json_object(fb), "dir")));

    return cmp ? cmp : strcmp(
        json_string(shash_find_data(json_object(fa), "match")),
        json_string(shash_find_data(json_object(fb), "match")));
}

static struct json *
layer_flows_json(struct vfp_port *vfp_port, const struct vfp_layer *layer,
                 long long int now)
    OVS_EXCLUDED(vfp_port->conns.mutex)
{
    struct json **flows = NULL;
    size_t n = 0, allocated = 0;
    const struct vfp_conn *c;

    ovs_mutex_lock(&vfp_port->conns.mutex);
    CMAP_FOR_EACH (c, node, &vfp_port->conns.conns) {
        for (const struct vfp_layer_flow *f = c->flows; f; f = f->next) {
            if (f->layer == layer) {
                if (n >= allocated) {
                    flows = x2nrealloc(flows, &allocated, sizeof *flows);
                }
                flows[n++] = flow_json(f, c, &vfp_port->conns.timeouts, now);
            }
        }
    }
    ovs_mutex_unlock(&vfp_port->conns.mutex);
    if (n) {
        /* 'flows' is null without flows, which qsort() must not get. */
        qsort(flows, n, sizeof *flows, compare_flows);
    }

    struct json *json = json_object_create();
    json_object_put_string(json, "name", layer->name);
    json_object_put(json, "flows", json_array_create(flows, n));
    return json;
}

static struct json *
counter_value(atomic_uint64_t *counter)
{
    uint64_t value;

    atomic_read_relaxed(counter, &value);
    return json_integer_create(value);
}

static void
dump_flows(struct unixctl_conn *conn, int argc, const char *argv[],
           void *aux OVS_UNUSED)
{
    char *error;
    struct vfp_ofport *port = vfp_ofport_find(argv[1], &error);

    if (!port) {
        vfp_unixctl_reply(conn, error);
        return;
    }
    if (argc > 2 && !vfp_port_find_layer(port->vfp_port, argv[2])) {
        vfp_unixctl_reply(conn, vfp_no_such("port", argv[1], "layer",
                                            argv[2]));
        return;
    }

    /* Statistics and states as of now. */
    vfp_revalidate(ofproto_vfp_cast(port->up.ofproto)->backer);

    struct vfp_port *vfp_port = port->vfp_port;
    long long int now = time_msec();
    const struct vfp_layers *layers = vfp_port_layers(vfp_port);
    struct json *array = json_array_create_empty();
    for (size_t i = 0; i < layers->n; i++) {
        if (argc <= 2 || !strcmp(layers->layers[i]->name, argv[2])) {
            json_array_add(array,
                           layer_flows_json(vfp_port, layers->layers[i], now));
        }
    }

    struct json *conns = json_object_create();
    uint32_t limit;
    atomic_read_relaxed(&vfp_port->conns.limit, &limit);
    json_object_put(conns, "count",
                    json_integer_create(vfp_conns_count(&vfp_port->conns)));
    json_object_put(conns, "limit", json_integer_create(limit));
    json_object_put(conns, "created",
                    counter_value(&vfp_port->conns.n_created));
    json_object_put(conns, "expired",
                    counter_value(&vfp_port->conns.n_expired));
    json_object_put(conns, "refused",
                    counter_value(&vfp_port->conns.n_refused));

    struct json *json = json_object_create();
    json_object_put_string(json, "port", argv[1]);
    json_object_put(json, "connections", conns);
    json_object_put(json, "layers", array);
    vfp_unixctl_reply_json(conn, json);
}

/* A packet with the 5-tuple 't' and nothing else, for conditions. */
static void
tuple_to_flow(const struct vfp_tuple *t, struct flow *flow)
{
    memset(flow, 0, sizeof *flow);
    if (t->ipv6) {
        flow->dl_type = htons(ETH_TYPE_IPV6);
        flow->ipv6_src = t->src;
        flow->ipv6_dst = t->dst;
    } else {
        flow->dl_type = htons(ETH_TYPE_IP);
        flow->nw_src = in6_addr_get_mapped_ipv4(&t->src);
        flow->nw_dst = in6_addr_get_mapped_ipv4(&t->dst);
    }
    flow->nw_proto = t->proto;
    flow->tp_src = t->src_port;
    flow->tp_dst = t->dst_port;
}

static bool
is_tuple_field(enum vfp_field field)
{
    return (field == VFP_FIELD_SRC_IP || field == VFP_FIELD_DST_IP
            || field == VFP_FIELD_PROTO || field == VFP_FIELD_SRC_PORT
            || field == VFP_FIELD_DST_PORT || field == VFP_FIELD_ICMP_TYPE
            || field == VFP_FIELD_ICMP_CODE);
}

/* Conditions on what a connection's key does not hold would match none:
 * refused, or with 'drop' (a rule's conditions, for "--flush") left out,
 * so that more connections are flushed rather than fewer. */
static char * OVS_WARN_UNUSED_RESULT
check_tuple_conds(struct vfp_conditions *conds, bool drop)
{
    size_t n = 0;

    for (size_t i = 0; i < conds->n; i++) {
        enum vfp_field field = conds->conds[i].field;

        if (is_tuple_field(field)) {
            conds->conds[n++] = conds->conds[i];
        } else if (drop) {
            free(conds->conds[i].values);
        } else {
            conds->n = n + (conds->n - i);
            memmove(&conds->conds[n], &conds->conds[i],
                    (conds->n - n) * sizeof *conds->conds);
            return xasprintf("condition \"%s\": a connection is matched "
                             "on its addresses, protocol and ports only",
                             vfp_field_name(field));
        }
    }
    conds->n = n;
    return NULL;
}

/* Ends the connections of 'port' whose key (the tuple as the VM sends it),
 * or with 'either' its reverse too, meets 'conds', and removes their UFs
 * from the datapath.  Returns how many. */
size_t
vfp_flush_connections(struct vfp_ofport *port,
                      const struct vfp_conditions *conds, bool either)
{
    struct vfp_port *vfp_port = port->vfp_port;
    struct vfp_conn *c;
    size_t n = 0;

    CMAP_FOR_EACH (c, node, &vfp_port->conns.conns) {
        struct vfp_tuple rev;
        struct flow flow;
        bool match;

        tuple_to_flow(&c->key, &flow);
        match = vfp_conditions_match(conds, &flow);
        if (!match && either) {
            vfp_tuple_reverse(&c->key, &rev);
            tuple_to_flow(&rev, &flow);
            match = vfp_conditions_match(conds, &flow);
        }
        if (match && !vfp_conn_is_dead(c)) {
            vfp_conn_kill(&vfp_port->conns, c);
            n++;
        }
    }
    if (n) {
        /* Handlers that found a connection before it died are done with
         * it; the pass removes every UF of a dead connection. */
        ovsrcu_synchronize();
        vfp_revalidate(ofproto_vfp_cast(port->up.ofproto)->backer);
    }
    return n;
}

static void
flush_connections(struct unixctl_conn *conn, int argc, const char *argv[],
                  void *aux OVS_UNUSED)
{
    char *error;
    struct vfp_ofport *port = vfp_ofport_find(argv[1], &error);

    if (!port) {
        vfp_unixctl_reply(conn, error);
        return;
    }

    int i = 2;
    bool either = argc > i && !strcmp(argv[i], "--either");
    if (either) {
        i++;
    }

    /* CONDS may come as one argument or several. */
    struct ds s = DS_EMPTY_INITIALIZER;
    for (; i < argc; i++) {
        ds_put_format(&s, "%s%s", s.length ? " " : "", argv[i]);
    }

    struct vfp_conditions conds;
    error = vfp_conditions_parse(ds_cstr(&s), &conds);
    ds_destroy(&s);
    if (!error) {
        error = check_tuple_conds(&conds, either);
        if (error) {
            vfp_conditions_destroy(&conds);
        }
    }
    if (error) {
        vfp_unixctl_reply(conn, error);
        return;
    }

    size_t n = vfp_flush_connections(port, &conds, either);
    vfp_conditions_destroy(&conds);

    struct json *json = json_object_create();
    json_object_put_string(json, "port", argv[1]);
    json_object_put(json, "flushed", json_integer_create(n));
    vfp_unixctl_reply_json(conn, json);
}

void
vfp_flow_unixctl_init(void)
{
    unixctl_command_register("vfp/dump-flows", "PORT [LAYER]", 1, 2,
                             dump_flows, NULL);
    unixctl_command_register("vfp/flush-connections",
                             "PORT [--either] [CONDS]", 1, INT_MAX,
                             flush_connections, NULL);
}
