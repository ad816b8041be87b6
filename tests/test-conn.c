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

/* Connections and layer flows (vfp/conn.h, vfp/layer-flow.h) without a
 * datapath.
 *
 *   vfptest test-conn pairs      stateful NAT pairs, found both ways
 *   vfptest test-conn tcp        the TCP state machine
 *   vfptest test-conn memory N   bytes per connection at N connections
 *                                through the paper's stateful layers (ACL,
 *                                SLB NAT, metering), UF pair included. */

#include <config.h>
#undef NDEBUG
#include <assert.h>
#include <malloc.h>

#include "command-line.h"
#include "flow.h"
#include "ofproto-vfp/uf.h"
#include "ovs-rcu.h"
#include "ovstest.h"
#include "timeval.h"
#include "util.h"
#include "vfp/conn.h"
#include "vfp/layer-flow.h"
#include "vfp/group.h"
#include "vfp/layer.h"
#include "vfp/policy.h"
#include "vfp/port.h"
#include "vfp/rule.h"

static void
add_layer(struct vfp_port *port, const char *name, int priority,
          bool in_block, enum vfp_dir dir, const char *conds,
          const char *action, bool stateful)
{
    struct vfp_layer *layer = vfp_layer_create(name, priority, in_block,
                                               false);
    struct vfp_conditions none = { NULL, 0 };
    struct vfp_group *group = vfp_group_create("g", dir, 1, &none, false, 0);
    char *text = xasprintf("r priority=1 match=\"%s\" action=\"%s\"%s",
                           conds, action, stateful ? " stateful" : "");
    struct vfp_rule *rule;

    ovs_assert(!vfp_rule_create_from_string(vfp_port_resources(port), text,
                                            &rule));
    ovs_assert(!vfp_policy_add_rule(port, group, rule));
    free(text);
    ovs_assert(!vfp_layer_add_group(layer, group));
    ovs_assert(!vfp_port_add_layer(port, layer));
}

/* VFP Figure 4 without VNET: metering (10), a stateful ACL that lets web
 * traffic in (20), an SLB that NATs the VIP to the DIP (30). */
static struct vfp_port *
make_port(void)
{
    struct vfp_port *port = vfp_port_create("vm");

    add_layer(port, "metering", 10, false, VFP_DIR_IN, "",
              "allow,count(in)", false);
    add_layer(port, "acl", 20, true, VFP_DIR_IN, "proto=tcp dst-port=8080",
              "allow", true);
    add_layer(port, "slb", 30, false, VFP_DIR_IN,
              "proto=tcp dst-ip=192.0.2.100 dst-port=80",
              "nat(dst-ip=10.0.0.1,dst-port=8080)", true);
    return port;
}

/* A client's packet to the VIP, client 'i'. */
static void
client_flow(uint32_t i, uint16_t flags, struct flow *f)
{
    memset(f, 0, sizeof *f);
    f->dl_type = htons(ETH_TYPE_IP);
    f->nw_proto = IPPROTO_TCP;
    f->nw_src = htonl(0xc6330000 | (i >> 14));      /* 198.51.x.y */
    f->nw_dst = htonl(0xc0000264);                  /* 192.0.2.100 */
    f->tp_src = htons(1024 + (i & 0x3fff));
    f->tp_dst = htons(80);
    f->tcp_flags = htons(flags);
}

/* The DIP's answer to 'client' after the layers made it 'in'. */
static void
answer_flow(const struct flow *in, uint16_t flags, struct flow *f)
{
    memset(f, 0, sizeof *f);
    f->dl_type = htons(ETH_TYPE_IP);
    f->nw_proto = IPPROTO_TCP;
    f->nw_src = in->nw_dst;
    f->nw_dst = in->nw_src;
    f->tp_src = in->tp_dst;
    f->tp_dst = in->tp_src;
    f->tcp_flags = htons(flags);
}

static bool
process(struct vfp_port *port, enum vfp_dir dir, struct flow *f,
        struct vfp_proc *proc)
{
    struct vfp_ht ht;

    vfp_proc_init(proc, true, time_msec());
    return vfp_port_process(port, dir, f, &ht, NULL, NULL, proc);
}

static void
test_conn_pairs(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    struct vfp_port *port = make_port();
    struct vfp_proc proc;
    struct flow f, a;

    /* The client's SYN: NATed to the DIP, allowed, one connection keyed as
     * the DIP will answer. */
    client_flow(7, TCP_SYN, &f);
    ovs_assert(process(port, VFP_DIR_IN, &f, &proc));
    ovs_assert(f.nw_dst == htonl(0x0a000001) && f.tp_dst == htons(8080));
    ovs_assert(proc.n_conns == 1 && vfp_conns_count(&port->conns) == 1);
    vfp_proc_destroy(&proc);

    /* The answer: both layers find their pair; back to the VIP. */
    answer_flow(&f, TCP_SYN | TCP_ACK, &a);
    ovs_assert(process(port, VFP_DIR_OUT, &a, &proc));
    ovs_assert(a.nw_src == htonl(0xc0000264) && a.tp_src == htons(80));
    ovs_assert(proc.n_conns == 1 && vfp_conns_count(&port->conns) == 1);
    ovs_assert(vfp_conn_get_state(proc.conns[0].conn) == VFP_CONN_NEW);
    vfp_proc_destroy(&proc);

    /* The handshake completes. */
    client_flow(7, TCP_ACK, &f);
    ovs_assert(process(port, VFP_DIR_IN, &f, &proc));
    ovs_assert(vfp_conn_get_state(proc.conns[0].conn) == VFP_CONN_ESTABLISHED);
    vfp_proc_destroy(&proc);

    /* Unsolicited, from the DIP's side to a client that never came: the
     * ACL has no pair, its default lets it out, the SLB has no pair
     * either: unchanged. */
    client_flow(8, TCP_SYN, &f);
    f.nw_dst = htonl(0x0a000001);
    f.tp_dst = htons(8080);
    answer_flow(&f, TCP_SYN | TCP_ACK, &a);
    ovs_assert(process(port, VFP_DIR_OUT, &a, &proc));
    ovs_assert(a.nw_src == htonl(0x0a000001));
    vfp_proc_destroy(&proc);

    ovsrcu_synchronize();
    vfp_port_destroy(port);
}

static void
test_conn_tcp(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    static const struct vfp_conn_timeouts t = VFP_CONN_TIMEOUTS_DEFAULT;
    struct vfp_port *port = make_port();
    struct vfp_proc proc;
    struct flow f;

    client_flow(1, TCP_SYN, &f);
    ovs_assert(process(port, VFP_DIR_IN, &f, &proc));
    struct vfp_conn *c = proc.conns[0].conn;
    long long int now = c->used;

    ovs_assert(vfp_conn_expiry(c, &t) == now + t.tcp_syn);
    vfp_conn_used(&port->conns, c, VFP_DIR_OUT, TCP_SYN | TCP_ACK, now);
    ovs_assert(vfp_conn_get_state(c) == VFP_CONN_NEW);
    vfp_conn_used(&port->conns, c, VFP_DIR_IN, TCP_ACK, now);
    ovs_assert(vfp_conn_get_state(c) == VFP_CONN_ESTABLISHED);
    ovs_assert(vfp_conn_expiry(c, &t) == now + t.tcp_established);
    vfp_conn_used(&port->conns, c, VFP_DIR_OUT, TCP_FIN, now);
    ovs_assert(vfp_conn_get_state(c) == VFP_CONN_CLOSING);
    vfp_conn_used(&port->conns, c, VFP_DIR_IN, TCP_FIN, now);
    ovs_assert(vfp_conn_get_state(c) == VFP_CONN_TIME_WAIT);
    ovs_assert(vfp_conn_expiry(c, &t) == now + t.tcp_time_wait);

    /* Nothing moves a connection back. */
    vfp_conn_used(&port->conns, c, VFP_DIR_IN, TCP_ACK, now);
    ovs_assert(vfp_conn_get_state(c) == VFP_CONN_TIME_WAIT);
    vfp_conn_used(&port->conns, c, VFP_DIR_IN, TCP_RST, now);
    ovs_assert(vfp_conn_get_state(c) == VFP_CONN_CLOSED);
    ovs_assert(vfp_conn_expiry(c, &t) == now);

    /* Expired: its layer flows are gone. */
    ovs_assert(vfp_conns_sweep(&port->conns, now) == 1);
    ovs_assert(vfp_conn_is_dead(c));
    ovs_assert(!vfp_conns_count(&port->conns));
    const struct vfp_layers *layers = vfp_port_layers(port);
    for (size_t i = 0; i < layers->n; i++) {
        ovs_assert(!vfp_layer_flow_table_count(&layers->layers[i]->flows));
    }
    vfp_proc_destroy(&proc);
    ovsrcu_synchronize();
    vfp_port_destroy(port);
}

static size_t
heap_in_use(void)
{
    return mallinfo2().uordblks;
}

static void
collect_counters_add(struct vfp_uf_info *info, struct vfp_counter *c)
{
    if (info->n_counters >= info->allocated_counters) {
        info->counters = x2nrealloc(info->counters, &info->allocated_counters,
                                    sizeof *info->counters);
    }
    info->counters[info->n_counters++] = c;
}

/* What a unified flow records of a packet's trip, as upcall.c does: the
 * port's, each layer's and each rule's or layer flow's counters. */
static void
collect_counters(const struct vfp_layer_result *result,
                 const struct flow *after OVS_UNUSED, void *info_)
{
    struct vfp_uf_info *info = info_;
    struct vfp_counter *c[3] = { NULL, NULL, NULL };

    c[0] = CONST_CAST(struct vfp_counter *, &result->layer->stats[0]);
    if (result->half) {
        c[1] = CONST_CAST(struct vfp_counter *, &result->half->stats);
    } else if (result->rule) {
        c[1] = &result->rule->stats->counter;
        c[2] = result->rule->context;
    }
    for (int i = 0; i < 3; i++) {
        if (c[i]) {
            collect_counters_add(info, c[i]);
        }
    }
}

static void
insert_uf(struct vfp_uf_table *ufs, struct vfp_port *port, enum vfp_dir dir,
          struct flow *f, uint32_t id)
{
    struct vfp_uf_info info;
    struct vfp_ht ht;

    memset(&info, 0, sizeof info);
    info.ports = xmalloc(2 * sizeof *info.ports);
    info.ports[info.n_ports++] = (struct vfp_uf_port) { 1, 1 };
    info.ports[info.n_ports++] = (struct vfp_uf_port) { 2, 1 };
    info.counters = xmalloc(sizeof *info.counters);
    info.counters[info.n_counters++] = &port->stats[dir];
    info.allocated_counters = 1;
    vfp_proc_init(&info.proc, true, time_msec());
    ovs_assert(vfp_port_process(port, dir, f, &ht, collect_counters, &info,
                                &info.proc));
    for (size_t i = 0; i < info.proc.n_counters; i++) {
        struct vfp_counter *c = info.proc.counters[i];
        collect_counters_add(&info, c);
    }

    ovs_u128 ufid = { .u32 = { id, dir, 0, 0 } };
    ovs_assert(vfp_uf_insert(ufs, &ufid, 0, 1, 1, &info));
    vfp_uf_info_destroy(&info);
}

static void
test_conn_memory(struct ovs_cmdl_context *ctx)
{
    int n = ctx->argc > 1 ? atoi(ctx->argv[1]) : 100000;
    struct vfp_port *port = make_port();
    struct vfp_uf_table ufs;

    vfp_uf_table_init(&ufs);
    vfp_conns_set_limit(&port->conns, n);

    size_t start = heap_in_use();
    for (int i = 0; i < n; i++) {
        struct flow f, a;

        /* Inbound SYN, then its pair as VFP section 6.4.1 makes it. */
        client_flow(i, TCP_SYN, &f);
        insert_uf(&ufs, port, VFP_DIR_IN, &f, i);
        answer_flow(&f, 0, &a);
        insert_uf(&ufs, port, VFP_DIR_OUT, &a, i);
    }
    size_t used = heap_in_use() - start;

    ovs_assert(vfp_conns_count(&port->conns) == n);
    ovs_assert(vfp_uf_count(&ufs) == 2 * n);
    printf("%d connections, 2 stateful layers (4 layer flows) and 2 UFs "
           "each: %.0f bytes per connection\n", n, (double) used / n);
    printf("  struct vfp_conn %"PRIuSIZE", struct vfp_layer_flow (a pair) "
           "%"PRIuSIZE", struct vfp_uf %"PRIuSIZE" bytes, plus their "
           "arrays and malloc overhead\n", sizeof(struct vfp_conn),
           sizeof(struct vfp_layer_flow), sizeof(struct vfp_uf));

    vfp_uf_table_destroy(&ufs);
    ovsrcu_synchronize();
    vfp_port_destroy(port);
}

static void
test_conn_main(int argc, char *argv[])
{
    static const struct ovs_cmdl_command commands[] = {
        {"pairs", NULL, 0, 0, test_conn_pairs, OVS_RO},
        {"tcp", NULL, 0, 0, test_conn_tcp, OVS_RO},
        {"memory", NULL, 0, 1, test_conn_memory, OVS_RO},
        {NULL, NULL, 0, 0, NULL, OVS_RO},
    };
    struct ovs_cmdl_context ctx = { .argc = argc - 1, .argv = argv + 1 };

    set_program_name(argv[0]);
    ovs_cmdl_run_command(&ctx, commands);
}

OVSTEST_REGISTER("test-conn", test_conn_main);
