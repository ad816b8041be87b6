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
#include "tests/test-uft-util.h"

#include <string.h>

#include <netinet/icmp6.h>

#include "hash.h"
#include "odp-util.h"
#include "netlink.h"
#include "openvswitch/ofpbuf.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "packets.h"
#include "util.h"

/* IPv4's protocols by shape % 5; IPv6 has "other" and ICMPv6 in the last
 * two. */
static const uint8_t shape_protos[] = {
    IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_ICMP, 0,
};
BUILD_ASSERT_DECL(UFT_TEST_N_SHAPES == 2 * 2 * ARRAY_SIZE(shape_protos));

/* Returns the name of key shape 'shape' (0 <= shape < UFT_TEST_N_SHAPES). */
const char *
uft_test_shape_name(uint32_t shape)
{
    static const char *names[UFT_TEST_N_SHAPES] = {
        "ip4/tcp", "ip4/udp", "ip4/sctp", "ip4/icmp", "ip4/other",
        "ip6/tcp", "ip6/udp", "ip6/sctp", "ip6/other", "ip6/icmp6",
        "vlan/ip4/tcp", "vlan/ip4/udp", "vlan/ip4/sctp", "vlan/ip4/icmp",
        "vlan/ip4/other", "vlan/ip6/tcp", "vlan/ip6/udp", "vlan/ip6/sctp",
        "vlan/ip6/other", "vlan/ip6/icmp6",
    };
    return names[shape % UFT_TEST_N_SHAPES];
}

/* Makes '*key' from 'id': the same id gives the same key, and different ids
 * different keys, of shape id % UFT_TEST_N_SHAPES.  Each key is one that
 * uft_key_from_match() could have made. */
void
uft_test_key(uint32_t id, struct uft_key *key)
{
    uint32_t shape = id % UFT_TEST_N_SHAPES;
    bool vlan = shape >= 10;
    bool ip6 = shape % 10 >= 5;
    uint32_t h[16];

    for (int i = 0; i < ARRAY_SIZE(h); i++) {
        h[i] = hash_2words(id, i);
    }

    memset(key, 0, sizeof *key);
    key->in_port = u32_to_odp(h[0] % 8 + 1);
    /* 'id' in the source MAC keeps keys of different ids apart. */
    key->dl_src = (struct eth_addr) { .ea = { 0x02, h[1] >> 8, id >> 24,
                                              id >> 16, id >> 8, id } };
    key->dl_dst = (struct eth_addr) { .ea = { h[2] & 1 ? 0x01 : 0x00,
                                              h[2] >> 8, h[2] >> 16,
                                              h[2] >> 24, h[3], h[3] >> 8 } };
    if (vlan) {
        uint32_t tpid = h[4] & 1 ? ETH_TYPE_VLAN_8021Q : ETH_TYPE_VLAN_8021AD;
        uint32_t tci = (h[4] >> 16) | VLAN_CFI;

        key->flags |= UFT_KEY_VLAN;
        key->vlan = htonl((tpid << 16) | tci);
    }

    uint8_t proto;
    if (ip6) {
        key->dl_type = htons(ETH_TYPE_IPV6);
        for (int i = 0; i < 4; i++) {
            ovs_be32 src = htonl(h[5 + i]);
            ovs_be32 dst = htonl(h[9 + i]);

            memcpy(&key->nw.ip6.src.s6_addr[4 * i], &src, 4);
            memcpy(&key->nw.ip6.dst.s6_addr[4 * i], &dst, 4);
        }
        key->ipv6_label = htonl(h[13] & IPV6_LABEL_MASK);
        proto = (shape % 5 == 3 ? (h[14] % 2 ? IPPROTO_GRE : IPPROTO_NONE)
                 : shape % 5 == 4 ? IPPROTO_ICMPV6
                 : shape_protos[shape % 5]);
    } else {
        key->dl_type = htons(ETH_TYPE_IP);
        key->nw.ip4.src = htonl(h[5]);
        key->nw.ip4.dst = htonl(h[6]);
        proto = (shape % 5 == 4 ? (h[14] % 2 ? IPPROTO_GRE : 0)
                 : shape_protos[shape % 5]);
    }
    key->nw_proto = proto;

    if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
        uint8_t type = h[15];
        uint8_t code = h[15] >> 8;

        if (proto == IPPROTO_ICMPV6 && code == 0
            && (type == ND_NEIGHBOR_SOLICIT || type == ND_NEIGHBOR_ADVERT)) {
            /* A UF never holds neighbour discovery. */
            type = ICMP6_ECHO_REQUEST;
        }
        key->tp_src = htons(type);
        key->tp_dst = htons(code);
    } else if (proto == IPPROTO_TCP || proto == IPPROTO_UDP
               || proto == IPPROTO_SCTP) {
        key->tp_src = htons(h[15]);
        key->tp_dst = htons(h[15] >> 16);
    }
}

/* Returns a ufid made of 'id', different for different ids, with a
 * well-spread first word (the table's index hash). */
ovs_u128
uft_test_ufid(uint32_t id)
{
    ovs_u128 ufid;

    ufid.u32[0] = hash_int(id, 1);
    ufid.u32[1] = id;
    ufid.u32[2] = hash_int(id, 2);
    ufid.u32[3] = 0x75667400;
    return ufid;
}

/* Appends to 'buf' 'len' bytes of actions made of 'seed': one attribute (of
 * no real action type, the table does not read them) that holds 'seed' and
 * bytes derived from it.  'len' is 0, or at least 8 and a multiple of 4. */
void
uft_test_put_actions(struct ofpbuf *buf, uint32_t seed, size_t len)
{
    if (!len) {
        return;
    }
    ovs_assert(len >= 8 && len % 4 == 0);

    uint8_t *p = nl_msg_put_unspec_uninit(buf, 0x7ff0, len - NLA_HDRLEN);
    memcpy(p, &seed, sizeof seed);
    for (size_t i = sizeof seed; i < len - NLA_HDRLEN; i++) {
        p[i] = hash_2words(seed, i);
    }
}

/* Returns true if 'actions' are those that uft_test_put_actions() makes of
 * 'seed' and 'len'. */
bool
uft_test_actions_equal(const struct nlattr *actions, size_t actions_len,
                       uint32_t seed, size_t len)
{
    uint64_t stub[1024 / 8];
    struct ofpbuf buf;
    bool equal;

    ofpbuf_use_stub(&buf, stub, sizeof stub);
    uft_test_put_actions(&buf, seed, len);
    equal = (actions_len == buf.size
             && (!len || !memcmp(actions, buf.data, len)));
    ofpbuf_uninit(&buf);
    return equal;
}

/* Returns the seed of 'actions' made by uft_test_put_actions(), or 0 if
 * there is none. */
uint32_t
uft_test_actions_seed(const struct nlattr *actions, size_t actions_len)
{
    uint32_t seed;

    if (actions_len < NLA_HDRLEN + sizeof seed) {
        return 0;
    }
    memcpy(&seed, nl_attr_get(actions), sizeof seed);
    return seed;
}

static void
set_done(atomic_bool *done)
{
    atomic_store(done, true);
}

/* Waits until every RCU callback that this thread postponed so far has run
 * (the table's postponed frees: LeakSanitizer reports what is still
 * pending at exit).  Callbacks of one thread run in order, so the last
 * one says when.  Unlike ovsrcu_barrier(), this does not block in
 * poll_block(), which would log "Unreasonably long poll interval" after a
 * long computation onto the test's stderr. */
void
uft_test_rcu_barrier(void)
{
    atomic_bool *done = xmalloc(sizeof *done);
    bool d;

    atomic_init(done, false);
    ovsrcu_postpone(set_done, done);
    do {
        ovsrcu_quiesce();
        xnanosleep(1000 * 1000);
        atomic_read(done, &d);
    } while (!d);
    free(done);
}
