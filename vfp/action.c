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
#include "vfp/action.h"

#include <ctype.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"
#include "vfp/event.h"
#include "vfp/parse-util.h"
#include "vfp/port.h"
#include "vfp/resource.h"
#include "vfp/tuple.h"

/* Splits 's' at top-level commas (outside parentheses) into a malloc'd
 * array of malloc'd strings. */
static char **
split_top_level(const char *s, size_t *n)
{
    char **parts = NULL;
    int depth = 0;
    const char *start = s;

    *n = 0;
    for (const char *p = s; ; p++) {
        if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            depth--;
        } else if ((*p == ',' && !depth) || !*p) {
            parts = xrealloc(parts, (*n + 1) * sizeof *parts);
            parts[(*n)++] = xmemdup0(start, p - start);
            start = p + 1;
            if (!*p) {
                break;
            }
        }
    }
    return parts;
}

static void
free_parts(char **parts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(parts[i]);
    }
    free(parts);
}

/* If 'op' is "NAME(ARGS)", returns a malloc'd copy of ARGS; else NULL. */
static char *
op_args(const char *op, const char *name)
{
    size_t len = strlen(name);
    size_t op_len = strlen(op);

    if (!strncmp(op, name, len) && op[len] == '(' && op_len > len + 1
        && op[op_len - 1] == ')') {
        return xmemdup0(op + len + 1, op_len - len - 2);
    }
    return NULL;
}

static char * OVS_WARN_UNUSED_RESULT
parse_port(const char *op, const char *key, const char *value, ovs_be16 *port)
{
    uint64_t x;

    if (!vfp_parse_uint(value, 10, UINT16_MAX, &x)) {
        return xasprintf("%s: %s \"%s\" is not a port number (0-65535)",
                         op, key, value);
    }
    *port = htons(x);
    return NULL;
}

/* Parses "KEY=VALUE,..." of set(...) or nat(...) into 'ht'; for nat,
 * "dst-ip" may list addresses separated by '|', stored in '*dsts'. */
static char * OVS_WARN_UNUSED_RESULT
parse_assignments(const char *op, const char *args, bool is_nat,
                  struct vfp_ht *ht, struct vfp_nat_dst **dsts,
                  size_t *n_dsts, char **range)
{
    size_t n;
    char **kvs = split_top_level(args, &n);
    char *error = NULL;

    for (size_t i = 0; i < n && !error; i++) {
        char *eq = strchr(kvs[i], '=');
        if (!eq || eq == kvs[i] || !eq[1]) {
            error = xasprintf("%s: \"%s\" is not KEY=VALUE", op, kvs[i]);
            break;
        }
        *eq = '\0';
        const char *key = kvs[i], *value = eq + 1;

        if (!is_nat && (!strcmp(key, "src-mac") || !strcmp(key, "dst-mac"))) {
            struct eth_addr mac;
            if (!eth_addr_from_string(value, &mac)) {
                error = xasprintf("%s: %s \"%s\" is not a MAC address", op,
                                  key, value);
            } else if (key[0] == 's') {
                vfp_ht_set_dl_src(ht, mac);
            } else {
                vfp_ht_set_dl_dst(ht, mac);
            }
        } else if (!strcmp(key, "src-ip") || !strcmp(key, "dst-ip")) {
            bool src = key[0] == 's';
            size_t n_ips;
            char *ips_s = xstrdup(value);
            for (char *c = ips_s; *c; c++) {
                if (*c == '|') {
                    *c = ',';
                }
            }
            char **ips = split_top_level(ips_s, &n_ips);
            free(ips_s);
            if (n_ips > 1 && !(is_nat && !src)) {
                error = xasprintf("%s: %s takes one address (only nat's "
                                  "dst-ip takes a list)", op, key);
            }
            for (size_t j = 0; j < n_ips && !error; j++) {
                struct vfp_nat_dst d = { .ipv6 = strchr(ips[j], ':') };
                struct in_addr a4;
                bool ok = (d.ipv6 ? ipv6_parse(ips[j], &d.ip6)
                           : inet_pton(AF_INET, ips[j], &a4) == 1);
                d.ip4 = a4.s_addr;
                if (!ok) {
                    error = xasprintf("%s: %s \"%s\" is not an IP address",
                                      op, key, ips[j]);
                } else if (n_ips > 1 || (is_nat && !src)) {
                    *dsts = xrealloc(*dsts, (*n_dsts + 1) * sizeof **dsts);
                    (*dsts)[(*n_dsts)++] = d;
                } else if (d.ipv6) {
                    (src ? vfp_ht_set_ipv6_src : vfp_ht_set_ipv6_dst)(
                        ht, &d.ip6);
                } else {
                    (src ? vfp_ht_set_nw_src : vfp_ht_set_nw_dst)(ht, d.ip4);
                }
            }
            free_parts(ips, n_ips);
        } else if (is_nat && !strcmp(key, "src-port")
                   && !strncmp(value, "range:", 6)) {
            if (!value[6]) {
                error = xasprintf("%s: src-port=range:NAME needs the name "
                                  "of a range resource", op);
            } else {
                free(*range);
                *range = xstrdup(value + 6);
            }
        } else if (!strcmp(key, "src-port") || !strcmp(key, "dst-port")) {
            ovs_be16 port = 0;
            error = parse_port(op, key, value, &port);
            if (!error) {
                (key[0] == 's' ? vfp_ht_set_tp_src : vfp_ht_set_tp_dst)(
                    ht, port);
            }
        } else {
            error = xasprintf("%s: \"%s\" is not a field it can set (%s)",
                              op, key,
                              is_nat ? "src-ip, src-port, dst-ip, dst-port"
                              : "src-mac, dst-mac, src-ip, dst-ip, "
                                "src-port, dst-port");
        }
    }
    free_parts(kvs, n);
    return error;
}

static char * OVS_WARN_UNUSED_RESULT
parse_vlan(const char *op, const char *args, struct vfp_ht *ht)
{
    size_t n;
    char **parts = split_top_level(args, &n);
    char *error = NULL;
    uint64_t vid = 0, pcp = 0;

    if (!vfp_parse_uint(parts[0], 10, VLAN_VID_MASK, &vid)) {
        error = xasprintf("%s: VLAN ID \"%s\" is not a number from 0 to "
                          "4095", op, parts[0]);
    }
    for (size_t i = 1; i < n && !error; i++) {
        if (strncmp(parts[i], "pcp=", 4)) {
            error = xasprintf("%s: \"%s\" is not pcp=N", op, parts[i]);
            break;
        }
        if (!vfp_parse_uint(parts[i] + 4, 10, 7, &pcp)) {
            error = xasprintf("%s: \"%s\": PCP is from 0 to 7", op,
                              parts[i]);
        }
    }
    if (!error) {
        vfp_ht_push_vlan(ht, htons(vid | (pcp << VLAN_PCP_SHIFT)));
    }
    free_parts(parts, n);
    return error;
}

/* encap(TYPE,key=N,src-ip=A,dst-ip=B,src-mac=M,dst-mac=M[,map=NAME]): TYPE
 * is vxlan, or gre or nvgre (GRE with a key, carrying Ethernet: NVGRE's
 * format).  With map=NAME, key, dst-ip and dst-mac may come from the map
 * ('*map' and '*have' say which were given). */
static char * OVS_WARN_UNUSED_RESULT
parse_encap(const char *op, const char *args, struct vfp_ht *ht, char **map,
            int *havep)
{
    size_t n;
    char **parts = split_top_level(args, &n);
    struct vfp_encap *e = &ht->encap;
    char *error = NULL;
    enum { KEY = 1, SRC_IP = 2, DST_IP = 4, SRC_MAC = 8, DST_MAC = 16 };
    int have = 0;

    memset(e, 0, sizeof *e);
    if (!strcmp(parts[0], "vxlan")) {
        e->type = VFP_ENCAP_VXLAN;
    } else if (!strcmp(parts[0], "gre") || !strcmp(parts[0], "nvgre")) {
        e->type = VFP_ENCAP_GRE;
    } else {
        error = xasprintf("%s: \"%s\" is not an encapsulation (vxlan, "
                          "nvgre, gre)", op, parts[0]);
    }
    for (size_t i = 1; i < n && !error; i++) {
        char *eq = strchr(parts[i], '=');
        const char *value = eq ? eq + 1 : "";
        if (eq) {
            *eq = '\0';
        }
        if (!strcmp(parts[i], "key") || !strcmp(parts[i], "vni")) {
            /* A VNI, or an NVGRE VSID: 24 bits each. */
            uint64_t max = 0xffffff;
            uint64_t key = 0;
            if (!vfp_parse_uint(value, 0, max, &key)) {
                error = xasprintf("%s: key \"%s\" is not a number from 0 to "
                                  "%"PRIu64, op, value, max);
            }
            e->key = htonll(key);
            have |= KEY;
        } else if (!strcmp(parts[i], "src-ip")
                   || !strcmp(parts[i], "dst-ip")) {
            struct in_addr a;
            if (inet_pton(AF_INET, value, &a) != 1) {
                error = xasprintf("%s: %s \"%s\" is not an IPv4 address",
                                  op, parts[i], value);
            } else if (parts[i][0] == 's') {
                e->ip_src = a.s_addr;
                have |= SRC_IP;
            } else {
                e->ip_dst = a.s_addr;
                have |= DST_IP;
            }
        } else if (!strcmp(parts[i], "src-mac")
                   || !strcmp(parts[i], "dst-mac")) {
            struct eth_addr mac;
            if (!eth_addr_from_string(value, &mac)) {
                error = xasprintf("%s: %s \"%s\" is not a MAC address", op,
                                  parts[i], value);
            } else if (parts[i][0] == 's') {
                e->eth_src = mac;
                have |= SRC_MAC;
            } else {
                e->eth_dst = mac;
                have |= DST_MAC;
            }
        } else if (!strcmp(parts[i], "map") && *value) {
            free(*map);
            *map = xstrdup(value);
        } else {
            error = xasprintf("%s: \"%s\" is not a parameter of encap (key, "
                              "src-ip, dst-ip, src-mac, dst-mac, map)", op,
                              parts[i]);
        }
    }
    if (!error && *map) {
        if ((have & (SRC_IP | SRC_MAC)) != (SRC_IP | SRC_MAC)) {
            error = xasprintf("%s: encap with a map needs src-ip and "
                              "src-mac", op);
        }
        *havep = ((have & KEY ? VFP_ENCAP_HAVE_KEY : 0)
                  | (have & DST_IP ? VFP_ENCAP_HAVE_DST_IP : 0)
                  | (have & DST_MAC ? VFP_ENCAP_HAVE_DST_MAC : 0));
    } else if (!error
               && have != (KEY | SRC_IP | DST_IP | SRC_MAC | DST_MAC)) {
        error = xasprintf("%s: encap needs key, src-ip, dst-ip, src-mac and "
                          "dst-mac (or map=NAME)", op);
    }
    if (!error) {
        ht->tunnel_op = VFP_TUNNEL_PUSH;
    }
    free_parts(parts, n);
    return error;
}

static bool
valid_counter_name(const char *s)
{
    size_t len = strlen(s);

    if (!len || len > 64) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        if (!isalnum((unsigned char) *p) && !strchr("_.-", *p)) {
            return false;
        }
    }
    return true;
}

static char * OVS_WARN_UNUSED_RESULT
parse_op(const char *s, struct vfp_action *action)
{
    struct vfp_op op = { .type = VFP_OP_HT };
    char *error = NULL;
    char *args;

    vfp_ht_init(&op.ht);
    if (!strcmp(s, "allow")) {
        /* Identity. */
    } else if (!strcmp(s, "block")) {
        op.ht.drop = true;
    } else if (!strcmp(s, "pop-vlan")) {
        vfp_ht_pop_vlan(&op.ht);
    } else if (!strcmp(s, "decap")) {
        op.ht.tunnel_op = VFP_TUNNEL_POP;
    } else if ((args = op_args(s, "encap"))) {
        error = parse_encap(s, args, &op.ht, &op.resource, &op.encap_have);
        free(args);
        if (op.resource) {
            op.type = VFP_OP_ENCAP_MAP;
        }
    } else if ((args = op_args(s, "set"))) {
        error = parse_assignments(s, args, false, &op.ht, NULL, NULL, NULL);
        free(args);
    } else if ((args = op_args(s, "nat"))) {
        char *range = NULL;

        error = parse_assignments(s, args, true, &op.ht, &op.dsts,
                                  &op.n_dsts, &range);
        free(args);
        if (!error && range) {
            /* The fixed part first, then the port. */
            action->ops = xrealloc(action->ops, (action->n_ops + 1)
                                   * sizeof *action->ops);
            action->ops[action->n_ops++] = op;
            op = (struct vfp_op) { .type = VFP_OP_NAT_SRC_RANGE,
                                   .dsts = op.dsts, .n_dsts = op.n_dsts,
                                   .resource = range };
            action->ops[action->n_ops - 1].dsts = NULL;
            action->ops[action->n_ops - 1].n_dsts = 0;
            vfp_ht_init(&op.ht);
            range = NULL;
        }
        free(range);
        if (!error && op.n_dsts) {
            /* The fixed part first, then the chosen destination. */
            action->ops = xrealloc(action->ops, (action->n_ops + 1)
                                   * sizeof *action->ops);
            action->ops[action->n_ops++] = op;
            op = (struct vfp_op) { .type = VFP_OP_NAT_DST,
                                   .dsts = op.dsts, .n_dsts = op.n_dsts };
            action->ops[action->n_ops - 1].dsts = NULL;
            action->ops[action->n_ops - 1].n_dsts = 0;
        }
    } else if ((args = op_args(s, "push-vlan"))) {
        error = parse_vlan(s, args, &op.ht);
        free(args);
    } else if ((args = op_args(s, "count"))) {
        if (action->counter) {
            error = xasprintf("%s: only one count() per action", s);
        } else if (!valid_counter_name(args)) {
            error = xasprintf("%s: \"%s\" is not a counter name (letters, "
                              "digits, '_', '.', '-', at most 64)", s, args);
        } else {
            action->counter = xstrdup(args);
        }
        free(args);
        return error;
    } else if (!*s) {
        return xstrdup("empty action (use allow, block, set(...), nat(...), "
                       "push-vlan(...), pop-vlan, encap(...), decap, "
                       "count(...))");
    } else {
        return xasprintf("\"%s\" is not an action (use allow, block, "
                         "set(...), nat(...), push-vlan(...), pop-vlan, "
                         "encap(...), decap, count(...))", s);
    }

    if (error) {
        free(op.dsts);
        free(op.resource);
        return error;
    }
    action->ops = xrealloc(action->ops,
                           (action->n_ops + 1) * sizeof *action->ops);
    action->ops[action->n_ops++] = op;
    return NULL;
}

/* Parses 'string' into 'action'.  On error returns a malloc'd message
 * naming the offending operation, and leaves 'action' empty. */
char *
vfp_action_parse(const char *string, struct vfp_action *action)
{
    struct ds compact = DS_EMPTY_INITIALIZER;
    char *error = NULL;

    memset(action, 0, sizeof *action);
    for (const char *p = string; *p; p++) {
        if (!isspace((unsigned char) *p)) {
            ds_put_char(&compact, *p);
        }
    }

    size_t n;
    char **ops = split_top_level(ds_cstr(&compact), &n);
    for (size_t i = 0; i < n && !error; i++) {
        error = parse_op(ops[i], action);
    }
    free_parts(ops, n);

    if (error) {
        ds_destroy(&compact);
        vfp_action_destroy(action);
    } else {
        action->string = ds_steal_cstr(&compact);
    }
    return error;
}

void
vfp_action_destroy(struct vfp_action *action)
{
    for (size_t i = 0; i < action->n_ops; i++) {
        free(action->ops[i].dsts);
        free(action->ops[i].resource);
    }
    free(action->ops);
    free(action->counter);
    free(action->string);
    memset(action, 0, sizeof *action);
}

bool
vfp_action_uses_resource(const struct vfp_action *action, const char *name,
                         enum vfp_op_type *type)
{
    for (size_t i = 0; i < action->n_ops; i++) {
        const struct vfp_op *op = &action->ops[i];

        if (op->resource && !strcmp(op->resource, name)) {
            *type = op->type;
            return true;
        }
    }
    return false;
}

static void
raise_miss(struct vfp_action_env *env, struct vfp_resource *res,
           const char *type, const char *resource, const char *detail)
{
    env->miss = true;
    if (env->commit) {
        if (res) {
            vfp_resource_count_miss(res);
        }
        vfp_event_raise(env->port_name, type, resource, detail);
    }
}

/* SNAT: the connection's source port from the range resource of 'op'. */
static bool
nat_src_range(const struct vfp_op *op, const struct flow *flow,
              struct vfp_action_env *env, struct vfp_ht *ht)
{
    struct vfp_resource *res = vfp_port_find_resource(env->port,
                                                      op->resource);
    struct vfp_tuple t;
    uint16_t port;

    if (!res || res->type != VFP_RESOURCE_RANGE
        || !vfp_tuple_from_flow(flow, &t)) {
        raise_miss(env, res, "range-exhausted", op->resource,
                   !res ? "no such resource" : "not an IP packet");
        return false;
    }
    if (!env->commit) {
        port = vfp_range_candidate(res, &t);
    } else if (env->range) {
        /* One port per connection and layer. */
        port = env->nat_port;
    } else if (vfp_range_alloc(res, &t, &port)) {
        env->range = res;
        env->nat_port = port;
    } else {
        struct ds s = DS_EMPTY_INITIALIZER;

        vfp_tuple_format(&t, &s);
        raise_miss(env, res, "range-exhausted", op->resource, ds_cstr(&s));
        ds_destroy(&s);
        return false;
    }

    struct vfp_ht nat;
    vfp_ht_init(&nat);
    vfp_ht_set_tp_src(&nat, htons(port));
    vfp_ht_compose(ht, ht, &nat);
    return true;
}

/* VNET: the outer header for the packet's destination from the map of
 * 'op'. */
static bool
encap_map(const struct vfp_op *op, const struct flow *flow,
          struct vfp_action_env *env, struct vfp_ht *ht)
{
    struct vfp_resource *res = vfp_port_find_resource(env->port,
                                                      op->resource);
    struct vfp_ht encap = op->ht;
    struct vfp_tuple t;
    int have = op->encap_have;
    char detail[INET6_ADDRSTRLEN + 32];

    if (!res || res->type != VFP_RESOURCE_MAP
        || !vfp_tuple_from_flow(flow, &t)) {
        raise_miss(env, res, "map-miss", op->resource,
                   !res ? "no such resource" : "not an IP packet");
        return false;
    }

    const struct vfp_mapping *m = vfp_map_lookup(res, &t.dst);
    if (m) {
        if (m->has_key) {
            encap.encap.key = m->key;
            have |= VFP_ENCAP_HAVE_KEY;
        }
        if (m->has_ip) {
            encap.encap.ip_dst = m->ip;
            have |= VFP_ENCAP_HAVE_DST_IP;
        }
        if (m->has_mac) {
            encap.encap.eth_dst = m->mac;
            have |= VFP_ENCAP_HAVE_DST_MAC;
        }
    }
    if (have != (VFP_ENCAP_HAVE_KEY | VFP_ENCAP_HAVE_DST_IP
                 | VFP_ENCAP_HAVE_DST_MAC)) {
        struct ds s = DS_EMPTY_INITIALIZER;

        if (t.ipv6) {
            ipv6_format_addr(&t.dst, &s);
        } else {
            ds_put_format(&s, IP_FMT,
                          IP_ARGS(in6_addr_get_mapped_ipv4(&t.dst)));
        }
        snprintf(detail, sizeof detail, "%s%s", ds_cstr(&s),
                 m ? " (entry incomplete)" : "");
        ds_destroy(&s);
        raise_miss(env, res, "map-miss", op->resource, detail);
        return false;
    }
    vfp_ht_compose(ht, ht, &encap);
    return true;
}

/* Returns in 'ht' the HT that 'action' applies to a packet with headers
 * 'flow' (as the layer sees it), in the context 'env'.  A resource lookup
 * that misses sets 'env->miss' (and raises an event if 'env->commit'); the
 * HT is then incomplete, for the caller to replace. */
void
vfp_action_to_ht(const struct vfp_action *action, const struct flow *flow,
                 struct vfp_action_env *env, struct vfp_ht *ht)
{
    vfp_ht_init(ht);
    for (size_t i = 0; i < action->n_ops; i++) {
        const struct vfp_op *op = &action->ops[i];

        if (op->type == VFP_OP_HT) {
            vfp_ht_compose(ht, ht, &op->ht);
        } else if (op->type == VFP_OP_NAT_DST) {
            /* Balance by the connection's 5-tuple, which is the same for
             * every packet of it. */
            const struct vfp_nat_dst *d
                = &op->dsts[flow_hash_5tuple(flow, 0) % op->n_dsts];
            struct vfp_ht nat;

            vfp_ht_init(&nat);
            if (d->ipv6) {
                vfp_ht_set_ipv6_dst(&nat, &d->ip6);
            } else {
                vfp_ht_set_nw_dst(&nat, d->ip4);
            }
            vfp_ht_compose(ht, ht, &nat);
        } else if (op->type == VFP_OP_NAT_SRC_RANGE) {
            if (!nat_src_range(op, flow, env, ht)) {
                return;
            }
        } else if (op->type == VFP_OP_ENCAP_MAP) {
            if (!encap_map(op, flow, env, ht)) {
                return;
            }
        }
    }
}
