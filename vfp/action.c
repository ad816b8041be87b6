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
#include "svec.h"
#include "util.h"
#include "vfp/parse-util.h"
#include "vfp/resource.h"
#include "vfp/tuple.h"

/* What the operations of one action parsed so far do, to refuse
 * contradictions between them. */
struct parse_ctx {
    unsigned int fields_set;    /* FIELD_* set by set() and nat(). */
    int vlan_pushes, vlan_pops; /* Net, as vfp_ht_pop_vlan() counts. */
    int n_allow, n_block, n_tunnel;
};

enum {
    FIELD_SRC_MAC = 1 << 0,
    FIELD_DST_MAC = 1 << 1,
    FIELD_SRC_IP = 1 << 2,
    FIELD_DST_IP = 1 << 3,
    FIELD_SRC_PORT = 1 << 4,
    FIELD_DST_PORT = 1 << 5,
};

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

    if (!vfp_parse_uint(value, UINT16_MAX, &x)) {
        return xasprintf("%s: %s \"%s\" is not a port number (0-65535)",
                         op, key, value);
    }
    *port = htons(x);
    return NULL;
}

/* Records that 'op' sets 'field' (named 'key'); an error if the action
 * sets it already. */
static char * OVS_WARN_UNUSED_RESULT
note_field(struct parse_ctx *ctx, const char *op, const char *key,
           unsigned int field)
{
    if (ctx->fields_set & field) {
        return xasprintf("%s: %s is set twice in this action", op, key);
    }
    ctx->fields_set |= field;
    return NULL;
}

/* Parses "KEY=VALUE,..." of set(...) or nat(...) into 'ht'; for nat,
 * "dst-ip" may list addresses separated by '|', stored in '*dsts'. */
static char * OVS_WARN_UNUSED_RESULT
parse_assignments(struct parse_ctx *ctx, const char *op, const char *args,
                  bool is_nat, struct vfp_ht *ht, struct vfp_nat_dst **dsts,
                  size_t *n_dsts, char **range)
{
    struct svec kvs;
    char *error = vfp_split_list(args, ',', op, &kvs);

    for (size_t i = 0; !error && i < kvs.n; i++) {
        char *eq = strchr(kvs.names[i], '=');
        if (!eq || eq == kvs.names[i] || !eq[1]) {
            error = xasprintf("%s: \"%s\" is not KEY=VALUE", op,
                              kvs.names[i]);
            break;
        }
        *eq = '\0';
        const char *key = kvs.names[i], *value = eq + 1;

        if (!is_nat && (!strcmp(key, "src-mac") || !strcmp(key, "dst-mac"))) {
            struct eth_addr mac;
            if (!vfp_parse_mac(value, &mac)) {
                error = xasprintf("%s: %s \"%s\" is not a MAC address", op,
                                  key, value);
            } else if (key[0] == 's') {
                error = note_field(ctx, op, key, FIELD_SRC_MAC);
                vfp_ht_set_dl_src(ht, mac);
            } else {
                error = note_field(ctx, op, key, FIELD_DST_MAC);
                vfp_ht_set_dl_dst(ht, mac);
            }
        } else if (!strcmp(key, "src-ip") || !strcmp(key, "dst-ip")) {
            bool src = key[0] == 's';
            struct svec ips;

            error = vfp_split_list(value, '|', key, &ips);
            if (error) {
                break;
            }
            error = note_field(ctx, op, key, src ? FIELD_SRC_IP
                                                 : FIELD_DST_IP);
            if (!error && ips.n > 1 && !(is_nat && !src)) {
                error = xasprintf("%s: %s takes one address (only nat's "
                                  "dst-ip takes a list)", op, key);
            }
            for (size_t j = 0; j < ips.n && !error; j++) {
                const char *ip = ips.names[j];
                struct vfp_nat_dst d = { .ipv6 = strchr(ip, ':') != NULL };
                struct in_addr a4 = { 0 };
                bool ok = (d.ipv6 ? ipv6_parse(ip, &d.ip6)
                           : inet_pton(AF_INET, ip, &a4) == 1);
                d.ip4 = a4.s_addr;
                if (!ok) {
                    error = xasprintf("%s: %s \"%s\" is not an IP address",
                                      op, key, ip);
                } else if (ips.n > 1 || (is_nat && !src)) {
                    *dsts = xrealloc(*dsts, (*n_dsts + 1) * sizeof **dsts);
                    (*dsts)[(*n_dsts)++] = d;
                } else if (d.ipv6) {
                    (src ? vfp_ht_set_ipv6_src : vfp_ht_set_ipv6_dst)(
                        ht, &d.ip6);
                } else {
                    (src ? vfp_ht_set_nw_src : vfp_ht_set_nw_dst)(ht, d.ip4);
                }
            }
            if (!error && n_dsts && *n_dsts > 1) {
                bool v6 = (*dsts)[0].ipv6;
                for (size_t j = 1; j < *n_dsts; j++) {
                    if ((*dsts)[j].ipv6 != v6) {
                        error = xasprintf("%s: %s mixes IPv4 and IPv6 "
                                          "addresses", op, key);
                        break;
                    }
                }
            }
            svec_destroy(&ips);
        } else if (is_nat && !strcmp(key, "src-port")
                   && !strncmp(value, "range:", 6)) {
            if (!value[6]) {
                error = xasprintf("%s: src-port=range:NAME needs the name "
                                  "of a range resource", op);
            } else {
                error = note_field(ctx, op, key, FIELD_SRC_PORT);
                free(*range);
                *range = xstrdup(value + 6);
            }
        } else if (!strcmp(key, "src-port") || !strcmp(key, "dst-port")) {
            ovs_be16 port = 0;
            error = parse_port(op, key, value, &port);
            if (!error) {
                bool src = key[0] == 's';
                error = note_field(ctx, op, key, src ? FIELD_SRC_PORT
                                                     : FIELD_DST_PORT);
                (src ? vfp_ht_set_tp_src : vfp_ht_set_tp_dst)(ht, port);
            }
        } else {
            error = xasprintf("%s: \"%s\" is not a field it can set (%s)",
                              op, key,
                              is_nat ? "src-ip, src-port, dst-ip, dst-port"
                              : "src-mac, dst-mac, src-ip, dst-ip, "
                                "src-port, dst-port");
        }
    }
    svec_destroy(&kvs);
    return error;
}

static char * OVS_WARN_UNUSED_RESULT
parse_vlan(struct parse_ctx *ctx, const char *op, const char *args,
           struct vfp_ht *ht)
{
    struct svec parts;
    char *error = vfp_split_list(args, ',', op, &parts);
    uint64_t vid = 0, pcp = 0;
    bool have_pcp = false;

    if (error) {
        return error;
    }
    if (!vfp_parse_uint(parts.names[0], VLAN_VID_MASK, &vid)) {
        error = xasprintf("%s: VLAN ID \"%s\" is not a number from 0 to "
                          "4095", op, parts.names[0]);
    }
    for (size_t i = 1; i < parts.n && !error; i++) {
        if (strncmp(parts.names[i], "pcp=", 4)) {
            error = xasprintf("%s: \"%s\" is not pcp=N", op, parts.names[i]);
        } else if (have_pcp) {
            error = xasprintf("%s: pcp given twice", op);
        } else if (!vfp_parse_uint(parts.names[i] + 4, 7, &pcp)) {
            error = xasprintf("%s: \"%s\": PCP is from 0 to 7", op,
                              parts.names[i]);
        }
        have_pcp = true;
    }
    if (!error && ++ctx->vlan_pushes > VFP_HT_MAX_VLAN_PUSHES) {
        error = xasprintf("%s: an action pushes at most %d VLAN tags", op,
                          VFP_HT_MAX_VLAN_PUSHES);
    }
    if (!error) {
        vfp_ht_push_vlan(ht, htons(vid | (pcp << VLAN_PCP_SHIFT)));
    }
    svec_destroy(&parts);
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
    struct svec parts;
    struct vfp_encap *e = &ht->encap;
    char *error = vfp_split_list(args, ',', op, &parts);
    enum { KEY = 1, SRC_IP = 2, DST_IP = 4, SRC_MAC = 8, DST_MAC = 16,
           MAP = 32 };
    int have = 0;

    if (error) {
        return error;
    }
    memset(e, 0, sizeof *e);
    if (!strcmp(parts.names[0], "vxlan")) {
        e->type = VFP_ENCAP_VXLAN;
    } else if (!strcmp(parts.names[0], "gre")
               || !strcmp(parts.names[0], "nvgre")) {
        e->type = VFP_ENCAP_GRE;
    } else {
        error = xasprintf("%s: \"%s\" is not an encapsulation (vxlan, "
                          "nvgre, gre)", op, parts.names[0]);
    }
    for (size_t i = 1; i < parts.n && !error; i++) {
        char *name = parts.names[i];
        char *eq = strchr(name, '=');
        const char *value = eq ? eq + 1 : "";
        int bit = 0;

        if (eq) {
            *eq = '\0';
        }
        if (!strcmp(name, "key") || !strcmp(name, "vni")) {
            /* A VNI, or an NVGRE VSID: 24 bits each. */
            uint64_t max = 0xffffff;
            uint64_t key = 0;
            if (!vfp_parse_uint(value, max, &key)) {
                error = xasprintf("%s: key \"%s\" is not a number from 0 to "
                                  "%"PRIu64, op, value, max);
            }
            e->key = htonll(key);
            bit = KEY;
        } else if (!strcmp(name, "src-ip") || !strcmp(name, "dst-ip")) {
            struct in_addr a;
            if (inet_pton(AF_INET, value, &a) != 1) {
                error = xasprintf("%s: %s \"%s\" is not an IPv4 address",
                                  op, name, value);
            } else if (name[0] == 's') {
                e->ip_src = a.s_addr;
                bit = SRC_IP;
            } else {
                e->ip_dst = a.s_addr;
                bit = DST_IP;
            }
        } else if (!strcmp(name, "src-mac") || !strcmp(name, "dst-mac")) {
            struct eth_addr mac;
            if (!vfp_parse_mac(value, &mac)) {
                error = xasprintf("%s: %s \"%s\" is not a MAC address", op,
                                  name, value);
            } else if (name[0] == 's') {
                e->eth_src = mac;
                bit = SRC_MAC;
            } else {
                e->eth_dst = mac;
                bit = DST_MAC;
            }
        } else if (!strcmp(name, "map") && *value) {
            if (!(have & MAP)) {
                *map = xstrdup(value);
            }
            bit = MAP;
        } else {
            error = xasprintf("%s: \"%s\" is not a parameter of encap (key, "
                              "src-ip, dst-ip, src-mac, dst-mac, map)", op,
                              name);
        }
        if (!error && (have & bit)) {
            error = xasprintf("%s: %s given twice", op, name);
        }
        have |= bit;
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
    svec_destroy(&parts);
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
parse_op(struct parse_ctx *ctx, const char *s, struct vfp_action *action)
{
    struct vfp_op op = { .type = VFP_OP_HT };
    char *error = NULL;
    char *args;

    vfp_ht_init(&op.ht);
    if (!strcmp(s, "allow")) {
        /* Identity. */
        if (ctx->n_allow++) {
            return xstrdup("allow: given twice");
        }
    } else if (!strcmp(s, "block")) {
        op.ht.drop = true;
        if (ctx->n_block++) {
            return xstrdup("block: given twice");
        }
    } else if (!strcmp(s, "pop-vlan")) {
        if (ctx->vlan_pushes) {
            ctx->vlan_pushes--;
        } else if (++ctx->vlan_pops > FLOW_MAX_VLAN_HEADERS) {
            return xasprintf("pop-vlan: an action pops at most %d VLAN "
                             "tags", FLOW_MAX_VLAN_HEADERS);
        }
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
        error = parse_assignments(ctx, s, args, false, &op.ht, NULL, NULL,
                                  NULL);
        free(args);
    } else if ((args = op_args(s, "nat"))) {
        char *range = NULL;

        error = parse_assignments(ctx, s, args, true, &op.ht, &op.dsts,
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
        error = parse_vlan(ctx, s, args, &op.ht);
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
    } else {
        char *q = vfp_quote(s);
        error = xasprintf("%s is not an action (use allow, block, set(...), "
                          "nat(...), push-vlan(...), pop-vlan, encap(...), "
                          "decap, count(...))", q);
        free(q);
        return error;
    }

    if (!error && op.ht.tunnel_op != VFP_TUNNEL_KEEP && ctx->n_tunnel++) {
        /* The outer header is one level: a second encap or decap would
         * silently undo the first. */
        error = xasprintf("%s: at most one encap or decap per action", s);
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
    struct parse_ctx ctx = { 0 };
    struct svec ops;
    char *compact;
    char *error;

    memset(action, 0, sizeof *action);
    error = vfp_normalize(string, VFP_LEX_ONE_WORD, &compact);
    if (error) {
        return error;
    }
    error = vfp_split_list(compact, ',', "action", &ops);
    if (error) {
        free(compact);
        return error;
    }
    for (size_t i = 0; i < ops.n && !error; i++) {
        error = parse_op(&ctx, ops.names[i], action);
    }
    svec_destroy(&ops);

    if (!error && ctx.n_block && (ctx.n_allow || action->n_ops > 1)) {
        /* A drop ends the packet: anything else would be meaningless. */
        error = xasprintf("\"%s\": block drops the packet and takes no "
                          "other operation than count()", compact);
    }
    if (error) {
        free(compact);
        vfp_action_destroy(action);
    } else {
        action->string = compact;
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
        env->raise_event(env->port_name, type, resource, detail);
    }
}

/* SNAT: the connection's source port from the range resource of 'op'. */
static bool
nat_src_range(const struct vfp_op *op, const struct flow *flow,
              struct vfp_action_env *env, struct vfp_ht *ht)
{
    struct vfp_resource *res = vfp_resources_find(env->resources,
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
        if (!vfp_range_candidate(res, &t, &port)) {
            /* As a real packet would find it: exhausted. */
            raise_miss(env, res, "range-exhausted", op->resource, NULL);
            return false;
        }
    } else if (vfp_snat_lease_held(&env->lease)) {
        /* One port per connection and layer. */
        port = env->lease.port;
    } else if (vfp_snat_lease_acquire(&env->lease, res, &t)) {
        port = env->lease.port;
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
    struct vfp_resource *res = vfp_resources_find(env->resources,
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
