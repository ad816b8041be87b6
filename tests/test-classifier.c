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

/* Unit tests of group classification (vfp/group.c, vfp/condition.c): the
 * classifier finds the same rule as a linear scan with the reference
 * semantics, on random rule sets; and a benchmark of lookup cost against
 * group size. */

#include <config.h>
#undef NDEBUG
#include <assert.h>

#include "command-line.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "ovstest.h"
#include "random.h"
#include "timeval.h"
#include "util.h"
#include "vfp/group.h"
#include "vfp/rule.h"

/* Condition strings to draw from: overlapping on purpose. */
static const char *const universe[] = {
    "src-ip=10.0.0.0/8", "src-ip=10.0.0.0/24", "src-ip=10.0.0.1",
    "src-ip=10.0.0.1-10.0.0.7", "src-ip=fd00::/64,10.1.0.0/16",
    "dst-ip=10.0.0.0/8", "dst-ip=10.0.0.2", "dst-ip=10.0.0.0/30",
    "dst-ip=fd00::2", "dst-port=80", "dst-port=443,8000-8080",
    "dst-port=0-1023", "src-port=1000-1003", "proto=tcp", "proto=udp",
    "proto=icmp,icmpv6", "icmp-type=8", "icmp-type=0-3", "vlan=0",
    "vlan=5", "vlan=1-10", "eth-type=0x0800", "tun-id=5",
    "dst-mac=00:00:00:00:00:02", "src-mac=00:00:00:00:00:01,00:00:00:00:00:03",
};

static struct vfp_rule *
random_rule(int idx, uint16_t priority)
{
    struct ds conds = DS_EMPTY_INITIALIZER;
    struct vfp_rule *rule;
    char *error;

    /* Up to 3 conditions on distinct fields that do not contradict each
     * other (the parser refuses those). */
    do {
        ds_clear(&conds);
        int n = random_range(4);
        for (int i = 0; i < n; i++) {
            const char *c = universe[random_range(ARRAY_SIZE(universe))];
            size_t type_len = strcspn(c, "=");
            char *type = xasprintf(" %.*s=", (int) type_len, c);
            char *have = xasprintf(" %s", ds_cstr(&conds));
            if (!strstr(have, type)) {
                ds_put_format(&conds, "%s%s", conds.length ? " " : "", c);
            }
            free(type);
            free(have);
        }
        char *text = xasprintf("r%d priority=%"PRIu16" match=\"%s\" "
                               "action=allow", idx, priority,
                               ds_cstr(&conds));
        error = vfp_rule_create_from_string(NULL, text, &rule);
        ovs_assert(!error || strstr(error, "no packet can meet"));
        free(error);
        free(text);
    } while (error);
    ds_destroy(&conds);
    return rule;
}

static void
random_flow(struct flow *flow)
{
    memset(flow, 0, sizeof *flow);
    flow->dl_src = (struct eth_addr) ETH_ADDR_C(00,00,00,00,00,01);
    flow->dl_src.ea[5] = 1 + random_range(3);
    flow->dl_dst = (struct eth_addr) ETH_ADDR_C(00,00,00,00,00,02);
    flow->dl_dst.ea[5] = 1 + random_range(2);
    flow->tunnel.tun_id = htonll(random_range(2) ? 5 : 0);
    if (random_range(2)) {
        flow->vlans[0].tpid = htons(ETH_TYPE_VLAN);
        flow->vlans[0].tci = htons(VLAN_CFI | random_range(12));
    }

    static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP,
                                      IPPROTO_ICMP, IPPROTO_SCTP };
    switch (random_range(3)) {
    case 0:
        flow->dl_type = htons(ETH_TYPE_ARP);
        flow->nw_src = htonl(0x0a000001);
        flow->nw_dst = htonl(0x0a000002);
        flow->nw_proto = 1;
        return;
    case 1:
        flow->dl_type = htons(ETH_TYPE_IPV6);
        flow->ipv6_src.s6_addr[0] = 0xfd;
        flow->ipv6_src.s6_addr[15] = random_range(3);
        flow->ipv6_dst.s6_addr[0] = 0xfd;
        flow->ipv6_dst.s6_addr[15] = random_range(3);
        flow->nw_proto = protos[random_range(4)];
        if (flow->nw_proto == IPPROTO_ICMP) {
            flow->nw_proto = IPPROTO_ICMPV6;
        }
        break;
    default:
        flow->dl_type = htons(ETH_TYPE_IP);
        flow->nw_src = htonl((random_range(2) ? 0x0a000000 : 0x0a010000)
                             | random_range(10));
        flow->nw_dst = htonl((random_range(4) ? 0x0a000000 : 0x0b000000)
                             | random_range(5));
        flow->nw_proto = protos[random_range(4)];
        break;
    }
    static const uint16_t ports[] = { 0, 3, 8, 80, 443, 1000, 1003, 8050,
                                      9000 };
    flow->tp_src = htons(ports[random_range(ARRAY_SIZE(ports))]);
    flow->tp_dst = htons(ports[random_range(ARRAY_SIZE(ports))]);
}

/* The reference: a linear scan. */
static const struct vfp_rule *
reference_lookup(struct vfp_rule **rules, size_t n, const struct vfp_group *g,
                 const struct flow *flow)
{
    const struct vfp_rule *best = NULL;
    int best_plen = -1;

    for (size_t i = 0; i < n; i++) {
        const struct vfp_rule *r = rules[i];
        if (!vfp_conditions_match(&r->conds, flow)) {
            continue;
        }

        int plen = 0;
        if (g->lpm) {
            const struct vfp_condition *c = vfp_conditions_find(
                &r->conds, g->lpm_field);
            plen = c ? vfp_condition_match_plen(c, flow) : 0;
        }
        if (!best || plen > best_plen
            || (plen == best_plen && r->priority < best->priority)) {
            best = r;
            best_plen = plen;
        }
    }
    return best;
}

static void
check_group(bool lpm, int n_rules)
{
    struct vfp_conditions none = { NULL, 0 };
    struct vfp_group *group = vfp_group_create("g", VFP_DIR_OUT, 1, &none,
                                               lpm, VFP_FIELD_SRC_IP);
    struct vfp_rule **rules = xmalloc(n_rules * sizeof *rules);
    size_t n = 0;

    /* Distinct priorities: a tie would have no defined winner. */
    for (int i = 0; i < n_rules; i++) {
        struct vfp_rule *rule = random_rule(i, i * 7 % 1000);
        char *error = vfp_group_add_rule(group, rule);
        if (error) {
            /* An LPM group refuses ranges of its field. */
            ovs_assert(lpm && strstr(error, "not ranges"));
            free(error);
            vfp_rule_destroy(rule);
        } else {
            rules[n++] = rule;
        }
    }

    for (int i = 0; i < 20000; i++) {
        struct flow flow;
        random_flow(&flow);

        const struct vfp_rule *expected = reference_lookup(rules, n, group,
                                                           &flow);
        const struct vfp_rule *actual = vfp_group_lookup(group, &flow);
        if (expected != actual) {
            struct ds s = DS_EMPTY_INITIALIZER;
            flow_format(&s, &flow, NULL);
            ds_put_cstr(&s, "\nexpected: ");
            if (expected) {
                vfp_rule_format(expected, &s);
            }
            ds_put_cstr(&s, "\nactual: ");
            if (actual) {
                vfp_rule_format(actual, &s);
            }
            ovs_fatal(0, "%s group of %d rules disagrees with the "
                      "reference for\n%s", lpm ? "lpm" : "priority", n_rules,
                      ds_cstr(&s));
        }
    }
    vfp_group_destroy(group);
    free(rules);
}

static void
test_classifier_reference(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    for (int round = 0; round < 20; round++) {
        check_group(false, 1 + random_range(40));
        check_group(true, 1 + random_range(40));
    }
}

/* Lookup cost against group size: "vfptest test-classifier benchmark".
 * Rules are what a large ACL or route group holds: /32 and /24 addresses
 * with ports. */
static void
test_classifier_benchmark(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    static const int sizes[] = { 200, 5000, 50000 };
    double base = 0;

    for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
        struct vfp_conditions none = { NULL, 0 };
        struct vfp_group *group = vfp_group_create("g", VFP_DIR_OUT, 1,
                                                   &none, false, 0);
        for (int i = 0; i < sizes[s]; i++) {
            char *text = xasprintf("r%d priority=%d match=\"dst-ip=10.%d.%d."
                                   "%d%s dst-port=%d\" action=allow", i,
                                   i % 60000, (i >> 16) & 255,
                                   (i >> 8) & 255, i & 255,
                                   i % 3 ? "" : "/24", 1 + i % 1000);
            struct vfp_rule *rule;

            ovs_assert(!vfp_rule_create_from_string(NULL, text, &rule));
            ovs_assert(!vfp_group_add_rule(group, rule));
            free(text);
        }

        enum { N = 200000 };
        struct flow *flows = xmalloc(1024 * sizeof *flows);
        for (int i = 0; i < 1024; i++) {
            int r = random_range(sizes[s]);
            memset(&flows[i], 0, sizeof flows[i]);
            flows[i].dl_type = htons(ETH_TYPE_IP);
            flows[i].nw_proto = IPPROTO_TCP;
            flows[i].nw_dst = htonl(0x0a000000 | r);
            flows[i].tp_dst = htons(1 + r % 1000);
        }
        long long int start = time_msec();
        size_t hits = 0;
        for (int i = 0; i < N; i++) {
            hits += vfp_group_lookup(group, &flows[i % 1024]) != NULL;
        }
        long long int elapsed = time_msec() - start;
        double ns = elapsed * 1e6 / N;
        if (!s) {
            base = ns;
        }
        printf("%6d rules: %7.0f ns per lookup (%.2fx of 200), "
               "%"PRIuSIZE"/%d hit\n", sizes[s], ns, ns / base, hits, N);
        free(flows);
        vfp_group_destroy(group);
    }
}

static void
test_classifier_main(int argc, char *argv[])
{
    static const struct ovs_cmdl_command commands[] = {
        {"reference", NULL, 0, 0, test_classifier_reference, OVS_RO},
        {"benchmark", NULL, 0, 0, test_classifier_benchmark, OVS_RO},
        {NULL, NULL, 0, 0, NULL, OVS_RO},
    };
    struct ovs_cmdl_context ctx = { .argc = argc - 1, .argv = argv + 1 };

    set_program_name(argv[0]);
    random_set_seed(0xc1a55);
    ovs_cmdl_run_command(&ctx, commands);
}

OVSTEST_REGISTER("test-classifier", test_classifier_main);
