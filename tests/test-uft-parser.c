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

/* "uft-parser": uft_key_from_packet() against miniflow_extract().
 *
 * For packets of every shape, valid and then mutated (truncated, bytes
 * overwritten, lengths and offsets made inconsistent, fragments), the key
 * that the UFT's parser makes of a packet must be the key of the UF that
 * the datapath would have installed for it: uft_key_from_match() of the
 * packet's flow (miniflow_extract()) under the UF mask (vfp_ufid_mask()),
 * both directly and after the trip through the datapath's Netlink flow
 * key and mask.  The parser must also leave the packet as
 * miniflow_extract() does: layer offsets, L2 padding, RSS hash and TCP
 * flags.  Any disagreement is a packet that would hit a UF it does not
 * belong to; it is printed in hex and fails the test.
 *
 * The same packets check uft_key_pop_from_packet(): each one whose flow a
 * tunnel pop flow can match (untagged, unfragmented IPv4 to UDP or GRE,
 * however malformed otherwise) must find that pop flow's key, with
 * miniflow_extract()'s offsets, and no other packet may find one; a pop
 * flow in the table that its packets missed would send them all to the
 * slow path.
 *
 *   vfptest uft-parser [N_PACKETS [SEED]]
 *       Generates N_PACKETS valid packets (default 20000, or
 *       $UFT_PARSER_PACKETS) and checks each with its mutations, then
 *       prints a summary by shape: packets, accepted by the parser, and
 *       declined by the parser although their flow makes a key (which is
 *       allowed: it costs the fast path, not correctness).
 *
 *   vfptest uft-parser-file FILE
 *       Checks the packets of FILE, hex separated by white space (what
 *       "vfp-fuzz.py generate" prints), with their truncations. */

#include <config.h>
#undef NDEBUG
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "dp-packet.h"
#include "flow.h"
#include "lib/uft-key.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/shash.h"
#include "ovstest.h"
#include "packets.h"
#include "random.h"
#include "util.h"
#include "vfp/ufid.h"

#define MAX_PACKET 512

/* Counts, by shape. */
struct shape_stats {
    uint64_t n;                 /* Packets. */
    uint64_t n_accepted;        /* Accepted by uft_key_from_packet(). */
    uint64_t n_match_only;      /* Declined, though the flow makes a key. */
};

static struct shash stats = SHASH_INITIALIZER(&stats);
static uint64_t n_failures;

/* Returns the counts for 'shape', which are those of its VLAN headers'
 * number (not their types) and of its L2 padding or not, unless
 * $UFT_TEST_VERBOSE is set. */
static struct shape_stats *
shape_stats(const char *shape)
{
    static bool verbose, inited;
    char name[128];

    if (!inited) {
        verbose = getenv("UFT_TEST_VERBOSE") != NULL;
        inited = true;
    }
    if (verbose) {
        ovs_strlcpy(name, shape, sizeof name);
    } else {
        const char *p = shape;
        int n_vlans = 0;
        size_t n = 0;

        for (; !strncmp(p, "8100/", 5) || !strncmp(p, "88a8/", 5); p += 5) {
            n_vlans++;
        }
        n = snprintf(name, sizeof name, "%s", n_vlans == 0 ? ""
                     : n_vlans == 1 ? "vlan/" : "vlan2/");
        for (; *p && n < sizeof name - 1; p++) {
            if (!strncmp(p, "/pad", 4)) {
                p += 3;
                continue;
            }
            name[n++] = *p;
        }
        name[n] = '\0';
    }

    struct shape_stats *s = shash_find_data(&stats, name);
    if (!s) {
        s = xzalloc(sizeof *s);
        shash_add(&stats, name, s);
    }
    return s;
}

static void
print_failure(const char *what, const char *shape, const uint8_t *data,
              size_t len, const struct uft_key *pk, const struct uft_key *mk)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "MISMATCH (%s), shape %s, packet ", what, shape);
    for (size_t i = 0; i < len; i++) {
        ds_put_format(&s, "%02x", data[i]);
    }
    if (pk) {
        ds_put_cstr(&s, "\n  parser key: ");
        uft_key_format(pk, &s);
    }
    if (mk) {
        ds_put_cstr(&s, "\n  flow key:   ");
        uft_key_format(mk, &s);
    }
    printf("%s\n", ds_cstr(&s));
    ds_destroy(&s);
    n_failures++;
}

/* The UF's match as the datapath sees it: through its Netlink key and
 * mask, as ofproto-vfp's upcall handler builds them and dpif-netdev's
 * flow_put parses them. */
static bool
match_via_odp(const struct flow *flow, const struct flow_wildcards *wc,
              struct match *match)
{
    uint64_t key_stub[1024 / 8], mask_stub[1024 / 8];
    struct ofpbuf key, mask;
    struct odp_flow_key_parms parms = {
        .flow = flow,
        .support = {
            .max_vlan_headers = SIZE_MAX,
            .max_mpls_depth = SIZE_MAX,
            .recirc = true,
        },
    };
    bool ok = true;

    ofpbuf_use_stub(&key, key_stub, sizeof key_stub);
    ofpbuf_use_stub(&mask, mask_stub, sizeof mask_stub);
    odp_flow_key_from_flow(&parms, &key);

    parms.mask = &wc->masks;
    parms.key_buf = &key;
    parms.support.max_vlan_headers = 2;
    parms.support.max_mpls_depth = 1;
    odp_flow_key_from_mask(&parms, &mask);

    memset(match, 0, sizeof *match);
    if (odp_flow_key_to_flow(key.data, key.size, &match->flow, NULL)
        == ODP_FIT_ERROR
        || odp_flow_key_to_mask(mask.data, mask.size, &match->wc,
                                &match->flow, NULL) == ODP_FIT_ERROR) {
        ok = false;
    }
    if (!match->wc.masks.vlans[0].tci) {
        match->wc.masks.vlans[0].tci = htons(VLAN_VID_MASK | VLAN_CFI);
    }
    ofpbuf_uninit(&key);
    ofpbuf_uninit(&mask);
    return ok;
}

/* Checks uft_key_pop_from_packet() on the packet of 'len' bytes at 'data'
 * (a copy in 'bytes', 'headroom'), received on 'in_port', whose flow is
 * 'flow' and that miniflow_extract() left as 'q': it must find the key of
 * the tunnel pop flow that the classifier would give the packet, if there
 * is one (untagged, unfragmented IPv4 to UDP or GRE, whatever else is
 * wrong with it), with miniflow_extract()'s layer offsets and padding,
 * and nothing otherwise. */
static void
check_pop(const uint8_t *data, const uint8_t *bytes, size_t len,
          size_t headroom, odp_port_t in_port, const char *shape,
          const struct flow *flow, const struct dp_packet *q)
{
    struct dp_packet *p = dp_packet_clone_data_with_headroom(bytes, len,
                                                             headroom);
    struct uft_key pk;
    bool accepted = uft_key_pop_from_packet(p, in_port, &pk);
    bool poppable = (flow->packet_type == htonl(PT_ETH)
                     && flow->dl_type == htons(ETH_TYPE_IP)
                     && !flow->vlans[0].tci
                     && !(flow->nw_frag & FLOW_NW_FRAG_ANY)
                     && (flow->nw_proto == IPPROTO_UDP
                         || flow->nw_proto == IPPROTO_GRE));

    if (poppable) {
        /* The pop flow for this packet's destination: its key. */
        struct match pm;
        struct uft_key want;

        memset(&want, 0, sizeof want);
        want.flags = UFT_KEY_POP;
        want.in_port = in_port;
        want.dl_dst = flow->dl_dst;
        want.dl_type = htons(ETH_TYPE_IP);
        want.nw_proto = flow->nw_proto;
        want.nw.ip4.dst = flow->nw_dst;
        if (flow->nw_proto == IPPROTO_UDP) {
            want.tp_dst = flow->tp_dst;
        }
        uft_key_to_match(&want, &pm);
        if (!flow_equal_except(flow, &pm.flow, &pm.wc)) {
            print_failure("pop flow misses its own packet", shape, data,
                          len, &want, NULL);
        } else if (!accepted) {
            print_failure("pop parser refused", shape, data, len, NULL,
                          &want);
        } else if (memcmp(&pk, &want, sizeof pk)) {
            print_failure("pop keys differ", shape, data, len, &pk, &want);
        } else if (p->l3_ofs != q->l3_ofs || p->l4_ofs != q->l4_ofs
                   || dp_packet_l2_pad_size(p) != dp_packet_l2_pad_size(q)) {
            print_failure("pop offsets differ", shape, data, len, &pk,
                          NULL);
        }
    } else if (accepted) {
        print_failure("pop parser took a packet no pop flow matches", shape,
                      data, len, &pk, NULL);
    }
    dp_packet_delete(p);
}

/* Checks the packet of 'len' bytes at 'data', of shape 'shape', received on
 * 'in_port'.  Returns true if the parser accepted it. */
static bool
check_packet(const uint8_t *data, size_t len, odp_port_t in_port,
             const char *shape)
{
    static const uint8_t empty[1];
    struct shape_stats *st = shape_stats(shape);
    /* A truncation to nothing still gets a buffer (a little headroom):
     * dp_packet_put() passes both pointers to memcpy(), which must not
     * get NULL (UBSan). */
    const uint8_t *bytes = len ? data : empty;
    size_t headroom = len ? 0 : 8;
    struct dp_packet *p = dp_packet_clone_data_with_headroom(bytes, len,
                                                             headroom);
    struct dp_packet *q = dp_packet_clone_data_with_headroom(bytes, len,
                                                             headroom);
    struct uft_key pk, mk, ok_key;
    uint16_t tcp_flags = 0xffff;

    st->n++;
    bool accepted = uft_key_from_packet(p, in_port, &pk, &tcp_flags);

    /* What dpif-netdev does with the packet without a UFT. */
    struct {
        struct miniflow mf;
        uint64_t buf[FLOW_U64S];
    } m;
    pkt_metadata_init(&q->md, in_port);
    miniflow_extract(q, &m.mf);
    uint32_t rss = (dp_packet_rss_valid(q) ? dp_packet_get_rss_hash(q)
                    : miniflow_hash_5tuple(&m.mf, 0));

    struct flow flow;
    miniflow_expand(&m.mf, &flow);

    struct flow_wildcards wc;
    vfp_ufid_mask(&flow, &wc);
    if (!wc.masks.vlans[0].tci) {
        wc.masks.vlans[0].tci = htons(VLAN_VID_MASK | VLAN_CFI);
    }
    struct match match;
    match_init(&match, &flow, &wc);
    bool match_ok = uft_key_from_match(&match, &mk);

    struct match odp_match;
    bool odp_ok = (match_via_odp(&flow, &wc, &odp_match)
                   && uft_key_from_match(&odp_match, &ok_key));

    if (accepted) {
        st->n_accepted++;
        if (!match_ok) {
            print_failure("flow makes no key", shape, data, len, &pk, NULL);
        } else if (memcmp(&pk, &mk, sizeof pk)) {
            print_failure("keys differ", shape, data, len, &pk, &mk);
        } else if (!odp_ok) {
            print_failure("Netlink flow makes no key", shape, data, len, &pk,
                          NULL);
        } else if (memcmp(&pk, &ok_key, sizeof pk)) {
            print_failure("Netlink flow's key differs", shape, data, len,
                          &pk, &ok_key);
        } else if (p->l3_ofs != q->l3_ofs || p->l4_ofs != q->l4_ofs
                   || dp_packet_l2_pad_size(p) != dp_packet_l2_pad_size(q)) {
            print_failure("offsets differ", shape, data, len, &pk, NULL);
            printf("  l3 %u/%u l4 %u/%u pad %u/%u\n", p->l3_ofs, q->l3_ofs,
                   p->l4_ofs, q->l4_ofs, dp_packet_l2_pad_size(p),
                   dp_packet_l2_pad_size(q));
        } else if (!dp_packet_rss_valid(p)
                   || dp_packet_get_rss_hash(p) != rss) {
            print_failure("RSS hash differs", shape, data, len, &pk, NULL);
        } else if (tcp_flags != ntohs(flow.tcp_flags)) {
            print_failure("TCP flags differ", shape, data, len, &pk, NULL);
        } else {
            /* The packet's flow is within the UF of the key. */
            struct match km;
            uft_key_to_match(&pk, &km);
            const uint64_t *f = (const uint64_t *) &flow;
            const uint64_t *kf = (const uint64_t *) &km.flow;
            const uint64_t *kw = (const uint64_t *) &km.wc.masks;
            for (size_t i = 0; i < FLOW_U64S; i++) {
                if ((f[i] ^ kf[i]) & kw[i]) {
                    print_failure("flow outside the key's UF", shape, data,
                                  len, &pk, NULL);
                    break;
                }
            }

            struct dp_packet *r = dp_packet_clone_data(data, len);
            uint16_t flags = parse_tcp_flags(r, NULL, NULL, NULL);
            if (flags != tcp_flags) {
                print_failure("parse_tcp_flags() differs", shape, data, len,
                              &pk, NULL);
            }
            dp_packet_delete(r);
        }
    } else if (match_ok) {
        st->n_match_only++;
    }
    if (in_port != ODPP_NONE) {
        check_pop(data, bytes, len, headroom, in_port, shape, &flow, q);
    }

    dp_packet_delete(p);
    dp_packet_delete(q);
    return accepted;
}

/* Packet generation. */

struct pkt {
    uint8_t data[MAX_PACKET];
    size_t len;
    int l3, l4;                 /* Offsets, -1 if none. */
    bool ip4, ip6;
    bool expect_accept;         /* The parser must take it unmutated. */
    char shape[64];
};

static void
put(struct pkt *p, const void *data, size_t n)
{
    ovs_assert(p->len + n <= MAX_PACKET);
    memcpy(&p->data[p->len], data, n);
    p->len += n;
}

static void
put_u8(struct pkt *p, uint8_t x)
{
    put(p, &x, 1);
}

static void
put_be16(struct pkt *p, uint16_t x)
{
    ovs_be16 y = htons(x);
    put(p, &y, 2);
}

static void
put_random(struct pkt *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        put_u8(p, random_uint8());
    }
}

static void
set_be16(struct pkt *p, size_t ofs, uint16_t x)
{
    p->data[ofs] = x >> 8;
    p->data[ofs + 1] = x;
}

static void
shape_add(struct pkt *p, const char *s)
{
    size_t n = strlen(p->shape);

    snprintf(p->shape + n, sizeof p->shape - n, "%s%s", n ? "/" : "", s);
}

/* One of the interesting values of 'values', or a random one. */
static uint8_t
pick_u8(const uint8_t values[], size_t n)
{
    return random_range(n + 1) < n ? values[random_range(n)]
                                   : random_uint8();
}

static void
put_l4(struct pkt *p, uint8_t proto, bool ip6)
{
    size_t l4 = p->len;

    p->l4 = l4;
    switch (proto) {
    case IPPROTO_TCP: {
        int n_opts = random_range(3) ? 0 : 1 + random_range(10);
        uint16_t flags = random_uint16() & 0x1ff;

        put_random(p, 4);                       /* Ports. */
        put_random(p, 8);                       /* Sequence numbers. */
        put_be16(p, ((5 + n_opts) << 12) | flags);
        put_random(p, 6);
        put_random(p, 4 * n_opts);
        shape_add(p, n_opts ? "tcp+opt" : "tcp");
        break;
    }
    case IPPROTO_UDP:
        put_random(p, 4);
        put_be16(p, 8);                          /* Fixed up later. */
        put_random(p, 2);
        shape_add(p, "udp");
        break;
    case IPPROTO_SCTP:
        put_random(p, 12);
        shape_add(p, "sctp");
        break;
    case IPPROTO_ICMP: {
        static const uint8_t types[] = { 0, 3, 5, 8, 11 };

        put_u8(p, pick_u8(types, ARRAY_SIZE(types)));
        put_u8(p, random_range(2) ? 0 : random_uint8());
        put_random(p, 6);
        shape_add(p, "icmp");
        break;
    }
    case IPPROTO_IGMP:
        put_u8(p, random_range(2) ? 0x16 : random_uint8());
        put_random(p, 7);
        shape_add(p, "igmp");
        p->expect_accept = false;
        break;
    case IPPROTO_ICMPV6: {
        static const uint8_t types[] = {
            1, 2, 3, 4, 128, 129, 130, 131, 133, 134, 135, 136, 137, 143,
        };
        uint8_t type = pick_u8(types, ARRAY_SIZE(types));
        uint8_t code = random_range(4) ? 0 : random_uint8();
        bool nd = (type == 135 || type == 136) && !code;

        put_u8(p, type);
        put_u8(p, code);
        put_random(p, 2);
        put_random(p, 4);                       /* Reserved or flags. */
        if (nd || (type >= 133 && type <= 137)) {
            put_random(p, 16);                  /* Target. */
            for (int i = random_range(3); i > 0; i--) {
                put_u8(p, random_range(2) ? 1 : 2);
                put_u8(p, random_range(8) ? 1 : random_range(3));
                put_random(p, 6);
            }
        }
        shape_add(p, nd ? "nd" : "icmp6");
        if (nd) {
            p->expect_accept = false;
        }
        break;
    }
    default:
        shape_add(p, "other");
        break;
    }
    if (ip6 ? proto == IPPROTO_ICMP : proto == IPPROTO_ICMPV6) {
        /* The Netlink flow key cannot hold their type and code. */
        p->expect_accept = false;
    }
    put_random(p, random_range(4) ? random_range(40) : 0);  /* Payload. */
}

static uint8_t
random_proto(bool ip6)
{
    static const uint8_t protos[] = {
        IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDP, IPPROTO_SCTP,
        IPPROTO_ICMP, IPPROTO_IGMP, IPPROTO_ICMPV6, IPPROTO_GRE, 0,
        IPPROTO_NONE, 50,
    };
    uint8_t proto = pick_u8(protos, ARRAY_SIZE(protos));

    if (ip6 && random_range(3)) {
        /* Mostly ICMPv6 rather than ICMP on IPv6. */
        proto = proto == IPPROTO_ICMP ? IPPROTO_ICMPV6 : proto;
    }
    return proto;
}

static void
put_ipv4(struct pkt *p, uint8_t proto)
{
    size_t l3 = p->len;
    int n_opts = random_range(4) ? 0 : 1 + random_range(10);
    uint16_t frag = random_range(2) ? 0 : IP_DF;

    p->l3 = l3;
    p->ip4 = true;
    put_u8(p, 0x45 + n_opts);
    put_u8(p, random_uint8());                  /* TOS. */
    put_be16(p, 0);                             /* Total length. */
    put_random(p, 2);                           /* Id. */
    if (!random_range(8)) {
        /* A fragment: first, middle or last. */
        frag |= (random_range(2) ? IP_MORE_FRAGMENTS : 0)
                | (random_range(2) ? random_range(IP_FRAG_OFF_MASK + 1) : 0);
        if (!(frag & (IP_MORE_FRAGMENTS | IP_FRAG_OFF_MASK))) {
            frag |= IP_MORE_FRAGMENTS;
        }
        p->expect_accept = false;
    }
    put_be16(p, frag);
    put_u8(p, random_uint8());                  /* TTL. */
    put_u8(p, proto);
    put_random(p, 2);                           /* Checksum, not checked. */
    put_random(p, 8);                           /* Addresses. */
    for (int i = 0; i < n_opts; i++) {
        static const uint8_t opts[] = { 1, 1, 1, 0 };

        put_u8(p, opts[random_range(4)]);
        put_random(p, 3);
    }
    shape_add(p, n_opts ? "ip4+opt" : "ip4");
    if (frag & (IP_MORE_FRAGMENTS | IP_FRAG_OFF_MASK)) {
        shape_add(p, "frag");
    }
    put_l4(p, proto, false);
    set_be16(p, l3 + 2, p->len - l3);
}

static void
put_ipv6(struct pkt *p, uint8_t proto)
{
    static const uint8_t exts[] = {
        IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS, IPPROTO_FRAGMENT,
        IPPROTO_AH,
    };
    size_t l3 = p->len;
    int n_ext = random_range(3) ? 0 : 1 + random_range(3);
    uint8_t nxt[4];

    for (int i = 0; i < n_ext; i++) {
        nxt[i] = exts[random_range(ARRAY_SIZE(exts))];
    }
    nxt[n_ext] = proto;

    p->l3 = l3;
    p->ip6 = true;
    put_u8(p, 0x60 | (random_uint8() & 0xf));
    put_random(p, 3);                           /* Class and label. */
    put_be16(p, 0);                             /* Payload length. */
    put_u8(p, nxt[0]);
    put_u8(p, random_uint8());                  /* Hop limit. */
    put_random(p, 32);                          /* Addresses. */
    for (int i = 0; i < n_ext; i++) {
        put_u8(p, nxt[i + 1]);
        if (nxt[i] == IPPROTO_FRAGMENT) {
            put_u8(p, 0);
            put_be16(p, random_range(2) ? 0
                        : random_uint16() & ~6);
            put_random(p, 4);
        } else if (nxt[i] == IPPROTO_AH) {
            put_u8(p, 1);                       /* (1 + 2) * 4 bytes. */
            put_random(p, 10);
        } else {
            int n = random_range(2);

            put_u8(p, n);                       /* (n + 1) * 8 bytes. */
            put_random(p, 6 + 8 * n);
        }
    }
    if (n_ext) {
        p->expect_accept = false;
        shape_add(p, "ip6+ext");
    } else {
        shape_add(p, "ip6");
    }
    if (proto == IPPROTO_HOPOPTS || proto == IPPROTO_ROUTING
        || proto == IPPROTO_DSTOPTS || proto == IPPROTO_FRAGMENT
        || proto == IPPROTO_AH) {
        /* A random protocol that is an extension header to IPv6. */
        p->expect_accept = false;
    }
    put_l4(p, proto, true);
    set_be16(p, l3 + 4, p->len - l3 - IPV6_HEADER_LEN);
}

/* Makes a random valid packet. */
static void
gen_packet(struct pkt *p)
{
    memset(p, 0, sizeof *p);
    p->l3 = p->l4 = -1;
    p->expect_accept = true;

    put_random(p, 12);                          /* MACs. */
    if (random_range(2)) {
        p->data[0] &= ~1;
    }

    int n_vlans = random_range(10);
    n_vlans = n_vlans < 5 ? 0 : n_vlans < 8 ? 1 : 2;
    for (int i = 0; i < n_vlans; i++) {
        bool ad = random_range(2);

        put_be16(p, ad ? ETH_TYPE_VLAN_8021AD : ETH_TYPE_VLAN_8021Q);
        put_be16(p, random_range(4) ? random_uint16() : 0);
        shape_add(p, ad ? "88a8" : "8100");
    }
    if (n_vlans > 1) {
        p->expect_accept = false;
    }

    int kind = random_range(20);
    if (kind < 8) {
        put_be16(p, ETH_TYPE_IP);
        put_ipv4(p, random_proto(false));
    } else if (kind < 16) {
        put_be16(p, ETH_TYPE_IPV6);
        put_ipv6(p, random_proto(true));
    } else if (kind == 16) {
        put_be16(p, ETH_TYPE_ARP);
        put_be16(p, 1);
        put_be16(p, ETH_TYPE_IP);
        put_u8(p, 6);
        put_u8(p, 4);
        put_be16(p, random_range(2) + 1);
        put_random(p, 20);
        shape_add(p, "arp");
        p->expect_accept = false;
    } else if (kind == 17) {
        /* LLC/SNAP with IPv4 inside. */
        size_t len_ofs = p->len;
        static const uint8_t snap[] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 8, 0 };

        put_be16(p, 0);
        put(p, snap, sizeof snap);
        shape_add(p, "snap");
        put_ipv4(p, random_proto(false));
        set_be16(p, len_ofs, p->len - len_ofs - 2);
        p->expect_accept = false;
    } else if (kind == 18) {
        /* MPLS with IPv4 inside. */
        int n = 1 + random_range(3);

        put_be16(p, random_range(2) ? ETH_TYPE_MPLS : ETH_TYPE_MPLS_MCAST);
        for (int i = 0; i < n; i++) {
            uint32_t lse = random_uint32() & ~MPLS_BOS_MASK;
            ovs_be32 x = htonl(lse | (i == n - 1 ? MPLS_BOS_MASK : 0));

            put(p, &x, 4);
        }
        shape_add(p, "mpls");
        put_ipv4(p, random_proto(false));
        p->expect_accept = false;
    } else {
        /* Another Ethernet type, or an 802.3 length. */
        put_be16(p, random_range(2) ? random_uint16() : random_range(1536));
        put_random(p, random_range(60));
        shape_add(p, "other-eth");
        p->expect_accept = false;
    }

    if (!random_range(4)) {
        put_random(p, 1 + random_range(20));     /* L2 padding. */
        shape_add(p, "pad");
    }
    if (p->len < ETH_HEADER_LEN + IP_HEADER_LEN) {
        /* Too short for the parser, as for a real NIC's minimum. */
        p->expect_accept = false;
    }
}

/* Mutates 'p' in one of several ways; names the way in 'kind'. */
static void
mutate(struct pkt *p, const char **kind)
{
    int r = random_range(10);

    if (r < 4 || (p->l3 < 0 && r < 8)) {
        /* Bytes overwritten, mostly in the headers. */
        int n = 1 + random_range(3);
        size_t hdr = p->l4 >= 0 ? MIN(p->len, p->l4 + 24) : p->len;

        for (int i = 0; i < n; i++) {
            size_t ofs = random_range(4) ? random_range(hdr)
                                         : random_range(p->len);
            uint8_t flipped = p->data[ofs] ^ (1 << random_range(8));

            p->data[ofs] = random_range(2) ? random_uint8() : flipped;
        }
        *kind = "flip";
    } else if (r < 8 && p->ip4) {
        size_t l3 = p->l3;

        switch (random_range(5)) {
        case 0:                                 /* IHL. */
            p->data[l3] = (p->data[l3] & 0xf0) | random_range(16);
            break;
        case 1:                                 /* Version. */
            p->data[l3] = (p->data[l3] & 0x0f) | (random_range(16) << 4);
            break;
        case 2:                                 /* Total length. */
            set_be16(p, l3 + 2, random_range(2)
                     ? (p->data[l3 + 2] << 8 | p->data[l3 + 3])
                       + random_range(9) - 4
                     : random_uint16());
            break;
        case 3:                                 /* Fragment. */
            set_be16(p, l3 + 6, random_range(2) ? IP_MORE_FRAGMENTS
                     : random_uint16());
            break;
        default:                                /* Protocol. */
            p->data[l3 + 9] = random_proto(false);
            break;
        }
        if (p->l4 >= 0 && !random_range(3)) {   /* TCP data offset. */
            p->data[p->l4 + 12] = (random_range(16) << 4)
                                   | (p->data[p->l4 + 12] & 0xf);
        }
        *kind = "ip4-field";
    } else if (r < 8 && p->ip6) {
        size_t l3 = p->l3;

        switch (random_range(3)) {
        case 0:                                 /* Payload length. */
            set_be16(p, l3 + 4, random_range(2)
                     ? (p->data[l3 + 4] << 8 | p->data[l3 + 5])
                       + random_range(9) - 4
                     : random_uint16());
            break;
        case 1:                                 /* Next header. */
            p->data[l3 + 6] = random_range(2) ? random_proto(true)
                                              : random_uint8();
            break;
        default:                                /* Version. */
            p->data[l3] = (p->data[l3] & 0x0f) | (random_range(16) << 4);
            break;
        }
        if (p->l4 >= 0 && !random_range(3)) {
            p->data[p->l4 + 12] = (random_range(16) << 4)
                                   | (p->data[p->l4 + 12] & 0xf);
        }
        *kind = "ip6-field";
    } else {
        /* Ethernet and VLAN types. */
        static const uint16_t types[] = {
            ETH_TYPE_IP, ETH_TYPE_IPV6, ETH_TYPE_VLAN_8021Q,
            ETH_TYPE_VLAN_8021AD, ETH_TYPE_ARP, ETH_TYPE_MPLS, 0x05ff,
        };
        size_t ofs = 12 + 4 * random_range(3);

        if (ofs + 2 <= p->len) {
            set_be16(p, ofs, types[random_range(ARRAY_SIZE(types))]);
        }
        *kind = "eth-type";
    }
}

static void
check_with_mutations(const struct pkt *base, int n_mutations)
{
    odp_port_t in_port = u32_to_odp(1 + random_range(4));
    char shape[128];

    bool accepted = check_packet(base->data, base->len, in_port, base->shape);
    if (base->expect_accept && !accepted) {
        print_failure("valid packet declined", base->shape, base->data,
                      base->len, NULL, NULL);
    }

    /* Every truncation. */
    snprintf(shape, sizeof shape, "%s trunc", base->shape);
    for (size_t len = 0; len < base->len; len++) {
        check_packet(base->data, len, in_port, shape);
    }

    for (int i = 0; i < n_mutations; i++) {
        struct pkt p = *base;
        const char *kind;

        mutate(&p, &kind);
        if (random_range(2)) {
            mutate(&p, &kind);
        }
        snprintf(shape, sizeof shape, "%s %s", base->shape, kind);
        size_t len = random_range(4) ? p.len : random_range(p.len + 1);
        check_packet(p.data, len, in_port, shape);
    }
}

/* Prints the summary, by base shape (the first word of each shape). */
static void
print_summary(bool verbose)
{
    const struct shash_node **nodes = shash_sort(&stats);
    uint64_t n = 0, n_accepted = 0, n_match_only = 0;

    printf("%-40s %10s %10s %10s\n", "shape", "packets", "accepted",
           "flow-only");
    for (size_t i = 0; i < shash_count(&stats); i++) {
        const struct shape_stats *s = nodes[i]->data;

        if (verbose || s->n_match_only) {
            printf("%-40s %10"PRIu64" %10"PRIu64" %10"PRIu64"\n",
                   nodes[i]->name, s->n, s->n_accepted, s->n_match_only);
        }
        n += s->n;
        n_accepted += s->n_accepted;
        n_match_only += s->n_match_only;
    }
    printf("%-40s %10"PRIu64" %10"PRIu64" %10"PRIu64"\n", "total", n,
           n_accepted, n_match_only);
    free(nodes);
}

static void
finish(void)
{
    print_summary(getenv("UFT_TEST_VERBOSE") != NULL);
    shash_destroy_free_data(&stats);
    if (n_failures) {
        ovs_fatal(0, "%"PRIu64" packets parsed differently", n_failures);
    }
}

static void
test_uft_parser(struct ovs_cmdl_context *ctx)
{
    const char *env = getenv("UFT_PARSER_PACKETS");
    int n = ctx->argc > 1 ? atoi(ctx->argv[1]) : env ? atoi(env) : 20000;
    int seed = ctx->argc > 2 ? atoi(ctx->argv[2]) : 0x75667432;

    random_set_seed(seed);
    for (int i = 0; i < n; i++) {
        struct pkt p;

        /* The parser honours the datapath's VLAN limit; OVS's default is
         * both headers, ovs-vswitchd's is one. */
        flow_vlan_limit = i % 4 ? FLOW_MAX_VLAN_HEADERS : 1;
        gen_packet(&p);
        check_with_mutations(&p, 40);
    }
    flow_vlan_limit = FLOW_MAX_VLAN_HEADERS;
    finish();
}

static void
test_uft_parser_file(struct ovs_cmdl_context *ctx)
{
    FILE *file = fopen(ctx->argv[1], "r");
    struct ds hex = DS_EMPTY_INITIALIZER;
    int n = 0;
    int c;

    if (!file) {
        ovs_fatal(errno, "%s: open failed", ctx->argv[1]);
    }
    random_set_seed(1);
    for (;;) {
        c = getc(file);
        if (c != EOF && !isspace(c)) {
            ds_put_char(&hex, c);
            continue;
        }
        if (hex.length) {
            struct dp_packet packet;

            dp_packet_init(&packet, 0);
            const char *end = dp_packet_put_hex(&packet, ds_cstr(&hex),
                                                NULL);
            if (*end) {
                ovs_fatal(0, "bad hex in packet %d", n + 1);
            }
            for (size_t len = 0; len <= dp_packet_size(&packet); len++) {
                check_packet(dp_packet_data(&packet), len,
                             u32_to_odp(1 + n % 4),
                             len == dp_packet_size(&packet)
                             ? "fuzz" : "fuzz trunc");
            }
            dp_packet_uninit(&packet);
            ds_clear(&hex);
            n++;
        }
        if (c == EOF) {
            break;
        }
    }
    fclose(file);
    ds_destroy(&hex);
    printf("%d packets\n", n);
    finish();
}

static void
test_uft_parser_main(int argc, char *argv[])
{
    struct ovs_cmdl_context ctx = { .argc = argc, .argv = argv };

    set_program_name(argv[0]);
    test_uft_parser(&ctx);
}

static void
test_uft_parser_file_main(int argc, char *argv[])
{
    struct ovs_cmdl_context ctx = { .argc = argc, .argv = argv };

    set_program_name(argv[0]);
    if (argc != 2) {
        ovs_fatal(0, "usage: uft-parser-file FILE");
    }
    test_uft_parser_file(&ctx);
}

OVSTEST_REGISTER("uft-parser", test_uft_parser_main);
OVSTEST_REGISTER("uft-parser-file", test_uft_parser_file_main);
