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

/* Unit tests of vfp/ufid.c: the UF mask is exact on the connection and
 * blind to what changes within it. */

#include <config.h>
#undef NDEBUG
#include <assert.h>

#include "dp-packet.h"
#include "flow.h"
#include "command-line.h"
#include "ovstest.h"
#include "util.h"
#include "vfp/ufid.h"

static void
flow_from_hex(const char *hex, struct flow *flow)
{
    struct dp_packet packet;

    dp_packet_init(&packet, 0);
    const char *end = dp_packet_put_hex(&packet, hex, NULL);
    ovs_assert(!*end);
    memset(flow, 0, sizeof *flow);
    flow_extract(&packet, flow);
    flow->in_port.odp_port = u32_to_odp(1);
    dp_packet_uninit(&packet);
}

/* Returns true if 'a' and 'b' are one UF: equal under the mask of 'a'. */
static bool
same_uf(const struct flow *a, const struct flow *b)
{
    struct flow_wildcards wc_a, wc_b;
    struct flow ma = *a, mb = *b;

    vfp_ufid_mask(a, &wc_a);
    vfp_ufid_mask(b, &wc_b);
    if (!flow_wildcards_equal(&wc_a, &wc_b)) {
        return false;
    }
    flow_zero_wildcards(&ma, &wc_a);
    flow_zero_wildcards(&mb, &wc_a);
    return flow_equal(&ma, &mb);
}

/* TCP 10.0.0.1:40000 -> 10.0.0.2:80: SYN, then ACK with TTL 63 and TOS
 * 0x10, then PSH|ACK with TTL 61, TOS 0xb8 and payload, then the SYN of
 * another connection (source port 40001). */
static const char *tcp_syn =
    "00000000000200000000000108004500002800000000400666ce0a00"
    "00010a0000029c400050000003e80000000050022000db670000";
static const char *tcp_ack =
    "000000000002000000000001080045100028000000003f0667be0a00"
    "00010a0000029c400050000003e90000138950102000c7cf0000";
static const char *tcp_data =
    "000000000002000000000001080045b8002d000000003d0669110a00"
    "00010a0000029c400050000003e90000138950182000fd5c00004745"
    "54202f";
static const char *tcp_syn2 =
    "00000000000200000000000108004500002800000000400666ce0a00"
    "00010a0000029c410050000003e80000000050022000db660000";
static const char *arp =
    "ffffffffffff00000000000108060001080006040001000000000001"
    "0a0000010000000000000a000002";

static void
test_ufid_connection(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    struct flow syn, ack, data, syn2;

    flow_from_hex(tcp_syn, &syn);
    flow_from_hex(tcp_ack, &ack);
    flow_from_hex(tcp_data, &data);
    flow_from_hex(tcp_syn2, &syn2);

    ovs_assert(syn.nw_ttl != ack.nw_ttl && syn.nw_tos != data.nw_tos
           && syn.tcp_flags != data.tcp_flags);
    ovs_assert(same_uf(&syn, &ack));
    ovs_assert(same_uf(&syn, &data));
    ovs_assert(!same_uf(&syn, &syn2));

    /* Another input port is another UF. */
    struct flow other_port = syn;
    other_port.in_port.odp_port = u32_to_odp(2);
    ovs_assert(!same_uf(&syn, &other_port));
}

static void
test_ufid_exact(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    const char *packets[] = { tcp_syn, tcp_data, arp };

    for (size_t i = 0; i < ARRAY_SIZE(packets); i++) {
        struct flow_wildcards wc, all;
        struct flow flow;

        flow_from_hex(packets[i], &flow);
        vfp_ufid_mask(&flow, &wc);
        flow_wildcards_init_for_packet(&all, &flow);

        /* Wildcarded: exactly TTL, TOS, TCP flags and metadata. */
        ovs_assert(!wc.masks.nw_ttl && !wc.masks.nw_tos
                   && !wc.masks.tcp_flags);
        ovs_assert(!wc.masks.skb_priority && !wc.masks.pkt_mark
                   && !wc.masks.ct_state);

        /* Exact: the header fields. */
        ovs_assert(eth_addr_equals(wc.masks.dl_src, eth_addr_exact));
        ovs_assert(eth_addr_equals(wc.masks.dl_dst, eth_addr_exact));
        ovs_assert(wc.masks.dl_type == OVS_BE16_MAX);
        ovs_assert(wc.masks.in_port.odp_port == u32_to_odp(UINT32_MAX));
        ovs_assert(wc.masks.recirc_id == UINT32_MAX);
        ovs_assert(wc.masks.nw_src == OVS_BE32_MAX);
        ovs_assert(wc.masks.nw_dst == OVS_BE32_MAX);
        ovs_assert(wc.masks.nw_proto == UINT8_MAX);
        if (flow.dl_type == htons(ETH_TYPE_IP)) {
            ovs_assert(wc.masks.tp_src == OVS_BE16_MAX);
            ovs_assert(wc.masks.tp_dst == OVS_BE16_MAX);
        } else {
            ovs_assert(eth_addr_equals(wc.masks.arp_sha, eth_addr_exact));
            ovs_assert(eth_addr_equals(wc.masks.arp_tha, eth_addr_exact));
        }

        /* And nothing the packet lacks. */
        struct flow_wildcards both;
        flow_wildcards_and(&both, &wc, &all);
        ovs_assert(flow_wildcards_equal(&both, &wc));
    }
}

static void
test_ufid_main(int argc, char *argv[])
{
    static const struct ovs_cmdl_command commands[] = {
        {"connection", NULL, 0, 0, test_ufid_connection, OVS_RO},
        {"exact", NULL, 0, 0, test_ufid_exact, OVS_RO},
        {NULL, NULL, 0, 0, NULL, OVS_RO},
    };
    struct ovs_cmdl_context ctx = { .argc = argc - 1, .argv = argv + 1 };

    set_program_name(argv[0]);
    ovs_cmdl_run_command(&ctx, commands);
}

OVSTEST_REGISTER("test-ufid", test_ufid_main);
