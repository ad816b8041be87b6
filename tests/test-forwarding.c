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

/* Unit tests of ofproto-vfp/forwarding.c (VFP section 7.1). */

#include <config.h>
#undef NDEBUG
#include <assert.h>

#include "flow.h"
#include "netlink.h"
#include "odp-util.h"
#include "ofproto-vfp/forwarding.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofpbuf.h"
#include "command-line.h"
#include "ovstest.h"
#include "openvswitch/vlog.h"
#include "util.h"

static const struct eth_addr vm1 = ETH_ADDR_C(00,00,00,00,00,01);
static const struct eth_addr vm2 = ETH_ADDR_C(00,00,00,00,00,02);
static const struct eth_addr up = ETH_ADDR_C(aa,55,aa,55,00,03);
static const struct eth_addr unknown = ETH_ADDR_C(00,00,00,00,00,99);
static const struct eth_addr bcast = ETH_ADDR_C(ff,ff,ff,ff,ff,ff);
static const struct eth_addr mcast = ETH_ADDR_C(01,00,5e,01,02,03);

/* Returns the decision for a packet to 'dst' entering at 'in_port', as
 * datapath actions text ("" to drop).  The caller frees it. */
static char *
decide(const struct vfp_fwd_bridge *bridge, uint32_t in_port,
       struct eth_addr dst)
{
    odp_port_t *out = xmalloc((bridge->n_ports + 1) * sizeof *out);
    struct flow flow;
    struct ds s = DS_EMPTY_INITIALIZER;

    memset(&flow, 0, sizeof flow);
    flow.dl_dst = dst;
    size_t n = vfp_fwd_decide(bridge, u32_to_odp(in_port), &flow, out);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&s, "%s%"PRIu32, i ? "," : "", odp_to_u32(out[i]));
    }
    free(out);
    return ds_steal_cstr(&s);
}

static void
check(const struct vfp_fwd_bridge *bridge, uint32_t in_port,
      struct eth_addr dst, const char *expected)
{
    char *actual = decide(bridge, in_port, dst);

    if (strcmp(actual, expected)) {
        ovs_fatal(0, "in_port %"PRIu32" to "ETH_ADDR_FMT": expected \"%s\", "
                  "got \"%s\"", in_port, ETH_ADDR_ARGS(dst), expected,
                  actual);
    }
    free(actual);
}

static void
test_forwarding_decide(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    struct vfp_fwd *fwd = vfp_fwd_create();
    struct vfp_fwd_bridge *br0 = vfp_fwd_add_bridge(fwd, "br0", 1);
    struct vfp_fwd_bridge *br1 = vfp_fwd_add_bridge(fwd, "br1", 2);

    vfp_fwd_add_port(fwd, br0, u32_to_odp(1), &vm1, false, NULL, NULL);
    vfp_fwd_add_port(fwd, br0, u32_to_odp(2), &vm2, false, NULL, NULL);
    vfp_fwd_add_port(fwd, br0, u32_to_odp(3), &up, true, NULL, NULL);
    /* br1 has vm1's MAC too, and no uplink. */
    vfp_fwd_add_port(fwd, br1, u32_to_odp(7), &vm1, false, NULL, NULL);
    vfp_fwd_add_port(fwd, br1, u32_to_odp(8), NULL, false, NULL, NULL);

    ovs_assert(vfp_fwd_find_port(fwd, u32_to_odp(7))->bridge == br1);
    ovs_assert(!vfp_fwd_find_port(fwd, u32_to_odp(9)));
    ovs_assert(vfp_fwd_find_bridge(fwd, "br1") == br1);

    check(br0, 1, vm2, "2");            /* Known unicast. */
    check(br0, 3, vm2, "2");            /* From the uplink. */
    check(br0, 1, unknown, "3");        /* Unknown unicast to the uplink. */
    check(br0, 3, unknown, "");         /* ...but never back to it. */
    check(br0, 1, vm1, "");             /* Never back to the ingress port. */
    check(br0, 1, bcast, "2,3");        /* Flood. */
    check(br0, 3, mcast, "1,2");
    check(br0, odp_to_u32(ODPP_NONE), bcast, "1,2,3");  /* Packet-out. */
    check(br1, 8, vm1, "7");            /* Bridges are separate. */
    check(br1, 8, unknown, "");         /* No uplink: dropped. */
    check(br1, 7, bcast, "8");

    vfp_fwd_destroy(fwd);
}

static void
test_forwarding_duplicate_mac(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    struct vfp_fwd *fwd = vfp_fwd_create();
    struct vfp_fwd_bridge *br0 = vfp_fwd_add_bridge(fwd, "br0", 1);

    /* The first port with a MAC keeps it; multicast MACs are ignored. */
    vfp_fwd_add_port(fwd, br0, u32_to_odp(1), &vm1, false, NULL, NULL);
    vfp_fwd_add_port(fwd, br0, u32_to_odp(2), &vm1, false, NULL, NULL);
    vfp_fwd_add_port(fwd, br0, u32_to_odp(3), &mcast, true, NULL, NULL);
    check(br0, 3, vm1, "1");
    check(br0, 1, mcast, "2,3");

    vfp_fwd_destroy(fwd);
}

static void
test_forwarding_main(int argc, char *argv[])
{
    static const struct ovs_cmdl_command commands[] = {
        {"decide", NULL, 0, 0, test_forwarding_decide, OVS_RO},
        {"duplicate-mac", NULL, 0, 0, test_forwarding_duplicate_mac, OVS_RO},
        {NULL, NULL, 0, 0, NULL, OVS_RO},
    };
    struct ovs_cmdl_context ctx = { .argc = argc - 1, .argv = argv + 1 };

    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    ovs_cmdl_run_command(&ctx, commands);
}

OVSTEST_REGISTER("test-forwarding", test_forwarding_main);
