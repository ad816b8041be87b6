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
#include "vfp/condition.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "svec.h"
#include "util.h"
#include "vfp/parse-util.h"

enum field_kind {
    KIND_MAC,
    KIND_INT,                   /* 'bits' wide. */
    KIND_IP,                    /* IPv4 or IPv6. */
};

struct field_info {
    const char *name;
    enum field_kind kind;
    int bits;
};

static const struct field_info fields[VFP_N_FIELDS] = {
    [VFP_FIELD_SRC_MAC] = { "src-mac", KIND_MAC, 48 },
    [VFP_FIELD_DST_MAC] = { "dst-mac", KIND_MAC, 48 },
    [VFP_FIELD_ETH_TYPE] = { "eth-type", KIND_INT, 16 },
    [VFP_FIELD_VLAN] = { "vlan", KIND_INT, 12 },
    [VFP_FIELD_SRC_IP] = { "src-ip", KIND_IP, 32 },
    [VFP_FIELD_DST_IP] = { "dst-ip", KIND_IP, 32 },
    [VFP_FIELD_PROTO] = { "proto", KIND_INT, 8 },
    [VFP_FIELD_SRC_PORT] = { "src-port", KIND_INT, 16 },
    [VFP_FIELD_DST_PORT] = { "dst-port", KIND_INT, 16 },
    [VFP_FIELD_ICMP_TYPE] = { "icmp-type", KIND_INT, 8 },
    [VFP_FIELD_ICMP_CODE] = { "icmp-code", KIND_INT, 8 },
    [VFP_FIELD_TUN_ID] = { "tun-id", KIND_INT, 64 },
    [VFP_FIELD_TUN_SRC] = { "tun-src", KIND_IP, 32 },
    [VFP_FIELD_TUN_DST] = { "tun-dst", KIND_IP, 32 },
};

static const struct {
    const char *name;
    uint8_t proto;
} proto_names[] = {
    { "icmp", IPPROTO_ICMP },
    { "tcp", IPPROTO_TCP },
    { "udp", IPPROTO_UDP },
    { "gre", IPPROTO_GRE },
    { "icmpv6", IPPROTO_ICMPV6 },
    { "sctp", IPPROTO_SCTP },
};

const char *
vfp_field_name(enum vfp_field field)
{
    return fields[field].name;
}

bool
vfp_field_from_name(const char *name, enum vfp_field *field)
{
    for (int i = 0; i < VFP_N_FIELDS; i++) {
        if (!strcmp(name, fields[i].name)) {
            *field = i;
            return true;
        }
    }
    return false;
}

bool
vfp_field_is_ip(enum vfp_field field)
{
    return fields[field].kind == KIND_IP;
}

static uint64_t
max_of_bits(int bits)
{
    return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

/* Parsing. */

/* Parses a dotted-quad IPv4 address strictly ("10.0.0.300" is an error,
 * unlike with ip_parse()). */
static bool
parse_ip4(const char *s, ovs_be32 *ip)
{
    struct in_addr addr;

    if (inet_pton(AF_INET, s, &addr) != 1) {
        return false;
    }
    *ip = addr.s_addr;
    return true;
}

/* Parses "A.B.C.D" or "A.B.C.D/N". */
static bool
parse_ip4_cidr(const char *s, ovs_be32 *ip, unsigned int *plen)
{
    const char *slash = strchr(s, '/');
    char *addr = slash ? xmemdup0(s, slash - s) : xstrdup(s);
    bool ok = parse_ip4(addr, ip);

    free(addr);
    *plen = 32;
    if (ok && slash) {
        uint64_t n = 0;
        ok = vfp_parse_uint(slash + 1, 32, &n);
        *plen = n;
    }
    return ok;
}


static char * OVS_WARN_UNUSED_RESULT
parse_int(const struct field_info *f, const char *s, uint64_t *value)
{
    if (f == &fields[VFP_FIELD_PROTO]) {
        for (size_t i = 0; i < ARRAY_SIZE(proto_names); i++) {
            if (!strcmp(s, proto_names[i].name)) {
                *value = proto_names[i].proto;
                return NULL;
            }
        }
    }

    if (!vfp_parse_uint(s, max_of_bits(f->bits), value)) {
        return xasprintf("%s: \"%s\" is not a number from 0 to %"PRIu64"%s",
                         f->name, s, max_of_bits(f->bits),
                         (f == &fields[VFP_FIELD_PROTO]
                          ? " or a protocol name" : ""));
    }
    return NULL;
}

static char * OVS_WARN_UNUSED_RESULT
parse_value(const struct field_info *f, const char *s, struct vfp_value *v)
{
    char *dash = strchr(s, '-');
    char *error = NULL;

    memset(v, 0, sizeof *v);
    v->form = VFP_VALUE_SINGLE;

    if (f->kind == KIND_MAC) {
        if (!vfp_parse_mac(s, &v->mac)) {
            return xasprintf("%s: \"%s\" is not a MAC address", f->name, s);
        }
        return NULL;
    }

    if (f->kind == KIND_INT) {
        if (dash && dash != s) {
            char *lo_s = xmemdup0(s, dash - s);
            error = parse_int(f, lo_s, &v->lo);
            free(lo_s);
            if (!error) {
                error = parse_int(f, dash + 1, &v->hi);
            }
            if (!error && v->lo > v->hi) {
                error = xasprintf("%s: range \"%s\" is empty", f->name, s);
            }
            v->form = VFP_VALUE_RANGE;
        } else {
            error = parse_int(f, s, &v->lo);
            v->hi = v->lo;
        }
        return error;
    }

    /* IP. */
    if (strchr(s, ':')) {
        v->ipv6 = true;
        if (dash) {
            return xasprintf("%s: \"%s\": IPv6 ranges are not supported, use "
                             "prefixes", f->name, s);
        }
        error = ipv6_parse_cidr(s, &v->ip6, &v->plen);
        if (error) {
            free(error);
            return xasprintf("%s: \"%s\" is not an IPv6 address or prefix",
                             f->name, s);
        }
        v->form = strchr(s, '/') ? VFP_VALUE_PREFIX : VFP_VALUE_SINGLE;
        struct in6_addr mask = ipv6_create_mask(v->plen);
        v->ip6 = ipv6_addr_bitand(&v->ip6, &mask);
        return NULL;
    }

    ovs_be32 ip, ip2;
    unsigned int plen;
    if (dash) {
        char *lo_s = xmemdup0(s, dash - s);
        bool ok = parse_ip4(lo_s, &ip) && parse_ip4(dash + 1, &ip2);
        free(lo_s);
        if (!ok) {
            return xasprintf("%s: \"%s\" is not an IPv4 range", f->name, s);
        }
        v->form = VFP_VALUE_RANGE;
        v->lo = ntohl(ip);
        v->hi = ntohl(ip2);
        if (v->lo > v->hi) {
            return xasprintf("%s: range \"%s\" is empty", f->name, s);
        }
        return NULL;
    }

    if (!parse_ip4_cidr(s, &ip, &plen)) {
        return xasprintf("%s: \"%s\" is not an IP address, prefix or range",
                         f->name, s);
    }
    v->form = strchr(s, '/') ? VFP_VALUE_PREFIX : VFP_VALUE_SINGLE;
    v->plen = plen;
    uint32_t host_bits = plen ? max_of_bits(32 - plen) : UINT32_MAX;
    v->lo = ntohl(ip) & ~host_bits;
    v->hi = v->lo | host_bits;
    return NULL;
}

static void format_value(const struct field_info *, const struct vfp_value *,
                         struct ds *);

static int
compare_conditions(const void *a_, const void *b_)
{
    const struct vfp_condition *a = a_, *b = b_;
    return (int) a->field - (int) b->field;
}

static void
count_match(const struct match *m OVS_UNUSED, void *aux OVS_UNUSED)
{
}

static void
format_condition(const struct vfp_condition *c, struct ds *s)
{
    const struct field_info *f = &fields[c->field];

    ds_put_format(s, "%s=", f->name);
    for (size_t j = 0; j < c->n_values; j++) {
        if (j) {
            ds_put_char(s, ',');
        }
        format_value(f, &c->values[j], s);
    }
}

/* Refuses conditions that contradict each other (VFP rules mean what they
 * say): every value of every condition must be able to match together with
 * each other condition ("proto=icmp dst-port=80", "eth-type=0x0806
 * proto=tcp", an IPv4 src-ip with an IPv6 dst-ip), and the whole must match
 * some packet. */
static char * OVS_WARN_UNUSED_RESULT
check_contradictions(const struct vfp_conditions *conds)
{
    for (size_t i = 0; i < conds->n; i++) {
        const struct vfp_condition *a = &conds->conds[i];

        for (size_t j = 0; j < a->n_values; j++) {
            struct vfp_condition one = *a;

            one.values = &a->values[j];
            one.n_values = 1;
            for (size_t k = 0; k < conds->n; k++) {
                struct vfp_condition pair[2];
                struct vfp_conditions two = { pair, 2 };

                if (k == i) {
                    continue;
                }
                pair[i < k ? 0 : 1] = one;
                pair[i < k ? 1 : 0] = conds->conds[k];
                if (!vfp_conditions_to_matches(&two, count_match, NULL)) {
                    struct ds s = DS_EMPTY_INITIALIZER;

                    ds_put_char(&s, '"');
                    format_condition(&one, &s);
                    ds_put_cstr(&s, "\" contradicts \"");
                    format_condition(&conds->conds[k], &s);
                    ds_put_cstr(&s, "\": no packet can meet both");
                    return ds_steal_cstr(&s);
                }
            }
        }
    }
    if (conds->n && !vfp_conditions_to_matches(conds, count_match, NULL)) {
        struct ds s = DS_EMPTY_INITIALIZER;

        ds_put_char(&s, '"');
        vfp_conditions_format(conds, &s);
        ds_put_cstr(&s, "\": no packet can meet these conditions");
        return ds_steal_cstr(&s);
    }
    return NULL;
}

/* Parses 'string', e.g. "proto=tcp dst-port=80,443,8000-8080
 * src-ip=10.0.0.0/8,192.168.1.5", into 'conds'.  An empty string is no
 * condition (matches every packet).  On error returns a malloc'd message
 * naming the offending token and leaves 'conds' empty. */
char *
vfp_conditions_parse(const char *string, struct vfp_conditions *conds)
{
    char *copy;
    char *save_ptr = NULL;
    char *error;

    conds->conds = NULL;
    conds->n = 0;
    error = vfp_normalize(string, VFP_LEX_WORDS, &copy);
    if (error) {
        return error;
    }
    for (char *token = strtok_r(copy, " ", &save_ptr); token;
         token = strtok_r(NULL, " ", &save_ptr)) {
        char *eq = strchr(token, '=');
        enum vfp_field field;

        if (!eq || eq == token) {
            char *q = vfp_quote(token);
            error = xasprintf("%s: a condition is TYPE=VALUE[,VALUE...]", q);
            free(q);
            break;
        }
        *eq = '\0';
        if (!vfp_field_from_name(token, &field)) {
            char *q = vfp_quote(token);
            error = xasprintf("%s is not a condition type", q);
            free(q);
            break;
        }
        if (vfp_conditions_find(conds, field)) {
            error = xasprintf("%s: given twice (list the values of one "
                              "condition with commas)", token);
            break;
        }
        if (!eq[1]) {
            error = xasprintf("%s: no value", token);
            break;
        }

        struct svec values;
        error = vfp_split_list(eq + 1, ',', token, &values);
        if (error) {
            break;
        }

        struct vfp_condition cond = { .field = field };
        cond.values = xcalloc(values.n, sizeof *cond.values);
        for (size_t i = 0; i < values.n && !error; i++) {
            error = parse_value(&fields[field], values.names[i],
                                &cond.values[cond.n_values]);
            if (!error) {
                cond.n_values++;
            }
        }
        svec_destroy(&values);
        conds->conds = xrealloc(conds->conds,
                                (conds->n + 1) * sizeof *conds->conds);
        conds->conds[conds->n++] = cond;
        if (error) {
            break;
        }
        qsort(conds->conds, conds->n, sizeof *conds->conds,
              compare_conditions);
    }
    free(copy);

    if (!error) {
        error = check_contradictions(conds);
    }
    if (error) {
        vfp_conditions_destroy(conds);
    }
    return error;
}

void
vfp_conditions_destroy(struct vfp_conditions *conds)
{
    for (size_t i = 0; i < conds->n; i++) {
        free(conds->conds[i].values);
    }
    free(conds->conds);
    conds->conds = NULL;
    conds->n = 0;
}

void
vfp_conditions_clone(struct vfp_conditions *dst,
                     const struct vfp_conditions *src)
{
    dst->n = src->n;
    dst->conds = xcalloc(src->n + 1, sizeof *dst->conds);
    for (size_t i = 0; i < src->n; i++) {
        const struct vfp_condition *c = &src->conds[i];

        dst->conds[i] = *c;
        dst->conds[i].values = xmemdup(c->values,
                                       c->n_values * sizeof *c->values);
    }
}

const struct vfp_condition *
vfp_conditions_find(const struct vfp_conditions *conds, enum vfp_field field)
{
    for (size_t i = 0; i < conds->n; i++) {
        if (conds->conds[i].field == field) {
            return &conds->conds[i];
        }
    }
    return NULL;
}

static void
format_int(const struct field_info *f, uint64_t x, struct ds *s)
{
    if (f == &fields[VFP_FIELD_ETH_TYPE]) {
        ds_put_format(s, "0x%04"PRIx64, x);
        return;
    }
    if (f == &fields[VFP_FIELD_PROTO]) {
        for (size_t i = 0; i < ARRAY_SIZE(proto_names); i++) {
            if (proto_names[i].proto == x) {
                ds_put_cstr(s, proto_names[i].name);
                return;
            }
        }
    }
    ds_put_format(s, "%"PRIu64, x);
}

static void
format_value(const struct field_info *f, const struct vfp_value *v,
             struct ds *s)
{
    if (f->kind == KIND_MAC) {
        ds_put_format(s, ETH_ADDR_FMT, ETH_ADDR_ARGS(v->mac));
    } else if (f->kind == KIND_INT) {
        format_int(f, v->lo, s);
        if (v->form == VFP_VALUE_RANGE) {
            ds_put_char(s, '-');
            format_int(f, v->hi, s);
        }
    } else if (v->ipv6) {
        ipv6_format_addr(&v->ip6, s);
        if (v->form == VFP_VALUE_PREFIX) {
            ds_put_format(s, "/%u", v->plen);
        }
    } else {
        ds_put_format(s, IP_FMT, IP_ARGS(htonl(v->lo)));
        if (v->form == VFP_VALUE_PREFIX) {
            ds_put_format(s, "/%u", v->plen);
        } else if (v->form == VFP_VALUE_RANGE) {
            ds_put_format(s, "-"IP_FMT, IP_ARGS(htonl(v->hi)));
        }
    }
}

/* Formats 'conds' as vfp_conditions_parse() reads them, in canonical form.
 * No condition formats as "". */
void
vfp_conditions_format(const struct vfp_conditions *conds, struct ds *s)
{
    for (size_t i = 0; i < conds->n; i++) {
        if (i) {
            ds_put_char(s, ' ');
        }
        format_condition(&conds->conds[i], s);
    }
}

/* Reference semantics. */

static bool
is_ip(const struct flow *flow)
{
    return flow->dl_type == htons(ETH_TYPE_IP)
           || flow->dl_type == htons(ETH_TYPE_IPV6);
}

static bool
has_ports(const struct flow *flow)
{
    return (is_ip(flow)
            && (flow->nw_proto == IPPROTO_TCP || flow->nw_proto == IPPROTO_UDP
                || flow->nw_proto == IPPROTO_SCTP));
}

static bool
is_icmp(const struct flow *flow)
{
    return ((flow->dl_type == htons(ETH_TYPE_IP)
             && flow->nw_proto == IPPROTO_ICMP)
            || (flow->dl_type == htons(ETH_TYPE_IPV6)
                && flow->nw_proto == IPPROTO_ICMPV6));
}

static bool
int_in(const struct vfp_condition *c, uint64_t x)
{
    for (size_t i = 0; i < c->n_values; i++) {
        if (x >= c->values[i].lo && x <= c->values[i].hi) {
            return true;
        }
    }
    return false;
}

/* Returns the prefix length of the longest value of 'c' that contains the
 * address (ip4 or ip6), or -1. */
static int
ip_plen_in(const struct vfp_condition *c, bool ipv6, ovs_be32 ip4,
           const struct in6_addr *ip6)
{
    int best = -1;

    for (size_t i = 0; i < c->n_values; i++) {
        const struct vfp_value *v = &c->values[i];
        int plen;

        if (v->ipv6 != ipv6) {
            continue;
        }
        if (ipv6) {
            struct in6_addr mask = ipv6_create_mask(v->plen);
            struct in6_addr masked = ipv6_addr_bitand(ip6, &mask);
            if (!ipv6_addr_equals(&masked, &v->ip6)) {
                continue;
            }
            plen = v->form == VFP_VALUE_PREFIX ? v->plen : 128;
        } else {
            uint32_t x = ntohl(ip4);
            if (x < v->lo || x > v->hi) {
                continue;
            }
            plen = (v->form == VFP_VALUE_PREFIX ? v->plen
                    : v->form == VFP_VALUE_SINGLE ? 32 : 0);
        }
        best = MAX(best, plen);
    }
    return best;
}

int
vfp_condition_match_plen(const struct vfp_condition *c,
                         const struct flow *flow)
{
    const struct flow_tnl *tnl = &flow->tunnel;

    if (c->field == VFP_FIELD_SRC_IP || c->field == VFP_FIELD_DST_IP) {
        bool src = c->field == VFP_FIELD_SRC_IP;
        if (flow->dl_type == htons(ETH_TYPE_IP)) {
            return ip_plen_in(c, false, src ? flow->nw_src : flow->nw_dst,
                              NULL);
        } else if (flow->dl_type == htons(ETH_TYPE_IPV6)) {
            return ip_plen_in(c, true, 0,
                              src ? &flow->ipv6_src : &flow->ipv6_dst);
        }
    } else if (c->field == VFP_FIELD_TUN_SRC) {
        return MAX(ip_plen_in(c, false, tnl->ip_src, NULL),
                   ip_plen_in(c, true, 0, &tnl->ipv6_src));
    } else if (c->field == VFP_FIELD_TUN_DST) {
        return MAX(ip_plen_in(c, false, tnl->ip_dst, NULL),
                   ip_plen_in(c, true, 0, &tnl->ipv6_dst));
    }
    return -1;
}

static bool
condition_match(const struct vfp_condition *c, const struct flow *flow)
{
    switch (c->field) {
    case VFP_FIELD_SRC_MAC:
    case VFP_FIELD_DST_MAC: {
        struct eth_addr mac = (c->field == VFP_FIELD_SRC_MAC
                               ? flow->dl_src : flow->dl_dst);
        for (size_t i = 0; i < c->n_values; i++) {
            if (eth_addr_equals(mac, c->values[i].mac)) {
                return true;
            }
        }
        return false;
    }
    case VFP_FIELD_ETH_TYPE:
        return int_in(c, ntohs(flow->dl_type));
    case VFP_FIELD_VLAN:
        return int_in(c, (flow->vlans[0].tci & htons(VLAN_CFI)
                          ? vlan_tci_to_vid(flow->vlans[0].tci) : 0));
    case VFP_FIELD_SRC_IP:
    case VFP_FIELD_DST_IP:
    case VFP_FIELD_TUN_SRC:
    case VFP_FIELD_TUN_DST:
        return vfp_condition_match_plen(c, flow) >= 0;
    case VFP_FIELD_PROTO:
        return is_ip(flow) && int_in(c, flow->nw_proto);
    case VFP_FIELD_SRC_PORT:
        return has_ports(flow) && int_in(c, ntohs(flow->tp_src));
    case VFP_FIELD_DST_PORT:
        return has_ports(flow) && int_in(c, ntohs(flow->tp_dst));
    case VFP_FIELD_ICMP_TYPE:
        return is_icmp(flow) && int_in(c, ntohs(flow->tp_src));
    case VFP_FIELD_ICMP_CODE:
        return is_icmp(flow) && int_in(c, ntohs(flow->tp_dst));
    case VFP_FIELD_TUN_ID:
        return int_in(c, ntohll(flow->tunnel.tun_id));
    case VFP_N_FIELDS:
    default:
        OVS_NOT_REACHED();
    }
}

bool
vfp_conditions_match(const struct vfp_conditions *conds,
                     const struct flow *flow)
{
    for (size_t i = 0; i < conds->n; i++) {
        if (!condition_match(&conds->conds[i], flow)) {
            return false;
        }
    }
    return true;
}

/* Compilation to OVS matches. */

/* Calls 'cb' with the value/mask pairs whose union is [lo, hi] on 'bits'
 * bits: the standard range-to-prefix expansion. */
static void
range_to_prefixes(uint64_t lo, uint64_t hi, int bits,
                  void (*cb)(uint64_t value, uint64_t mask, void *aux),
                  void *aux)
{
    uint64_t all = max_of_bits(bits);

    for (;;) {
        int size_bits = lo ? MIN(ctz64(lo), bits) : bits;
        while (size_bits > 0 && lo + max_of_bits(size_bits) > hi) {
            size_bits--;
        }

        uint64_t span = max_of_bits(size_bits);
        cb(lo, all & ~span, aux);
        if (lo + span >= hi) {
            return;
        }
        lo += span + 1;
    }
}

struct compile_ctx {
    const struct vfp_conditions *conds;
    const struct vfp_condition *eth_type, *proto;
    bool needs_l3, needs_ports, needs_icmp;
    void (*cb)(const struct match *, void *aux);
    void *aux;
    size_t n;
};

struct piece_ctx {
    struct compile_ctx *ctx;
    const struct vfp_condition *cond;
    size_t idx;                 /* Index of 'cond' in ctx->conds. */
    struct match *match;
    int family;
};

static void compile(struct compile_ctx *, size_t idx, struct match *,
                    int family);

static void
emit(struct compile_ctx *ctx, const struct match *match)
{
    ctx->cb(match, ctx->aux);
    ctx->n++;
}

static void
set_int_field(struct match *m, enum vfp_field field, uint64_t value,
              uint64_t mask)
{
    switch (field) {
    case VFP_FIELD_ETH_TYPE:
        m->flow.dl_type = htons(value);
        m->wc.masks.dl_type = htons(mask);
        break;
    case VFP_FIELD_VLAN:
        /* Tagged packets only. */
        match_set_vlan_vid_masked(m, htons(value | VLAN_CFI),
                                  htons(mask | VLAN_CFI));
        break;
    case VFP_FIELD_PROTO:
        m->flow.nw_proto = value;
        m->wc.masks.nw_proto = mask;
        break;
    case VFP_FIELD_SRC_PORT:
    case VFP_FIELD_ICMP_TYPE:
        match_set_tp_src_masked(m, htons(value), htons(mask));
        break;
    case VFP_FIELD_DST_PORT:
    case VFP_FIELD_ICMP_CODE:
        match_set_tp_dst_masked(m, htons(value), htons(mask));
        break;
    case VFP_FIELD_TUN_ID:
        match_set_tun_id_masked(m, htonll(value), htonll(mask));
        break;
    case VFP_FIELD_SRC_MAC:
    case VFP_FIELD_DST_MAC:
    case VFP_FIELD_SRC_IP:
    case VFP_FIELD_DST_IP:
    case VFP_FIELD_TUN_SRC:
    case VFP_FIELD_TUN_DST:
    case VFP_N_FIELDS:
    default:
        OVS_NOT_REACHED();
    }
}

static void
set_ip4_field(struct match *m, enum vfp_field field, uint32_t value,
              uint32_t mask)
{
    ovs_be32 v = htonl(value), mk = htonl(mask);

    if (field == VFP_FIELD_SRC_IP) {
        match_set_nw_src_masked(m, v, mk);
    } else if (field == VFP_FIELD_DST_IP) {
        match_set_nw_dst_masked(m, v, mk);
    } else if (field == VFP_FIELD_TUN_SRC) {
        match_set_tun_src_masked(m, v, mk);
    } else {
        ovs_assert(field == VFP_FIELD_TUN_DST);
        match_set_tun_dst_masked(m, v, mk);
    }
}

static bool
is_packet_ip_field(enum vfp_field field)
{
    return field == VFP_FIELD_SRC_IP || field == VFP_FIELD_DST_IP;
}

/* Callback of range_to_prefixes() for one value of a condition. */
static void
compile_piece(uint64_t value, uint64_t mask, void *pc_)
{
    struct piece_ctx *pc = pc_;
    struct match m = *pc->match;
    enum vfp_field field = pc->cond->field;
    int family = pc->family;

    if (fields[field].kind == KIND_IP) {
        if (is_packet_ip_field(field)) {
            if (family == 6) {
                return;
            }
            family = 4;
        }
        set_ip4_field(&m, field, value, mask);
    } else {
        set_int_field(&m, field, value, mask);
    }
    compile(pc->ctx, pc->idx + 1, &m, family);
}

static void
compile_value(struct piece_ctx *pc, const struct vfp_value *v)
{
    enum vfp_field field = pc->cond->field;
    const struct field_info *f = &fields[field];

    if (f->kind == KIND_MAC) {
        struct match m = *pc->match;
        if (field == VFP_FIELD_SRC_MAC) {
            match_set_dl_src(&m, v->mac);
        } else {
            match_set_dl_dst(&m, v->mac);
        }
        compile(pc->ctx, pc->idx + 1, &m, pc->family);
    } else if (f->kind == KIND_IP && v->ipv6) {
        int family = pc->family;
        struct in6_addr mask = ipv6_create_mask(v->plen);
        struct match m = *pc->match;

        if (is_packet_ip_field(field)) {
            if (family == 4) {
                return;
            }
            family = 6;
        }
        if (field == VFP_FIELD_SRC_IP) {
            match_set_ipv6_src_masked(&m, &v->ip6, &mask);
        } else if (field == VFP_FIELD_DST_IP) {
            match_set_ipv6_dst_masked(&m, &v->ip6, &mask);
        } else if (field == VFP_FIELD_TUN_SRC) {
            match_set_tun_ipv6_src_masked(&m, &v->ip6, &mask);
        } else {
            ovs_assert(field == VFP_FIELD_TUN_DST);
            match_set_tun_ipv6_dst_masked(&m, &v->ip6, &mask);
        }
        compile(pc->ctx, pc->idx + 1, &m, family);
    } else if (field == VFP_FIELD_VLAN) {
        /* VID 0 is an untagged packet as well as one with a priority tag
         * (VID 0). */
        if (v->lo == 0) {
            struct match m = *pc->match;
            match_set_vlan_vid_masked(&m, htons(0), htons(VLAN_CFI));
            compile(pc->ctx, pc->idx + 1, &m, pc->family);
        }
        range_to_prefixes(v->lo, v->hi, f->bits, compile_piece, pc);
    } else {
        range_to_prefixes(v->lo, v->hi, f->kind == KIND_IP ? 32 : f->bits,
                          compile_piece, pc);
    }
}

/* Callback of range_to_prefixes() for eth-type and proto values applied at
 * the last step: sets the field and emits the match. */
static void
compile_piece_emit(uint64_t value, uint64_t mask, void *pc_)
{
    struct piece_ctx *pc = pc_;
    struct match m = *pc->match;

    set_int_field(&m, pc->cond->field, value, mask);
    emit(pc->ctx, &m);
}

/* The last step: the prerequisites, and the eth-type and proto conditions,
 * which interact with them. */
static void
compile_prerequisites(struct compile_ctx *ctx, struct match *m, int family)
{
    int families[2], n_families = 0;

    if (family) {
        families[n_families++] = family;
    } else if (ctx->needs_l3) {
        families[n_families++] = 4;
        families[n_families++] = 6;
    }

    if (!n_families) {
        /* No L3 condition: eth-type, if any, as given. */
        if (ctx->eth_type) {
            struct piece_ctx pc = { ctx, ctx->eth_type, SIZE_MAX, m, 0 };
            for (size_t i = 0; i < ctx->eth_type->n_values; i++) {
                const struct vfp_value *v = &ctx->eth_type->values[i];
                range_to_prefixes(v->lo, v->hi, 16,
                                  compile_piece_emit, &pc);
            }
        } else {
            emit(ctx, m);
        }
        return;
    }

    for (int i = 0; i < n_families; i++) {
        int f = families[i];
        uint16_t dl_type = f == 4 ? ETH_TYPE_IP : ETH_TYPE_IPV6;
        struct match mf = *m;

        if (ctx->eth_type && !int_in(ctx->eth_type, dl_type)) {
            continue;
        }
        match_set_dl_type(&mf, htons(dl_type));

        uint8_t protos[3];
        size_t n_protos = 0;
        if (ctx->needs_ports) {
            protos[n_protos++] = IPPROTO_TCP;
            protos[n_protos++] = IPPROTO_UDP;
            protos[n_protos++] = IPPROTO_SCTP;
        } else if (ctx->needs_icmp) {
            protos[n_protos++] = f == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
        }

        if (n_protos) {
            for (size_t j = 0; j < n_protos; j++) {
                if (!ctx->proto || int_in(ctx->proto, protos[j])) {
                    struct match mp = mf;
                    match_set_nw_proto(&mp, protos[j]);
                    emit(ctx, &mp);
                }
            }
        } else if (ctx->proto) {
            for (size_t j = 0; j < ctx->proto->n_values; j++) {
                const struct vfp_value *v = &ctx->proto->values[j];
                struct piece_ctx pc = { ctx, ctx->proto, SIZE_MAX, &mf, f };
                range_to_prefixes(v->lo, v->hi, 8, compile_piece_emit, &pc);
            }
        } else {
            emit(ctx, &mf);
        }
    }
}

/* Expands condition 'idx' and the ones after it into 'm'. */
static void
compile(struct compile_ctx *ctx, size_t idx, struct match *m, int family)
{
    while (idx < ctx->conds->n
           && (ctx->conds->conds[idx].field == VFP_FIELD_ETH_TYPE
               || ctx->conds->conds[idx].field == VFP_FIELD_PROTO)) {
        idx++;
    }
    if (idx >= ctx->conds->n) {
        compile_prerequisites(ctx, m, family);
        return;
    }

    const struct vfp_condition *cond = &ctx->conds->conds[idx];
    struct piece_ctx pc = { ctx, cond, idx, m, family };
    for (size_t i = 0; i < cond->n_values; i++) {
        compile_value(&pc, &cond->values[i]);
    }
}

size_t
vfp_conditions_to_matches(const struct vfp_conditions *conds,
                          void (*cb)(const struct match *, void *aux),
                          void *aux)
{
    struct compile_ctx ctx = {
        .conds = conds,
        .eth_type = vfp_conditions_find(conds, VFP_FIELD_ETH_TYPE),
        .proto = vfp_conditions_find(conds, VFP_FIELD_PROTO),
        .cb = cb,
        .aux = aux,
    };

    for (size_t i = 0; i < conds->n; i++) {
        switch (conds->conds[i].field) {
        case VFP_FIELD_SRC_IP:
        case VFP_FIELD_DST_IP:
        case VFP_FIELD_PROTO:
            ctx.needs_l3 = true;
            break;
        case VFP_FIELD_SRC_PORT:
        case VFP_FIELD_DST_PORT:
            ctx.needs_l3 = ctx.needs_ports = true;
            break;
        case VFP_FIELD_ICMP_TYPE:
        case VFP_FIELD_ICMP_CODE:
            ctx.needs_l3 = ctx.needs_icmp = true;
            break;
        case VFP_FIELD_SRC_MAC:
        case VFP_FIELD_DST_MAC:
        case VFP_FIELD_ETH_TYPE:
        case VFP_FIELD_VLAN:
        case VFP_FIELD_TUN_ID:
        case VFP_FIELD_TUN_SRC:
        case VFP_FIELD_TUN_DST:
        case VFP_N_FIELDS:
        default:
            break;
        }
    }
    if (ctx.needs_ports && ctx.needs_icmp) {
        /* No packet has both ports and an ICMP type. */
        return 0;
    }

    struct match m;
    match_init_catchall(&m);
    compile(&ctx, 0, &m, 0);
    return ctx.n;
}
