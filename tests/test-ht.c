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

/* Unit tests of vfp/ht.c: composition is exact. */

#include <config.h>
#undef NDEBUG
#include <assert.h>

#include "command-line.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "ovstest.h"
#include "random.h"
#include "util.h"
#include "vfp/ht.h"

static void
random_flow(struct flow *flow)
{
    memset(flow, 0, sizeof *flow);
    flow->dl_src = (struct eth_addr) ETH_ADDR_C(00,00,00,00,00,01);
    flow->dl_dst = (struct eth_addr) ETH_ADDR_C(00,00,00,00,00,02);
    flow->dl_src.ea[5] = random_range(4);

    switch (random_range(4)) {
    case 0:
        flow->dl_type = htons(ETH_TYPE_ARP);
        flow->nw_src = htonl(0x0a000001);
        flow->nw_dst = htonl(0x0a000002);
        flow->nw_proto = 1;
        break;
    case 1:
        flow->dl_type = htons(ETH_TYPE_IPV6);
        flow->ipv6_src.s6_addr[15] = random_range(4);
        flow->nw_proto = IPPROTO_UDP;
        flow->tp_src = htons(random_range(4));
        break;
    default:
        flow->dl_type = htons(ETH_TYPE_IP);
        flow->nw_src = htonl(0x0a000000 | random_range(4));
        flow->nw_dst = htonl(0x0a000000 | random_range(4));
        flow->nw_proto = (random_range(2) ? IPPROTO_TCP : IPPROTO_ICMP);
        flow->tp_src = htons(random_range(4));
        flow->tp_dst = htons(random_range(4));
        break;
    }
    if (random_range(2)) {
        flow->vlans[0].tpid = htons(ETH_TYPE_VLAN);
        flow->vlans[0].tci = htons(VLAN_CFI | random_range(4));
    }
    if (random_range(2)) {
        flow->tunnel.ip_dst = htonl(0xc0a80001);
        flow->tunnel.tun_id = htonll(random_range(4));
        flow->tunnel.flags = FLOW_TNL_F_KEY;
    }
}

static void
random_ht(struct vfp_ht *ht)
{
    vfp_ht_init(ht);
    if (random_range(8) == 0) {
        ht->drop = true;
        return;
    }
    if (random_range(2)) {
        vfp_ht_set_dl_src(ht, (struct eth_addr) ETH_ADDR_C(00,00,00,00,00,aa));
    }
    if (random_range(2)) {
        vfp_ht_set_nw_dst(ht, htonl(0x0a0000f0 | random_range(4)));
    }
    if (random_range(2)) {
        struct in6_addr a = in6addr_any;
        a.s6_addr[0] = 0xfd;
        vfp_ht_set_ipv6_dst(ht, &a);
    }
    if (random_range(2)) {
        vfp_ht_set_tp_dst(ht, htons(random_range(4)));
    }
    if (random_range(3) == 0) {
        vfp_ht_pop_vlan(ht);
    }
    if (random_range(3) == 0) {
        vfp_ht_push_vlan(ht, htons(random_range(8)));
    }
    switch (random_range(4)) {
    case 0:
        ht->tunnel_op = VFP_TUNNEL_POP;
        break;
    case 1:
        ht->tunnel_op = VFP_TUNNEL_PUSH;
        ht->encap.type = random_range(2) ? VFP_ENCAP_VXLAN : VFP_ENCAP_GRE;
        ht->encap.key = htonll(random_range(4));
        ht->encap.ip_dst = htonl(0xc0a80000 | random_range(4));
        break;
    default:
        break;
    }
}

static void
test_ht_compose(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    for (int i = 0; i < 100000; i++) {
        struct vfp_ht a, b, ab;
        struct flow f, seq, composed;

        random_ht(&a);
        random_ht(&b);
        random_flow(&f);
        vfp_ht_compose(&ab, &a, &b);

        seq = f;
        bool seq_pass = vfp_ht_apply(&a, &seq) && vfp_ht_apply(&b, &seq);
        composed = f;
        bool composed_pass = vfp_ht_apply(&ab, &composed);

        if (seq_pass != composed_pass
            || (seq_pass && !flow_equal(&seq, &composed))) {
            struct ds s = DS_EMPTY_INITIALIZER;
            ds_put_cstr(&s, "a: ");
            vfp_ht_format(&a, &s);
            ds_put_cstr(&s, "\nb: ");
            vfp_ht_format(&b, &s);
            ds_put_cstr(&s, "\ncompose(a, b): ");
            vfp_ht_format(&ab, &s);
            ds_put_cstr(&s, "\nflow: ");
            flow_format(&s, &f, NULL);
            ds_put_cstr(&s, "\nb(a(flow)): ");
            flow_format(&s, &seq, NULL);
            ds_put_cstr(&s, "\ncompose(a, b)(flow): ");
            flow_format(&s, &composed, NULL);
            ovs_fatal(0, "composition is not exact\n%s", ds_cstr(&s));
        }
    }
}

static void
test_ht_format(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    struct vfp_ht ht;
    struct ds s = DS_EMPTY_INITIALIZER;

    vfp_ht_init(&ht);
    vfp_ht_format(&ht, &s);
    ovs_assert(!strcmp(ds_cstr(&s), "ignore"));

    ds_clear(&s);
    vfp_ht_pop_vlan(&ht);
    vfp_ht_set_nw_dst(&ht, htonl(0x0a000002));
    vfp_ht_set_tp_dst(&ht, htons(2001));
    vfp_ht_push_vlan(&ht, htons(100 | (5 << VLAN_PCP_SHIFT)));
    vfp_ht_format(&ht, &s);
    ovs_assert(!strcmp(ds_cstr(&s), "pop-vlan,set(dst-ip=10.0.0.2),"
                   "set(dst-port=2001),push-vlan(100,pcp=5)"));

    /* A push then a pop cancel out. */
    struct vfp_ht push, pop, both;
    vfp_ht_init(&push);
    vfp_ht_push_vlan(&push, htons(7));
    vfp_ht_init(&pop);
    vfp_ht_pop_vlan(&pop);
    vfp_ht_compose(&both, &push, &pop);
    ovs_assert(vfp_ht_is_identity(&both));
    ds_destroy(&s);
}

static void
test_ht_main(int argc, char *argv[])
{
    static const struct ovs_cmdl_command commands[] = {
        {"compose", NULL, 0, 0, test_ht_compose, OVS_RO},
        {"format", NULL, 0, 0, test_ht_format, OVS_RO},
        {NULL, NULL, 0, 0, NULL, OVS_RO},
    };
    struct ovs_cmdl_context ctx = { .argc = argc - 1, .argv = argv + 1 };

    set_program_name(argv[0]);
    random_set_seed(0x5eed);
    ovs_cmdl_run_command(&ctx, commands);
}

OVSTEST_REGISTER("test-ht", test_ht_main);
