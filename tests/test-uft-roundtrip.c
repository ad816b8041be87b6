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

/* "uft-roundtrip": uft_key_to_match() and uft_key_from_match() are
 * inverses, and uft_key_from_match() refuses every match that holds more
 * than a key: a mask bit outside the key's fields, or a value a key cannot
 * hold (a nonzero recirc_id, a fragment, a second VLAN header, ...). */

#include <config.h>
#undef NDEBUG
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "lib/uft-key.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "ovstest.h"
#include "packets.h"
#include "random.h"
#include "tests/test-uft-util.h"
#include "util.h"

static void
fail(const char *what, const struct uft_key *key, const struct match *m)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "%s\n  key: ", what);
    uft_key_format(key, &s);
    if (m) {
        ds_put_cstr(&s, "\n  match: ");
        match_format(m, NULL, &s, OFP_DEFAULT_PRIORITY);
    }
    ovs_fatal(0, "%s", ds_cstr(&s));
}

struct field {
    const char *name;
    size_t ofs, len;
};

#define FIELD(NAME) { #NAME, offsetof(struct flow, NAME), \
                      sizeof ((struct flow *) NULL)->NAME }

/* Every field of struct flow, by name, for the failure messages. */
static const struct field fields[] = {
    FIELD(tunnel.ip_dst), FIELD(tunnel.ip_src), FIELD(tunnel.ipv6_dst),
    FIELD(tunnel.ipv6_src), FIELD(tunnel.tun_id), FIELD(tunnel.flags),
    FIELD(tunnel.ip_tos), FIELD(tunnel.ip_ttl), FIELD(tunnel.tp_src),
    FIELD(tunnel.tp_dst), FIELD(tunnel.gbp_id), FIELD(tunnel.metadata),
    FIELD(metadata), FIELD(regs), FIELD(skb_priority), FIELD(pkt_mark),
    FIELD(dp_hash), FIELD(in_port), FIELD(recirc_id), FIELD(ct_state),
    FIELD(ct_nw_proto), FIELD(ct_zone), FIELD(ct_mark), FIELD(packet_type),
    FIELD(ct_label), FIELD(conj_id), FIELD(actset_output), FIELD(dl_dst),
    FIELD(dl_src), FIELD(dl_type), FIELD(pad1), FIELD(vlans[0].tpid),
    FIELD(vlans[0].tci), FIELD(vlans[1].tpid), FIELD(vlans[1].tci),
    FIELD(mpls_lse), FIELD(nw_src), FIELD(nw_dst), FIELD(ct_nw_src),
    FIELD(ct_nw_dst), FIELD(ipv6_src), FIELD(ipv6_dst), FIELD(ct_ipv6_src),
    FIELD(ct_ipv6_dst), FIELD(ipv6_label), FIELD(nw_frag), FIELD(nw_tos),
    FIELD(nw_ttl), FIELD(nw_proto), FIELD(nd_target), FIELD(arp_sha),
    FIELD(arp_tha), FIELD(tcp_flags), FIELD(pad2), FIELD(nsh),
    FIELD(tp_src), FIELD(tp_dst), FIELD(ct_tp_src), FIELD(ct_tp_dst),
    FIELD(igmp_group_ip4), FIELD(pad3),
};

static const char *
field_at(size_t ofs)
{
    const char *name = "?";

    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        if (ofs >= fields[i].ofs && ofs < fields[i].ofs + fields[i].len) {
            name = fields[i].name;  /* The innermost, listed last. */
        }
    }
    return name;
}

/* Checks the match 'm' that differs from the match of 'key' in one place:
 * uft_key_from_match() must refuse it or, if 'may_accept', give another
 * key whose UF is no broader than 'm'.  Frees 'what'. */
static void
check_variant(const struct uft_key *key, const struct match *m,
              bool may_accept, char *what)
{
    struct uft_key k;

    if (uft_key_from_match(m, &k)) {
        if (!may_accept) {
            fail(what, key, m);
        }
        /* The key's UF may be narrower than 'm' (say, exact on a
         * second VLAN header that 'm' does not match), never broader. */
        struct match km;
        uft_key_to_match(&k, &km);
        const uint64_t *mf = (const uint64_t *) &m->flow;
        const uint64_t *mm = (const uint64_t *) &m->wc.masks;
        const uint64_t *kf = (const uint64_t *) &km.flow;
        const uint64_t *kw = (const uint64_t *) &km.wc.masks;
        for (size_t i = 0; i < FLOW_U64S; i++) {
            if (mm[i] & ~kw[i] || (mf[i] ^ kf[i]) & mm[i]) {
                fail(xasprintf("%s: accepted with a broader key", what),
                     &k, m);
            }
        }
        if (!memcmp(&k, key, sizeof k)) {
            fail(xasprintf("%s: accepted with the same key", what), &k, m);
        }
    }
    free(what);
}

static void
test_key(const struct uft_key *key)
{
    struct match m, c;
    struct uft_key k;

    /* There and back. */
    uft_key_to_match(key, &m);
    if (!uft_key_from_match(&m, &k)) {
        fail("refused its own match", key, &m);
    }
    if (memcmp(&k, key, sizeof k)) {
        fail("came back different", key, &m);
    }
    c = m;
    flow_zero_wildcards(&c.flow, &c.wc);
    if (!flow_equal(&c.flow, &m.flow)) {
        fail("match has values outside its mask", key, &m);
    }

    /* Every single mask bit more, with a 0 and a 1 under it. */
    uint64_t *mask = (uint64_t *) &m.wc.masks;
    uint64_t *flow = (uint64_t *) &m.flow;
    for (size_t i = 0; i < FLOW_U64S; i++) {
        for (int b = 0; b < 64; b++) {
            uint64_t bit = UINT64_C(1) << b;

            if (mask[i] & bit) {
                /* A covered bit with another value: refused, or the key
                 * of that value. */
                struct match v = m;
                ((uint64_t *) &v.flow)[i] ^= bit;
                check_variant(key, &v, true,
                              xasprintf("flipped value in %s",
                                        field_at(i * 8 + b / 8)));
                continue;
            }
            for (int value = 0; value < 2; value++) {
                struct match v = m;

                ((uint64_t *) &v.wc.masks)[i] |= bit;
                if (value) {
                    ((uint64_t *) &v.flow)[i] |= bit;
                }
                /* The bits of nw_frag beyond FLOW_NW_FRAG_MASK are zero
                 * in every packet's flow: matching them on zero holds
                 * nothing (ofproto masks the whole field). */
                bool frag_pad = (i * 8 + b / 8 == offsetof(struct flow,
                                                           nw_frag)
                                 && (1 << (b % 8)) & ~FLOW_NW_FRAG_MASK
                                 && !value);
                if (uft_key_from_match(&v, &k) && !frag_pad
                    && !(!(key->flags & UFT_KEY_TUNNEL)
                         && k.flags & UFT_KEY_TUNNEL)) {
                    /* (A value bit in a tunnel destination makes the flow
                     * a tunnel flow, whose key holds that bit: fine.) */
                    /* Byte offset of the bit, on a little-endian host. */
                    size_t ofs = i * 8 + b / 8;

                    fail(xasprintf("accepted a mask bit in %s (value %d)",
                                   field_at(ofs), value), key, &v);
                }
            }
        }
    }

    /* Fewer mask bits: the key is the same or narrower, never refused. */
    for (int i = 0; i < 8; i++) {
        struct match v = m;
        size_t w = random_range(FLOW_U64S);

        /* The values stay: dpif-netdev hands over unmasked flows. */
        ((uint64_t *) &v.wc.masks)[w] &= random_uint64();
        if (!uft_key_from_match(&v, &k)) {
            fail("refused a match with fewer mask bits", key, &v);
        }
    }
    (void) flow;
}

/* Values that a key cannot hold, under the mask a UF has. */
static void
test_refused_values(const struct uft_key *key)
{
    struct match m, v;
    struct uft_key k;

#define REFUSE(WHAT, CHANGE)                            \
    v = m;                                              \
    CHANGE;                                             \
    if (uft_key_from_match(&v, &k)) {                   \
        fail("accepted " WHAT, key, &v);                \
    }

    uft_key_to_match(key, &m);
    REFUSE("recirc_id 1", v.flow.recirc_id = 1);
    REFUSE("an IPv4 packet type", v.flow.packet_type = htonl(PT_IPV4));
    REFUSE("a first fragment", v.flow.nw_frag = FLOW_NW_FRAG_ANY);
    REFUSE("a later fragment",
           v.flow.nw_frag = FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER);
    REFUSE("ARP", v.flow.dl_type = htons(ETH_TYPE_ARP));
    REFUSE("MPLS", v.flow.dl_type = htons(ETH_TYPE_MPLS));
    REFUSE("ct_state", (v.flow.ct_state = CS_TRACKED,
                        v.wc.masks.ct_state = 0xff));
    /* IPv4 tunnels without options are keys; IPv6 ones are not. */
    REFUSE("an IPv6 tunnel",
           (v.flow.tunnel.ipv6_dst.s6_addr[15] = 1,
            memset(&v.wc.masks.tunnel.ipv6_dst, 0xff,
                   sizeof v.wc.masks.tunnel.ipv6_dst)));
    REFUSE("metadata", (v.flow.metadata = htonll(1),
                        v.wc.masks.metadata = OVS_BE64_MAX));
    REFUSE("nw_tos", (v.flow.nw_tos = 4, v.wc.masks.nw_tos = 0xff));
    REFUSE("nw_ttl", (v.flow.nw_ttl = 64, v.wc.masks.nw_ttl = 0xff));
    REFUSE("tcp_flags", (v.flow.tcp_flags = htons(TCP_SYN),
                         v.wc.masks.tcp_flags = OVS_BE16_MAX));
    REFUSE("an MPLS label", (v.flow.mpls_lse[0] = htonl(0x100),
                             v.wc.masks.mpls_lse[0] = OVS_BE32_MAX));
    REFUSE("an ND target", (v.flow.nd_target.s6_addr[15] = 1,
                            v.wc.masks.nd_target = in6addr_exact));
    REFUSE("arp_sha", (v.flow.arp_sha.ea[5] = 1,
                       v.wc.masks.arp_sha = eth_addr_exact));
    REFUSE("arp_tha", (v.flow.arp_tha.ea[5] = 1,
                       v.wc.masks.arp_tha = eth_addr_exact));
    REFUSE("igmp_group_ip4", (v.flow.igmp_group_ip4 = htonl(1),
                              v.wc.masks.igmp_group_ip4 = OVS_BE32_MAX));
    REFUSE("IGMP", (v.flow.nw_proto = IPPROTO_IGMP));
    if (key->flags & UFT_KEY_VLAN) {
        REFUSE("a second VLAN header",
               v.flow.vlans[1].qtag = htonl(0x81000000 | VLAN_CFI | 7));
        REFUSE("a second VLAN header, unmasked",
               (v.flow.vlans[1].qtag = htonl(0x81000000 | VLAN_CFI | 7),
                v.wc.masks.vlans[1].qtag = 0));
        REFUSE("a VLAN TCI without CFI",
               v.flow.vlans[0].tci &= ~htons(VLAN_CFI));
    } else {
        REFUSE("a VLAN TCI without CFI", v.flow.vlans[0].tci = htons(7));
    }
    if (key->dl_type == htons(ETH_TYPE_IPV6)) {
        REFUSE("an IPv6 extension header",
               v.flow.nw_proto = IPPROTO_FRAGMENT);
        REFUSE("a hop-by-hop header", v.flow.nw_proto = IPPROTO_HOPOPTS);
        REFUSE("neighbour solicitation",
               (v.flow.nw_proto = IPPROTO_ICMPV6,
                v.flow.tp_src = htons(ND_NEIGHBOR_SOLICIT),
                v.flow.tp_dst = htons(0),
                v.wc.masks.tp_src = v.wc.masks.tp_dst = OVS_BE16_MAX));
        REFUSE("neighbour advertisement",
               (v.flow.nw_proto = IPPROTO_ICMPV6,
                v.flow.tp_src = htons(ND_NEIGHBOR_ADVERT),
                v.flow.tp_dst = htons(0),
                v.wc.masks.tp_src = v.wc.masks.tp_dst = OVS_BE16_MAX));
        REFUSE("IPv4 addresses", (v.flow.nw_src = htonl(1),
                                  v.wc.masks.nw_src = OVS_BE32_MAX));
    } else {
        REFUSE("an IPv6 label", (v.flow.ipv6_label = htonl(1),
                                 v.wc.masks.ipv6_label = OVS_BE32_MAX));
        REFUSE("IPv6 addresses", (v.flow.ipv6_src.s6_addr[0] = 1,
                                  v.wc.masks.ipv6_src = in6addr_exact));
    }
#undef REFUSE
}

/* A tunnel pop flow's key: its own match and back; refused with a mask
 * bit more or less, or a value it cannot hold. */
static void
test_pop_key(uint8_t proto)
{
    struct uft_key key, k;
    struct match m, v;

    memset(&key, 0, sizeof key);
    key.flags = UFT_KEY_POP;
    key.in_port = u32_to_odp(random_range(100) + 1);
    key.dl_dst = (struct eth_addr) { { { 0xaa, 0x55, random_uint8(),
                                         random_uint8(), 0, 1 } } };
    key.dl_type = htons(ETH_TYPE_IP);
    key.nw_proto = proto;
    key.nw.ip4.dst = htonl(random_uint32());
    if (proto == IPPROTO_UDP) {
        key.tp_dst = htons(4789);
    }

    uft_key_to_match(&key, &m);
    if (!uft_key_pop_from_match(&m, &k) || memcmp(&k, &key, sizeof k)) {
        fail("pop key: refused its own match, or came back different",
             &key, &m);
    }
    if (uft_key_from_match(&m, &k) && k.flags & UFT_KEY_POP) {
        fail("pop key: an exact key with the pop flag", &key, &m);
    }

#define REFUSE(WHAT, CHANGE)                                \
    v = m;                                                  \
    CHANGE;                                                 \
    if (uft_key_pop_from_match(&v, &k)) {                   \
        fail("pop key: accepted " WHAT, &key, &v);          \
    }
    REFUSE("no fragment bits", v.wc.masks.nw_frag = 0);
    REFUSE("no destination MAC", v.wc.masks.dl_dst = eth_addr_zero);
    REFUSE("no VLAN", v.wc.masks.vlans[0].tci = 0);
    REFUSE("no recirc_id", v.wc.masks.recirc_id = 0);
    REFUSE("a source address", v.wc.masks.nw_src = OVS_BE32_MAX);
    REFUSE("a later fragment", v.flow.nw_frag = FLOW_NW_FRAG_ANY);
    REFUSE("a VLAN", v.flow.vlans[0].tci = htons(VLAN_CFI | 10));
    REFUSE("TCP", v.flow.nw_proto = IPPROTO_TCP);
    REFUSE("IPv6", v.flow.dl_type = htons(ETH_TYPE_IPV6));
    REFUSE("a tunnel", (v.flow.tunnel.ip_dst = htonl(1),
                        v.wc.masks.tunnel.ip_dst = OVS_BE32_MAX));
    if (proto == IPPROTO_UDP) {
        REFUSE("no UDP port", v.wc.masks.tp_dst = 0);
    }
#undef REFUSE
}

static void
test_uft_roundtrip(int argc, char *argv[])
{
    int n = argc > 1 ? atoi(argv[1]) : 10 * UFT_TEST_N_SHAPES;

    random_set_seed(0x75667433);
    for (int i = 0; i < n; i++) {
        struct uft_key key;

        uft_test_key(random_uint32() / UFT_TEST_N_SHAPES * UFT_TEST_N_SHAPES
                     + i % UFT_TEST_N_SHAPES, &key);
        test_key(&key);
        test_refused_values(&key);
        test_pop_key(i % 2 ? IPPROTO_UDP : IPPROTO_GRE);
    }
}

OVSTEST_REGISTER("uft-roundtrip", test_uft_roundtrip);
