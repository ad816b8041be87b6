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

/* IP fragment reassembly for VFP ports: see fragments.h.
 *
 * Modelled on OVS's lib/ipf.c and Linux's nf_defrag, but not lib/ipf.c
 * itself: ipf works on the batches of conntrack's ct() action (it steals
 * fragments from a batch and returns the reassembled packet into it, then
 * refragments by copying conntrack's metadata and NAT back), runs its own
 * cleaner thread and global configuration, and admits overlapping IPv4
 * fragments that match byte for byte.  Here a fragment arrives alone in an
 * upcall, the verdict comes from VFP's layers rather than conntrack, and
 * any overlap drops the datagram. */

#include <config.h>

#include "ofproto-vfp/fragments.h"

#include <netinet/in.h>
#include <netinet/ip6.h>

#include "csum.h"
#include "dp-packet.h"
#include "dpif.h"
#include "flow.h"
#include "hash.h"
#include "netlink.h"
#include "odp-util.h"
#include "ofproto-vfp/backer.h"
#include "ofproto-vfp/forwarding.h"
#include "ofproto-vfp/uf.h"
#include "ofproto-vfp/xlate.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "seq.h"
#include "timeval.h"
#include "vfp/counter.h"

VLOG_DEFINE_THIS_MODULE(vfp_fragments);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

/* What identifies a datagram (RFC 791: source, destination, protocol, ID;
 * RFC 8200: source, destination, ID), and where it came from. */
struct datagram_key {
    odp_port_t in_port;
    uint32_t recirc_id;
    union flow_vlan_hdr vlans[FLOW_MAX_VLAN_HEADERS];
    ovs_be64 tun_id;
    ovs_be32 tun_src, tun_dst;
    ovs_be16 dl_type;
    uint8_t nw_proto;           /* IPv4 only. */
    uint8_t pad;
    uint32_t id;
    struct in6_addr src, dst;
};

/* One fragment as received. */
struct frag {
    struct dp_packet *packet;
    uint32_t offset;            /* Of its payload in the datagram's. */
    uint32_t len;               /* Payload bytes. */
    uint16_t payload_ofs;       /* Payload start, from the packet's data. */
    uint16_t unfrag_len;        /* IPv4: header length.  IPv6: the
                                 * unfragmentable part, before the Fragment
                                 * header. */
    uint16_t nxt_ofs;           /* IPv6: the Next Header byte that names
                                 * the Fragment header. */
};

/* An incomplete datagram. */
struct datagram {
    struct hmap_node node;      /* In 'datagrams', by 'key'. */
    struct ovs_list age_node;   /* In 'by_age', oldest first. */
    struct datagram_key key;
    long long int expires;
    struct frag frags[VFP_FRAG_MAX_FRAGS];
    size_t n;
    uint32_t total;             /* Payload length, from the last fragment;
                                 * UINT32_MAX until it is in. */
    uint32_t have;              /* Payload bytes held. */
    size_t bytes;               /* Bytes held, packet metadata included. */
};

/* A fragment to send (userspace datapath). */
struct frag_out {
    struct ovs_list node;       /* In 'out'. */
    struct dp_packet *packet;
    struct flow flow;
    struct ofpbuf actions;
};

struct vfp_frags {
    bool userspace;
    struct ovs_mutex mutex;             /* Guards the OVS_GUARDED members:
                                         * handlers and the main thread. */
    struct hmap datagrams OVS_GUARDED;
    struct ovs_list by_age OVS_GUARDED;
    size_t n_held OVS_GUARDED;          /* Fragments held. */
    size_t n_bytes OVS_GUARDED;         /* Their bytes, with metadata. */
    struct ovs_list out OVS_GUARDED;    /* Fragments to send. */
    struct seq *seq;                    /* Changes when 'out' grows. */
    uint64_t last_seq;                  /* Main thread only. */

    /* Counters.  'reassembled' counts datagrams, the others fragments. */
    uint64_t n_reassembled OVS_GUARDED;
    uint64_t n_tiny OVS_GUARDED;        /* First fragment without the whole
                                         * L4 header. */
    uint64_t n_overlap OVS_GUARDED;     /* Overlapping fragments. */
    uint64_t n_invalid OVS_GUARDED;     /* Bad lengths or offsets. */
    uint64_t n_expired OVS_GUARDED;     /* Incomplete at the timeout. */
    uint64_t n_limit OVS_GUARDED;       /* Over a limit. */
};

struct vfp_frags *
vfp_frags_create(bool userspace)
{
    struct vfp_frags *frags = xzalloc(sizeof *frags);

    frags->userspace = userspace;
    ovs_mutex_init(&frags->mutex);
    hmap_init(&frags->datagrams);
    ovs_list_init(&frags->by_age);
    ovs_list_init(&frags->out);
    frags->seq = seq_create();
    frags->last_seq = seq_read(frags->seq);
    return frags;
}

static void
datagram_free(struct datagram *d)
{
    for (size_t i = 0; i < d->n; i++) {
        dp_packet_delete(d->frags[i].packet);
    }
    free(d);
}

static void
frag_out_free(struct frag_out *o)
{
    dp_packet_delete(o->packet);
    ofpbuf_uninit(&o->actions);
    free(o);
}

/* Removes 'd' from 'frags', adds its fragments to '*counter', frees it. */
static void
datagram_drop(struct vfp_frags *frags, struct datagram *d, uint64_t *counter)
    OVS_REQUIRES(frags->mutex)
{
    hmap_remove(&frags->datagrams, &d->node);
    ovs_list_remove(&d->age_node);
    frags->n_held -= d->n;
    frags->n_bytes -= d->bytes;
    if (counter) {
        *counter += d->n;
    }
    datagram_free(d);
}

void
vfp_frags_destroy(struct vfp_frags *frags)
    OVS_EXCLUDED(frags->mutex)
{
    if (!frags) {
        return;
    }

    struct datagram *d;
    ovs_mutex_lock(&frags->mutex);
    HMAP_FOR_EACH_SAFE (d, node, &frags->datagrams) {
        datagram_drop(frags, d, NULL);
    }
    ovs_mutex_unlock(&frags->mutex);
    struct frag_out *o;
    LIST_FOR_EACH_POP (o, node, &frags->out) {
        frag_out_free(o);
    }
    hmap_destroy(&frags->datagrams);
    seq_destroy(frags->seq);
    ovs_mutex_destroy(&frags->mutex);
    free(frags);
}

static void
expire(struct vfp_frags *frags, long long int now)
    OVS_REQUIRES(frags->mutex)
{
    struct datagram *d;

    LIST_FOR_EACH_SAFE (d, age_node, &frags->by_age) {
        if (d->expires > now) {
            break;
        }
        datagram_drop(frags, d, &frags->n_expired);
    }
}

/* Parses the fragment 'p', with headers 'flow', into 'f' and '*id'.
 * Returns false if its IP header is inconsistent. */
static bool
parse_frag(const struct dp_packet *p, const struct flow *flow,
           struct frag *f, uint32_t *id)
{
    size_t l3_size = dp_packet_l3_size(p);
    const uint8_t *l3 = dp_packet_l3(p);

    if (!l3) {
        return false;
    }
    uint16_t l3_ofs = l3 - (const uint8_t *) dp_packet_data(p);
    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        const struct ip_header *ip = ALIGNED_CAST(const struct ip_header *,
                                                  l3);
        size_t hlen, tot_len;

        if (l3_size < IP_HEADER_LEN) {
            return false;
        }
        hlen = IP_IHL(ip->ip_ihl_ver) * 4;
        tot_len = ntohs(ip->ip_tot_len);
        if (hlen < IP_HEADER_LEN || tot_len < hlen || tot_len > l3_size) {
            return false;
        }
        uint16_t frag_off = ntohs(ip->ip_frag_off);
        f->offset = (frag_off & IP_FRAG_OFF_MASK) * 8;
        f->len = tot_len - hlen;
        f->unfrag_len = hlen;
        f->payload_ofs = l3_ofs + hlen;
        f->nxt_ofs = 0;
        *id = ntohs(ip->ip_id);
        return (frag_off & IP_MORE_FRAGMENTS) ? f->len % 8 == 0 : true;
    }

    /* IPv6: the Fragment header follows the unfragmentable part. */
    const struct ovs_16aligned_ip6_hdr *ip6 = (const void *) l3;
    if (l3_size < IPV6_HEADER_LEN
        || IPV6_HEADER_LEN + ntohs(ip6->ip6_plen) > l3_size) {
        return false;
    }
    size_t end = IPV6_HEADER_LEN + ntohs(ip6->ip6_plen);
    size_t pos = IPV6_HEADER_LEN;
    size_t nxt_ofs = offsetof(struct ovs_16aligned_ip6_hdr, ip6_nxt);
    uint8_t nxt = ip6->ip6_nxt;
    while (nxt != IPPROTO_FRAGMENT) {
        size_t len;

        if (pos + 8 > end) {
            return false;
        }
        if (nxt == IPPROTO_HOPOPTS || nxt == IPPROTO_ROUTING
            || nxt == IPPROTO_DSTOPTS) {
            len = (l3[pos + 1] + 1) * 8;
        } else if (nxt == IPPROTO_AH) {
            len = (l3[pos + 1] + 2) * 4;
        } else {
            return false;
        }
        nxt_ofs = pos;
        nxt = l3[pos];
        pos += len;
    }
    if (pos + 8 > end) {
        return false;
    }

    const struct ovs_16aligned_ip6_frag *fh = (const void *) (l3 + pos);
    uint16_t offlg = ntohs(fh->ip6f_offlg);
    f->offset = offlg & 0xfff8;
    f->len = end - (pos + 8);
    f->unfrag_len = pos;
    f->payload_ofs = l3_ofs + pos + 8;
    f->nxt_ofs = l3_ofs + nxt_ofs;
    *id = ntohl(get_16aligned_be32(&fh->ip6f_ident));
    return (offlg & 1) ? f->len % 8 == 0 : true;
}

static bool
frag_is_last(const struct dp_packet *p, const struct frag *f)
{
    const uint8_t *data = dp_packet_data(p);

    if (f->nxt_ofs) {
        const struct ovs_16aligned_ip6_frag *fh
            = (const void *) (data + f->payload_ofs - 8);
        return !(fh->ip6f_offlg & htons(1));
    }
    const struct ip_header *ip = dp_packet_l3(p);
    return !(ip->ip_frag_off & htons(IP_MORE_FRAGMENTS));
}

static int
compare_frags(const void *a_, const void *b_)
{
    const struct frag *a = a_;
    const struct frag *b = b_;

    return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/* Builds the datagram of 'd''s fragments, sorted by offset. */
static struct dp_packet *
reassemble(const struct datagram *d)
{
    const struct frag *first = &d->frags[0];
    const uint8_t *first_data = dp_packet_data(first->packet);
    size_t head = (first->nxt_ofs
                   ? first->payload_ofs - 8 : first->payload_ofs);
    struct dp_packet *p = dp_packet_new(head + d->total);

    dp_packet_put(p, first_data, head);
    for (size_t i = 0; i < d->n; i++) {
        const struct frag *f = &d->frags[i];

        dp_packet_put(p, (const uint8_t *) dp_packet_data(f->packet)
                      + f->payload_ofs, f->len);
    }
    p->md = first->packet->md;

    uint8_t *data = dp_packet_data(p);
    uint16_t l3_ofs = first->payload_ofs - first->unfrag_len
                      - (first->nxt_ofs ? 8 : 0);
    if (!first->nxt_ofs) {
        struct ip_header *ip = ALIGNED_CAST(struct ip_header *, data + l3_ofs);

        ip->ip_tot_len = htons(first->unfrag_len + d->total);
        ip->ip_frag_off &= htons(IP_DONT_FRAGMENT);
        ip->ip_csum = 0;
        ip->ip_csum = csum(ip, first->unfrag_len);
    } else {
        struct ovs_16aligned_ip6_hdr *ip6 = (void *) (data + l3_ofs);
        const struct ovs_16aligned_ip6_frag *fh
            = (const void *) (first_data + first->payload_ofs - 8);

        data[first->nxt_ofs] = fh->ip6f_nxt;
        ip6->ip6_plen = htons(first->unfrag_len - IPV6_HEADER_LEN
                              + d->total);
    }
    return p;
}

/* Returns the length of the L4 header of the datagram 'p' with headers
 * 'flow', that its first fragment must hold (RFC 1858, RFC 7112), or 0 if
 * 'p' is too short for it. */
static size_t
l4_header_end(const struct dp_packet *p, const struct flow *flow)
{
    size_t l4_size = dp_packet_l4_size(p);
    size_t need;

    if (!dp_packet_l4(p)) {
        return 0;
    }
    switch (flow->nw_proto) {
    case IPPROTO_TCP:
        need = TCP_HEADER_LEN;
        if (l4_size >= TCP_HEADER_LEN) {
            const struct tcp_header *tcp = dp_packet_l4(p);

            need = MAX(need, TCP_OFFSET(tcp->tcp_ctl) * 4);
        }
        break;
    case IPPROTO_UDP:
        need = UDP_HEADER_LEN;
        break;
    case IPPROTO_SCTP:
        need = SCTP_HEADER_LEN;
        break;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        need = ICMP_HEADER_LEN;
        break;
    default:
        need = 1;               /* Whatever the protocol, some of it. */
        break;
    }
    if (l4_size < need) {
        return 0;
    }
    return ((const uint8_t *) dp_packet_l4(p)
            - (const uint8_t *) dp_packet_data(p)) + need;
}

/* Appends to 'out' the actions of 'in' that apply to a later fragment:
 * all but the L4 rewrites (a later fragment has no L4 header). */
static void
later_fragment_actions(const struct ofpbuf *in, struct ofpbuf *out)
{
    const struct nlattr *a;
    size_t left;

    NL_ATTR_FOR_EACH (a, left, in->data, in->size) {
        int type = nl_attr_type(a);

        if (type == OVS_ACTION_ATTR_SET
            || type == OVS_ACTION_ATTR_SET_MASKED) {
            int key = nl_attr_type(nl_attr_get(a));

            if (key == OVS_KEY_ATTR_TCP || key == OVS_KEY_ATTR_UDP
                || key == OVS_KEY_ATTR_SCTP || key == OVS_KEY_ATTR_ICMP
                || key == OVS_KEY_ATTR_ICMPV6 || key == OVS_KEY_ATTR_ND
                || key == OVS_KEY_ATTR_TCP_FLAGS) {
                continue;
            }
        }
        ofpbuf_put(out, a, NLA_ALIGN(a->nla_len));
    }
}

static bool
has_tunnel_pop(const struct ofpbuf *actions)
{
    const struct nlattr *a;
    size_t left;

    NL_ATTR_FOR_EACH (a, left, actions->data, actions->size) {
        if (nl_attr_type(a) == OVS_ACTION_ATTR_TUNNEL_POP) {
            return true;
        }
    }
    return false;
}

/* Executes 'o' in 'backer''s datapath and frees it. */
static void
frag_out_send(struct vfp_backer *backer, struct frag_out *o)
{
    struct dpif_execute execute = {
        .actions = o->actions.data,
        .actions_len = o->actions.size,
        .packet = o->packet,
        .flow = &o->flow,
    };
    int error = dpif_execute(backer->dpif, &execute);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: cannot send a fragment (%s)",
                     backer->type, ovs_strerror(error));
    }
    frag_out_free(o);
}

/* Sends 'packet', with 'actions' (consumed), through the datapath: at once
 * on the kernel datapath, from the main thread on the userspace one.
 * Takes ownership of 'packet'. */
static void
send_packet(struct vfp_backer *backer, struct dp_packet *packet,
            struct ofpbuf *actions, bool later)
    OVS_EXCLUDED(backer->frags->mutex)
{
    struct vfp_frags *frags = backer->frags;
    struct frag_out *o = xmalloc(sizeof *o);

    o->packet = packet;
    o->actions = *actions;
    flow_extract(packet, &o->flow);
    if (later && o->flow.dl_type == htons(ETH_TYPE_IP)) {
        /* The userspace datapath's set(ipv4) fixes the L4 checksum at the
         * L4 offset even of a later fragment, which has payload there. */
        packet->l4_ofs = UINT16_MAX;
    }

    if (!frags->userspace) {
        frag_out_send(backer, o);
        return;
    }
    ovs_mutex_lock(&frags->mutex);
    ovs_list_push_back(&frags->out, &o->node);
    ovs_mutex_unlock(&frags->mutex);
    seq_change(frags->seq);
}

/* Runs the complete datagram 'd' (removed from the table) through VFP and
 * sends its fragments as the verdict says.  Frees 'd'. */
static void
datagram_complete(struct vfp_backer *backer, struct datagram *d)
    OVS_EXCLUDED(backer->frags->mutex)
{
    struct vfp_frags *frags = backer->frags;

    qsort(d->frags, d->n, sizeof d->frags[0], compare_frags);

    struct dp_packet *whole = reassemble(d);
    struct flow flow;
    flow_extract(whole, &flow);

    /* RFC 1858: the first fragment holds the whole L4 header, or a later
     * one could supply (or overwrite) what the layers judged. */
    size_t need = l4_header_end(whole, &flow);
    const struct frag *first = &d->frags[0];
    if (flow.nw_frag || !need
        || need > first->payload_ofs + first->len - (first->nxt_ofs ? 8 : 0)) {
        ovs_mutex_lock(&frags->mutex);
        frags->n_tiny += d->n;
        ovs_mutex_unlock(&frags->mutex);
        goto out;
    }

    const struct vfp_fwd *fwd = vfp_backer_fwd(backer);
    const struct vfp_fwd_port *port = vfp_fwd_find_port(
        fwd, flow.in_port.odp_port);
    if (!port) {
        atomic_count_inc64(&backer->n_upcall_drops);
        goto out;
    }

    uint64_t stub[512 / 8];
    struct ofpbuf actions = OFPBUF_STUB_INITIALIZER(stub);
    struct vfp_uf_info info;
    vfp_xlate_compile(fwd, port, &flow, whole, false, &actions, &info, NULL,
                      NULL);

    /* The counters count the fragments, as they would the packets of an
     * unfragmented datagram. */
    for (size_t i = 0; i < d->n; i++) {
        size_t size = dp_packet_size(d->frags[i].packet);

        for (size_t j = 0; j < info.n_counters; j++) {
            vfp_counter_add(info.counters[j], 1, size);
        }
        for (size_t j = 0; j < info.proc.n_counters; j++) {
            vfp_counter_add(info.proc.counters[j], 1, size);
        }
    }
    vfp_uf_info_destroy(&info);

    if (!actions.size) {
        /* Dropped by the layers, or no destination. */
    } else if (has_tunnel_pop(&actions)) {
        /* Tunnel traffic for the userspace datapath to decapsulate: the
         * inner packet is in the datagram, not in any one fragment. */
        struct ofpbuf copy;

        ofpbuf_init(&copy, actions.size);
        ofpbuf_put(&copy, actions.data, actions.size);
        send_packet(backer, whole, &copy, false);
        whole = NULL;
    } else {
        for (size_t i = 0; i < d->n; i++) {
            struct ofpbuf copy;

            ofpbuf_init(&copy, actions.size);
            if (i) {
                later_fragment_actions(&actions, &copy);
            } else {
                ofpbuf_put(&copy, actions.data, actions.size);
            }
            send_packet(backer, d->frags[i].packet, &copy, i > 0);
            d->frags[i].packet = NULL;
        }
        d->n = 0;
    }
    ofpbuf_uninit(&actions);

    /* Counted once its fragments are on their way. */
    ovs_mutex_lock(&frags->mutex);
    frags->n_reassembled++;
    ovs_mutex_unlock(&frags->mutex);

out:
    dp_packet_delete(whole);
    for (size_t i = 0; i < d->n; i++) {
        dp_packet_delete(d->frags[i].packet);
    }
    free(d);
}

/* The datapath missed on 'packet', with headers 'flow', a fragment
 * (flow->nw_frag): holds a copy of it until its datagram is complete. */
void
vfp_frags_receive(struct vfp_backer *backer, const struct dp_packet *packet,
                  const struct flow *flow)
    OVS_EXCLUDED(backer->frags->mutex)
{
    struct vfp_frags *frags = backer->frags;
    struct datagram_key key;
    struct frag f;
    uint32_t id;

    memset(&key, 0, sizeof key);
    bool ok = parse_frag(packet, flow, &f, &id);

    ovs_mutex_lock(&frags->mutex);
    long long int now = time_msec();
    expire(frags, now);
    if (!ok || !f.len) {
        frags->n_invalid++;
        goto out;
    }

    key.in_port = flow->in_port.odp_port;
    key.recirc_id = flow->recirc_id;
    memcpy(key.vlans, flow->vlans, sizeof key.vlans);
    key.tun_id = flow->tunnel.tun_id;
    key.tun_src = flow->tunnel.ip_src;
    key.tun_dst = flow->tunnel.ip_dst;
    key.dl_type = flow->dl_type;
    key.id = id;
    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        key.nw_proto = flow->nw_proto;
        in6_addr_set_mapped_ipv4(&key.src, flow->nw_src);
        in6_addr_set_mapped_ipv4(&key.dst, flow->nw_dst);
    } else {
        key.src = flow->ipv6_src;
        key.dst = flow->ipv6_dst;
    }
    uint32_t hash = hash_bytes(&key, sizeof key, 0);

    struct datagram *d = NULL, *iter;
    HMAP_FOR_EACH_WITH_HASH (iter, node, hash, &frags->datagrams) {
        if (!memcmp(&iter->key, &key, sizeof key)) {
            d = iter;
            break;
        }
    }

    /* What a copy costs, its metadata included. */
    size_t size = dp_packet_size(packet) + sizeof(struct dp_packet);
    if (!d) {
        if (hmap_count(&frags->datagrams) >= VFP_FRAG_MAX_DATAGRAMS
            || frags->n_bytes + size > VFP_FRAG_MAX_BYTES) {
            frags->n_limit++;
            VLOG_WARN_RL(&rl, "%s: %"PRIuSIZE" incomplete datagrams, "
                         "%"PRIuSIZE" bytes of fragments: dropping a "
                         "fragment", backer->type,
                         hmap_count(&frags->datagrams), frags->n_bytes);
            goto out;
        }
        d = xmalloc(sizeof *d);
        d->key = key;
        d->expires = now + VFP_FRAG_TIMEOUT;
        d->n = 0;
        d->total = UINT32_MAX;
        d->have = 0;
        d->bytes = 0;
        hmap_insert(&frags->datagrams, &d->node, hash);
        ovs_list_push_back(&frags->by_age, &d->age_node);
    }

    /* Bounded: a datagram is at most 65535 bytes, its IP header included
     * (IPv6: its payload). */
    uint32_t end = f.offset + f.len;
    bool last = frag_is_last(packet, &f);
    size_t max_len = (flow->dl_type == htons(ETH_TYPE_IP)
                      ? 65535 - f.unfrag_len
                      : 65535 - (f.unfrag_len - IPV6_HEADER_LEN));
    if (end > max_len
        || (last && d->total != UINT32_MAX && end != d->total)
        || (!last && d->total != UINT32_MAX && end > d->total)) {
        frags->n_invalid++;
        datagram_drop(frags, d, &frags->n_invalid);
        goto out;
    }
    for (size_t i = 0; i < d->n; i++) {
        const struct frag *g = &d->frags[i];

        if (f.offset < g->offset + g->len && g->offset < end) {
            /* RFC 3128 (and RFC 5722 for IPv6): an overlap may rewrite
             * what was judged. */
            frags->n_overlap++;
            datagram_drop(frags, d, &frags->n_overlap);
            goto out;
        }
        if (last && g->offset + g->len > end) {
            frags->n_invalid++;
            datagram_drop(frags, d, &frags->n_invalid);
            goto out;
        }
    }
    if (d->n >= VFP_FRAG_MAX_FRAGS
        || frags->n_bytes + size > VFP_FRAG_MAX_BYTES) {
        frags->n_limit++;
        datagram_drop(frags, d, &frags->n_limit);
        goto out;
    }

    f.packet = dp_packet_clone(packet);
    pkt_metadata_from_flow(&f.packet->md, flow);
    d->frags[d->n++] = f;
    d->have += f.len;
    d->bytes += size;
    frags->n_held++;
    frags->n_bytes += size;
    if (last) {
        d->total = end;
    }
    if (d->have == d->total) {
        /* No overlap, and as many bytes as the datagram: complete. */
        hmap_remove(&frags->datagrams, &d->node);
        ovs_list_remove(&d->age_node);
        frags->n_held -= d->n;
        frags->n_bytes -= d->bytes;
        ovs_mutex_unlock(&frags->mutex);
        datagram_complete(backer, d);
        return;
    }

out:
    ovs_mutex_unlock(&frags->mutex);
}

/* Main thread: expires incomplete datagrams and, on the userspace
 * datapath, sends the fragments of finished ones. */
void
vfp_frags_run(struct vfp_backer *backer)
    OVS_EXCLUDED(backer->frags->mutex)
{
    struct vfp_frags *frags = backer->frags;
    struct ovs_list out;

    frags->last_seq = seq_read(frags->seq);
    ovs_mutex_lock(&frags->mutex);
    expire(frags, time_msec());
    ovs_list_move(&out, &frags->out);
    ovs_list_init(&frags->out);
    ovs_mutex_unlock(&frags->mutex);

    struct frag_out *o;
    LIST_FOR_EACH_POP (o, node, &out) {
        frag_out_send(backer, o);
    }
}

void
vfp_frags_wait(struct vfp_backer *backer)
    OVS_EXCLUDED(backer->frags->mutex)
{
    struct vfp_frags *frags = backer->frags;

    seq_wait(frags->seq, frags->last_seq);
    ovs_mutex_lock(&frags->mutex);
    if (!ovs_list_is_empty(&frags->by_age)) {
        const struct datagram *d = CONTAINER_OF(ovs_list_front(&frags->by_age),
                                                struct datagram, age_node);
        poll_timer_wait_until(d->expires);
    }
    ovs_mutex_unlock(&frags->mutex);
}

/* Returns the fragment counters, as a JSON object. */
struct json *
vfp_frags_to_json(struct vfp_frags *frags)
    OVS_EXCLUDED(frags->mutex)
{
    struct json *json = json_object_create();

    ovs_mutex_lock(&frags->mutex);
    json_object_put(json, "held", json_integer_create(frags->n_held));
    json_object_put(json, "held_bytes", json_integer_create(frags->n_bytes));
    json_object_put(json, "reassembled",
                    json_integer_create(frags->n_reassembled));
    json_object_put(json, "tiny", json_integer_create(frags->n_tiny));
    json_object_put(json, "overlap", json_integer_create(frags->n_overlap));
    json_object_put(json, "invalid", json_integer_create(frags->n_invalid));
    json_object_put(json, "expired", json_integer_create(frags->n_expired));
    json_object_put(json, "limit", json_integer_create(frags->n_limit));
    ovs_mutex_unlock(&frags->mutex);
    return json;
}
