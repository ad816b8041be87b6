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

/* The slow path's cost without the datapath: "vfptest test-engine
 * benchmark" runs first packets through ports of 1, 4 and 10 layers of 200
 * rules each, and through one group of 50k rules, and prints the time per
 * packet (first-packet latency of the engine) and packets per second (the
 * rate at which one thread could compute unified flows), with ratios to the
 * 1-layer case.  "vfptest test-engine order" checks layer order. */

#include <config.h>
#undef NDEBUG
#include <assert.h>

#include "command-line.h"
#include "flow.h"
#include "ovstest.h"
#include "random.h"
#include "timeval.h"
#include "util.h"
#include "vfp/group.h"
#include "vfp/layer.h"
#include "vfp/port.h"
#include "vfp/rule.h"

static void
add_rule(struct vfp_group *group, int i, const char *conds,
         const char *action)
{
    char *text = xasprintf("r%d priority=%d match=\"%s\" action=\"%s\"", i,
                           i % 65000, conds, action);
    struct vfp_rule *rule;

    ovs_assert(!vfp_rule_create_from_string(NULL, text, &rule));
    ovs_assert(!vfp_group_add_rule(group, rule));
    free(text);
}

/* A port of 'n_layers' layers, each one outbound group of 'n_rules' ACL
 * rules on destination /32 and port, the last one a rewrite. */
static struct vfp_port *
make_port(int n_layers, int n_rules)
{
    struct vfp_port *port = vfp_port_create("test");
    struct vfp_conditions none = { NULL, 0 };

    for (int l = 0; l < n_layers; l++) {
        char *name = xasprintf("l%d", l);
        struct vfp_layer *layer = vfp_layer_create(name, l, false, false);
        struct vfp_group *group = vfp_group_create("g", VFP_DIR_OUT, 1,
                                                   &none, false, 0);
        for (int i = 0; i < n_rules; i++) {
            char *conds = xasprintf("dst-ip=10.%d.%d.%d dst-port=%d",
                                    (i >> 16) & 255, (i >> 8) & 255, i & 255,
                                    1 + i % 1000);
            add_rule(group, i, conds, (i % 2 ? "allow"
                                       : "set(src-port=4000)"));
            free(conds);
        }
        ovs_assert(!vfp_layer_add_group(layer, group));
        ovs_assert(!vfp_port_add_layer(port, layer));
        free(name);
    }
    return port;
}

static double
measure(const struct vfp_port *port, int n_rules)
{
    enum { N_FLOWS = 1024, N = 200000 };
    struct flow *flows = xmalloc(N_FLOWS * sizeof *flows);

    for (int i = 0; i < N_FLOWS; i++) {
        int r = random_range(n_rules);
        memset(&flows[i], 0, sizeof flows[i]);
        flows[i].dl_type = htons(ETH_TYPE_IP);
        flows[i].nw_proto = IPPROTO_TCP;
        flows[i].nw_src = htonl(0x0b000001);
        flows[i].nw_dst = htonl(0x0a000000 | r);
        flows[i].tp_src = htons(random_range(60000));
        flows[i].tp_dst = htons(1 + r % 1000);
    }

    long long int start = time_msec();
    size_t passed = 0;
    for (int i = 0; i < N; i++) {
        struct flow f = flows[i % N_FLOWS];
        struct vfp_ht ht;
        passed += vfp_port_process(port, VFP_DIR_OUT, &f, &ht, NULL, NULL,
                                   NULL);
    }
    long long int elapsed = time_msec() - start;
    ovs_assert(passed == N);
    free(flows);
    return elapsed * 1e6 / N;
}

static void
test_engine_benchmark(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    static const struct { int layers, rules; } cases[] = {
        { 1, 200 }, { 4, 200 }, { 10, 200 }, { 1, 50000 },
    };
    double base = 0;

    printf("%-22s %12s %14s %8s\n", "policy", "ns/packet", "packets/s",
           "ratio");
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct vfp_port *port = make_port(cases[i].layers, cases[i].rules);
        double ns = measure(port, cases[i].rules);
        if (!i) {
            base = ns;
        }
        char *name = xasprintf("%d layer%s x %d rules", cases[i].layers,
                               cases[i].layers > 1 ? "s" : "",
                               cases[i].rules);
        printf("%-22s %12.0f %14.0f %7.2fx\n", name, ns, 1e9 / ns,
               ns / base);
        free(name);
        vfp_port_destroy(port);
    }
}

/* Outbound visits layers in ascending priority, inbound in descending:
 * each layer rewrites the source port only if it sees the previous
 * layer's value. */
static void
test_engine_order(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    struct vfp_port *port = vfp_port_create("test");
    struct vfp_conditions none = { NULL, 0 };

    for (int l = 0; l < 3; l++) {
        char *name = xasprintf("l%d", l);
        struct vfp_layer *layer = vfp_layer_create(name, 10 * (l + 1), false,
                                                   false);
        for (int dir = 0; dir < 2; dir++) {
            struct vfp_group *group = vfp_group_create(
                dir ? "out" : "in", dir ? VFP_DIR_OUT : VFP_DIR_IN, 1,
                &none, false, 0);
            /* Outbound: 1000 -> 1001 -> 1002 -> 1003 through l0, l1, l2.
             * Inbound: 2000 -> 2001 -> 2002 -> 2003 through l2, l1, l0. */
            int step = dir ? l : 2 - l;
            int base = dir ? 1000 : 2000;
            char *conds = xasprintf("src-port=%d", base + step);
            char *action = xasprintf("set(src-port=%d)", base + step + 1);
            add_rule(group, 1, conds, action);
            free(conds);
            free(action);
            ovs_assert(!vfp_layer_add_group(layer, group));
        }
        ovs_assert(!vfp_port_add_layer(port, layer));
        free(name);
    }

    for (int dir = 0; dir < 2; dir++) {
        struct flow f;
        struct vfp_ht ht;

        memset(&f, 0, sizeof f);
        f.dl_type = htons(ETH_TYPE_IP);
        f.nw_proto = IPPROTO_UDP;
        f.tp_src = htons(dir ? 1000 : 2000);
        ovs_assert(vfp_port_process(port, dir ? VFP_DIR_OUT : VFP_DIR_IN, &f,
                                &ht, NULL, NULL, NULL));
        ovs_assert(ntohs(f.tp_src) == (dir ? 1003 : 2003));
    }
    vfp_port_destroy(port);
}

static void
test_engine_main(int argc, char *argv[])
{
    static const struct ovs_cmdl_command commands[] = {
        {"benchmark", NULL, 0, 0, test_engine_benchmark, OVS_RO},
        {"order", NULL, 0, 0, test_engine_order, OVS_RO},
        {NULL, NULL, 0, 0, NULL, OVS_RO},
    };
    struct ovs_cmdl_context ctx = { .argc = argc - 1, .argv = argv + 1 };

    set_program_name(argv[0]);
    random_set_seed(0xe7);
    ovs_cmdl_run_command(&ctx, commands);
}

OVSTEST_REGISTER("test-engine", test_engine_main);
