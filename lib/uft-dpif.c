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
#include "lib/uft-dpif.h"

#include <errno.h>

#include "coverage.h"
#include "dp-packet.h"
#include "dpif-netdev.h"
#include "dpif-netdev-flow-cache.h"
#include "dpif.h"
#include "lib/uft-decap.h"
#include "lib/uft-offload.h"
#include "lib/uft.h"
#include "netlink.h"
#include "odp-util.h"
#include "odp-netlink.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(uft_dpif);

COVERAGE_DEFINE(uft_declined_shape);
COVERAGE_DEFINE(uft_declined_actions);
COVERAGE_DEFINE(uft_declined_full);
COVERAGE_DEFINE(uft_declined_packet);
COVERAGE_DEFINE(uft_pop_flow);

struct uft_dpif {
    struct dpif *dpif;
    struct uft *uft;
    struct uft_offload *offload;

    /* VXLAN and GRE tunnel ports (ODPP_NONE: a free slot), written by the
     * main thread, read by every lookup.  A lookup that sees a port one
     * update late pops a packet in two passes, or, for a port that stopped
     * being of its kind, decides as the pop of that kind would while the
     * pop flows of that port wait for their revalidation (each kind's pop
     * checks its own protocol, so a packet of the other kind takes two
     * passes). */
    atomic_uint32_t vxlan_ports[UFT_DPIF_MAX_TUNNEL_PORTS];
    atomic_uint32_t gre_ports[UFT_DPIF_MAX_TUNNEL_PORTS];

    /* The ports that tunnel pop entries match (ODPP_NONE: a free slot),
     * each added before its first pop entry is inserted and kept: what
     * they receive is looked up as a pop first, the rest never is. */
    struct ovs_mutex mutex;
    atomic_uint32_t pop_ports[UFT_DPIF_MAX_TUNNEL_PORTS];
};

/* Whether 'port' is in 'ports', 'n' slots. */
static bool
port_in(const atomic_uint32_t *ports_, size_t n, odp_port_t port)
{
    atomic_uint32_t *ports = CONST_CAST(atomic_uint32_t *, ports_);

    for (size_t i = 0; i < n; i++) {
        uint32_t p;

        atomic_read_relaxed(&ports[i], &p);
        if (p == odp_to_u32(port)) {
            return true;
        }
    }
    return false;
}

/* Adds 'port' to the pop ports of 'ud'.  Returns false if there is no room
 * left: the pop flow then stays dpif-netdev's. */
static bool
add_pop_port(struct uft_dpif *ud, odp_port_t port)
{
    if (port_in(ud->pop_ports, ARRAY_SIZE(ud->pop_ports), port)) {
        return true;
    }

    ovs_mutex_lock(&ud->mutex);
    bool ok = port_in(ud->pop_ports, ARRAY_SIZE(ud->pop_ports), port);
    for (size_t i = 0; !ok && i < ARRAY_SIZE(ud->pop_ports); i++) {
        uint32_t p;

        atomic_read_relaxed(&ud->pop_ports[i], &p);
        if (p == odp_to_u32(ODPP_NONE)) {
            atomic_store_explicit(&ud->pop_ports[i], odp_to_u32(port),
                                  memory_order_release);
            ok = true;
        }
    }
    ovs_mutex_unlock(&ud->mutex);
    return ok;
}

/* Pops 'packet', received on 'in_port', in the lookup's pass, if
 * 'tnl_port' is one of the tunnel ports that the lookup pops for. */
static bool
decap(const struct uft_dpif *ud, struct dp_packet *packet, odp_port_t in_port,
      odp_port_t tnl_port, struct uft_decap_state *state)
{
    if (tnl_port == ODPP_NONE) {
        return false;
    } else if (port_in(ud->vxlan_ports, ARRAY_SIZE(ud->vxlan_ports),
                       tnl_port)) {
        return uft_decap_vxlan(packet, in_port, tnl_port, state);
    } else if (port_in(ud->gre_ports, ARRAY_SIZE(ud->gre_ports), tnl_port)) {
        return uft_decap_gre(packet, in_port, tnl_port, state);
    }
    return false;
}

static void
set_ports(atomic_uint32_t slots[], size_t n_slots, const odp_port_t ports[],
          size_t n)
{
    for (size_t i = 0; i < n_slots; i++) {
        atomic_store_relaxed(&slots[i],
                             odp_to_u32(i < n ? ports[i] : ODPP_NONE));
    }
}

/* Makes the 'n_vxlan' ports 'vxlan' and the 'n_gre' ports 'gre' the VXLAN
 * and GRE ports of 'ud''s datapath whose packets the lookup pops itself
 * (at most UFT_DPIF_MAX_TUNNEL_PORTS of each kind; the others take two
 * passes). */
void
uft_dpif_set_tunnel_ports(struct uft_dpif *ud,
                          const odp_port_t vxlan[], size_t n_vxlan,
                          const odp_port_t gre[], size_t n_gre)
{
    if (ud) {
        set_ports(ud->vxlan_ports, ARRAY_SIZE(ud->vxlan_ports),
                  vxlan, n_vxlan);
        set_ports(ud->gre_ports, ARRAY_SIZE(ud->gre_ports), gre, n_gre);
    }
}

/* Whether the fast path may execute 'actions': dpif-netdev executes a
 * cached flow's actions with no "struct flow", which conntrack, userspace
 * and sampling actions need.  Others (recirculation, hashing, clone,
 * truncation) are left to dpif-netdev's own flows, which handle them. */
static bool
actions_supported(const struct nlattr *actions, size_t actions_len)
{
    const struct nlattr *a;
    unsigned int left;

    NL_ATTR_FOR_EACH (a, left, actions, actions_len) {
        uint16_t type = nl_attr_type(a);

        if (type != OVS_ACTION_ATTR_OUTPUT
            && type != OVS_ACTION_ATTR_SET
            && type != OVS_ACTION_ATTR_SET_MASKED
            && type != OVS_ACTION_ATTR_PUSH_VLAN
            && type != OVS_ACTION_ATTR_POP_VLAN
            && type != OVS_ACTION_ATTR_PUSH_ETH
            && type != OVS_ACTION_ATTR_POP_ETH
            && type != OVS_ACTION_ATTR_TUNNEL_PUSH
            && type != OVS_ACTION_ATTR_TUNNEL_POP
            && type != OVS_ACTION_ATTR_METER
            && type != OVS_ACTION_ATTR_DROP) {
            return false;
        }
    }
    return !left;
}

/* Whether 'actions' are one tunnel pop and nothing else. */
static bool
is_tunnel_pop(const struct nlattr *actions, size_t actions_len)
{
    return (actions_len == NL_A_U32_SIZE
            && nl_attr_type(actions) == OVS_ACTION_ATTR_TUNNEL_POP
            && nl_attr_get_size(actions) == sizeof(uint32_t));
}

static void
stats_from_uft(const struct uft_stats *u, struct dpif_flow_stats *stats)
{
    if (stats) {
        stats->n_packets = u->n_packets;
        stats->n_bytes = u->n_bytes;
        stats->used = u->used;
        stats->tcp_flags = u->tcp_flags;
    }
}

static void
flow_from_dump_entry(const struct uft_dump_entry *d, bool terse,
                     struct dp_flow_cache_flow *flow)
{
    if (!terse) {
        uft_key_to_match(&d->key, &flow->match);
    }
    flow->ufid = d->ufid;
    flow->pmd_id = d->pmd_id;
    stats_from_uft(&d->stats, &flow->stats);
    flow->actions = d->actions;
    flow->actions_len = d->actions_len;
}

/* The tunnel port that the pop flow's entry 'e' pops to, or ODPP_NONE if
 * its actions are not one tunnel pop. */
static odp_port_t
pop_entry_port(const struct uft_entry *e, const struct nlattr **actions,
               size_t *actions_len)
{
    *actions = uft_entry_actions(e, actions_len);
    return (is_tunnel_pop(*actions, *actions_len)
            ? nl_attr_get_odp_port(*actions)
            : ODPP_NONE);
}

/* Puts back what decap() popped off 'packet', received on 'in_port', and
 * its layer offsets, which the pop parser set before: the packet is then as
 * it arrived, for the pop flow's own action. */
static void
undo_decap(struct dp_packet *packet, odp_port_t in_port,
           const struct uft_decap_state *state)
{
    struct uft_key outer;

    uft_decap_undo(packet, state);
    ovs_assert(uft_key_pop_from_packet(packet, in_port, &outer));
}

/* The first step of uft_dpif_input() for packets received on 'in_port', a
 * port that pop entries match: those of 'packets' that are for a tunnel
 * pop flow in the table.  Each one that uft-decap.h pops and whose
 * inner packet has an entry hits that entry, in this one pass; the others
 * hit the pop flow, whose action pops them and recirculates, as
 * dpif-netdev's own pop flow would.  Returns the number of packets given
 * a flow, and sets 'parsed[j]' for each packet j that finds a pop flow. */
static uint32_t
input_pop(struct uft_dpif *ud, struct dp_packet_batch *packets,
          odp_port_t in_port, long long int now,
          struct dp_flow_cache_hit hits[], bool parsed[])
{
    struct uft_key keys[NETDEV_MAX_BURST];
    struct uft_entry *entries[NETDEV_MAX_BURST];
    uint16_t tcp_flags[NETDEV_MAX_BURST];
    uint8_t index[NETDEV_MAX_BURST];
    struct dp_packet *packet;
    uint32_t n_single = 0, n_two = 0;
    size_t n = 0;

    DP_PACKET_BATCH_FOR_EACH (j, packet, packets) {
        if (!hits[j].flow
            && uft_key_pop_from_packet(packet, in_port, &keys[n])) {
            index[n++] = j;
        }
    }
    if (!n) {
        return 0;
    }
    uft_lookup_batch(ud->uft, keys, n, entries);

    /* Pops what the fast path can, and makes the inner keys.  A pop entry
     * is hit by every PMD that the uplink's queues feed: its statistics
     * are written once per run of packets, not once per packet. */
    struct uft_decap_state states[NETDEV_MAX_BURST];
    struct uft_entry *pops[NETDEV_MAX_BURST];
    uint8_t inner[NETDEV_MAX_BURST];
    size_t n_inner = 0;
    struct uft_entry *run = NULL;
    uint32_t run_packets = 0, run_bytes = 0;
    for (size_t i = 0; i < n; i++) {
        struct uft_entry *e = entries[i];
        struct dp_flow_cache_hit *hit = &hits[index[i]];

        if (!e) {
            continue;
        }
        packet = packets->packets[index[i]];
        parsed[index[i]] = true;
        if (e != run) {
            if (run) {
                uft_entry_account(run, run_packets, run_bytes, 0, now);
            }
            run = e;
            run_packets = run_bytes = 0;
        }
        run_packets++;
        run_bytes += dp_packet_size(packet);
        hit->flow = e;
        odp_port_t tnl_port = pop_entry_port(e, &hit->actions,
                                             &hit->actions_len);
        if (decap(ud, packet, in_port, tnl_port, &states[n_inner])) {
            if (uft_key_from_packet(packet, ODPP_NONE, &keys[n_inner],
                                    &tcp_flags[n_inner])) {
                pops[n_inner] = e;
                inner[n_inner++] = index[i];
                continue;
            }
            undo_decap(packet, in_port, &states[n_inner]);
        }
        n_two++;
    }
    if (run) {
        uft_entry_account(run, run_packets, run_bytes, 0, now);
    }

    uft_lookup_batch(ud->uft, keys, n_inner, entries);
    for (size_t i = 0; i < n_inner; i++) {
        struct uft_entry *e = entries[i];
        struct dp_flow_cache_hit *hit = &hits[inner[i]];

        packet = packets->packets[inner[i]];
        if (e) {
            hit->flow = e;
            hit->actions = uft_entry_actions(e, &hit->actions_len);
            hit->md_set = true;
            uft_entry_account(e, 1, dp_packet_size(packet), tcp_flags[i],
                              now);
            n_single++;
        } else {
            /* The pop flow's own action pops it again and recirculates:
             * its inner flow comes from the slow path. */
            undo_decap(packet, in_port, &states[i]);
            hit->actions = uft_entry_actions(pops[i], &hit->actions_len);
            n_two++;
        }
    }
    uft_count_decap(ud->uft, n_single, n_two);
    return n_single + n_two;
}

static void
uft_dpif_input(void *ud_, unsigned pmd_id OVS_UNUSED,
               struct dp_packet_batch *packets, odp_port_t in_port,
               long long int now, struct dp_flow_cache_hit hits[])
{
    struct uft_dpif *ud = ud_;
    struct uft_key keys[NETDEV_MAX_BURST];
    struct uft_entry *entries[NETDEV_MAX_BURST];
    uint16_t tcp_flags[NETDEV_MAX_BURST];
    uint8_t index[NETDEV_MAX_BURST];
    bool parsed[NETDEV_MAX_BURST];
    struct dp_packet *packet;
    size_t n_keys = 0;
    uint32_t n_hits = 0;
    uint32_t n_mark_hits = 0, n_mark_misses = 0;

    /* What a port of pop flows receives is mostly for the tunnel endpoint
     * (it would miss below: outer headers are no UF's): a pop first.  A
     * packet that finds a pop flow has no UF of its own, because the slow
     * path pops every packet that a pop flow matches. */
    bool pop_first = (in_port != ODPP_NONE
                      && port_in(ud->pop_ports, ARRAY_SIZE(ud->pop_ports),
                                 in_port));
    DP_PACKET_BATCH_FOR_EACH (j, packet, packets) {
        hits[j].flow = NULL;
        hits[j].md_set = false;
        parsed[j] = false;
    }
    if (pop_first) {
        n_hits = input_pop(ud, packets, in_port, now, hits, parsed);
    }

    DP_PACKET_BATCH_FOR_EACH (j, packet, packets) {
        if (j + 1 < dp_packet_batch_size(packets)) {
            OVS_PREFETCH(dp_packet_data(packets->packets[j + 1]));
        }
        if (!hits[j].flow
            && uft_key_from_packet(packet, in_port, &keys[n_keys],
                                   &tcp_flags[n_keys])) {
            uint32_t mark, position;

            parsed[j] = true;
            if (in_port != ODPP_NONE
                && dp_packet_has_flow_mark(packet, &mark)
                && uft_offload_mark_position(ud->offload, mark, &position)) {
                /* Marked by the netdev: its entry, if the mark is right. */
                struct uft_entry *e = uft_lookup_position(ud->uft, position,
                                                          &keys[n_keys]);
                if (e) {
                    hits[j].flow = e;
                    hits[j].actions = uft_entry_actions(
                        e, &hits[j].actions_len);
                    uft_entry_account(e, 1, dp_packet_size(packet),
                                      tcp_flags[n_keys], now);
                    n_hits++;
                    n_mark_hits++;
                    continue;
                }
                n_mark_misses++;
            }
            index[n_keys++] = j;
        }
    }
    if (n_mark_hits || n_mark_misses) {
        uft_offload_count_marks(ud->offload, n_mark_hits, n_mark_misses);
    }

    if (n_keys) {
        uft_lookup_batch(ud->uft, keys, n_keys, entries);
    }
    for (size_t i = 0; i < n_keys; i++) {
        struct uft_entry *e = entries[i];

        if (e) {
            struct dp_flow_cache_hit *hit = &hits[index[i]];

            hit->flow = e;
            hit->actions = uft_entry_actions(e, &hit->actions_len);
            uft_entry_account(e, 1,
                              dp_packet_size(packets->packets[index[i]]),
                              tcp_flags[i], now);
            n_hits++;
        }
    }

    /* A packet that the parser refuses is "unparsed" unless it found a pop
     * flow; one that it reads but that finds no entry, a miss. */
    uint32_t n_parsed = 0;
    for (size_t j = 0; j < dp_packet_batch_size(packets); j++) {
        n_parsed += parsed[j];
    }
    uft_count_lookups(ud->uft, n_hits, n_parsed - n_hits,
                      dp_packet_batch_size(packets) - n_parsed);
}

/* Whether 'packet', whose metadata is valid, is one that the table's
 * parser reads (uft-key.h).  On a copy: the parser sets offsets and the
 * RSS hash. */
static bool
packet_parses(const struct dp_packet *packet)
{
    struct dp_packet *copy = dp_packet_clone(packet);
    struct uft_key key;
    uint16_t tcp_flags;
    bool ok;

    copy->md = packet->md;
    ok = uft_key_from_packet(copy, ODPP_NONE, &key, &tcp_flags);
    dp_packet_delete(copy);
    return ok;
}

/* Offers the entry with 'ufid', put by thread 'pmd_id', to the netdev of
 * its in_port (uft-offload.h), if hardware offload is on. */
static void
offload(struct uft_dpif *ud, unsigned pmd_id, const ovs_u128 *ufid,
        const struct match *match, const struct nlattr *actions,
        size_t actions_len)
{
    uint32_t position;

    if (uft_offload_enabled(ud->offload)
        && uft_position(ud->uft, ufid, PMD_ID_NULL, &position)) {
        uft_offload_put(ud->offload, ufid, pmd_id, position, match, actions,
                        actions_len);
        /* Another thread that removed the entry since it was found above
         * found no offered flow to delete: this thread deletes it. */
        if (!uft_position(ud->uft, ufid, PMD_ID_NULL, &position)) {
            uft_offload_del(ud->offload, ufid, PMD_ID_NULL);
        }
    }
}

static int
uft_dpif_put(void *ud_, unsigned pmd_id, const struct match *match,
             const ovs_u128 *ufid, const struct nlattr *actions,
             size_t actions_len, enum dpif_flow_put_flags flags,
             const struct dp_packet *packet, struct dpif_flow_stats *stats)
{
    struct uft_dpif *ud = ud_;
    struct uft_key key;
    int error;

    if (flags & DPIF_FP_MODIFY) {
        struct uft_stats u;

        if (!actions_supported(actions, actions_len)) {
            /* Leaves the entry as it was. */
            return EOPNOTSUPP;
        }
        error = uft_modify(ud->uft, ufid, actions, actions_len, &u);
        if (!error) {
            offload(ud, pmd_id, ufid, match, actions, actions_len);
            stats_from_uft(&u, stats);
            /* Statistics belong to the threads that hit the entry, as
             * dpif-netdev's own flows' do. */
            return flags & DPIF_FP_ZERO_STATS ? EOPNOTSUPP : 0;
        }
    }
    if (!(flags & DPIF_FP_CREATE)) {
        return DP_FLOW_CACHE_DECLINED;
    }
    if (is_tunnel_pop(actions, actions_len)) {
        /* A tunnel pop flow: its entry is found by every packet that the
         * classifier would give it (uft_key_pop_from_packet()), so that the
         * lookup can pop them and find their inner flow in one pass.  One
         * that a pop key cannot stand for (an IPv6 underlay, a narrower
         * mask) stays dpif-netdev's: as an exact entry, each new outer
         * header would miss it and go to the slow path. */
        if (!uft_key_pop_from_match(match, &key)) {
            COVERAGE_INC(uft_declined_shape);
            return DP_FLOW_CACHE_DECLINED;
        }
        COVERAGE_INC(uft_pop_flow);
    } else if (!uft_key_from_match(match, &key)) {
        COVERAGE_INC(uft_declined_shape);
        return DP_FLOW_CACHE_DECLINED;
    } else if (packet && !packet_parses(packet)) {
        /* A flow made by a packet that the parser refuses (an IPv4 header
         * that fails its sanity check, whose key is "IPv4, all zero")
         * would never be hit by the packets like it: dpif-netdev keeps it,
         * so that they still hit it as they did before the table. */
        COVERAGE_INC(uft_declined_packet);
        return DP_FLOW_CACHE_DECLINED;
    }
    if (!actions_supported(actions, actions_len)) {
        COVERAGE_INC(uft_declined_actions);
        return DP_FLOW_CACHE_DECLINED;
    }

    if (key.flags & UFT_KEY_POP && !add_pop_port(ud, key.in_port)) {
        COVERAGE_INC(uft_declined_full);
        return DP_FLOW_CACHE_DECLINED;
    }
    error = uft_insert(ud->uft, &key, ufid, pmd_id, actions, actions_len);
    if (error == ENOSPC || error == EFBIG) {
        /* dpif-netdev's own tables take it: the connection keeps its fast
         * path, and the table counts the failure. */
        COVERAGE_INC(uft_declined_full);
        return DP_FLOW_CACHE_DECLINED;
    }
    if (!error) {
        if (!(key.flags & UFT_KEY_POP)) {
            offload(ud, pmd_id, ufid, match, actions, actions_len);
        }
        if (stats) {
            memset(stats, 0, sizeof *stats);
        }
    }
    return error;
}

static int
uft_dpif_del(void *ud_, unsigned pmd_id, const ovs_u128 *ufid,
             struct dpif_flow_stats *stats)
{
    struct uft_dpif *ud = ud_;
    struct uft_stats u;

    if (!uft_remove(ud->uft, ufid, pmd_id, &u)) {
        return ENOENT;
    }
    uft_offload_del(ud->offload, ufid, pmd_id);
    stats_from_uft(&u, stats);
    return 0;
}

static int
uft_dpif_get(void *ud_, unsigned pmd_id, const ovs_u128 *ufid,
             struct dp_flow_cache_flow *flow)
{
    struct uft_dpif *ud = ud_;
    struct uft_dump_entry d;

    if (!uft_get(ud->uft, ufid, pmd_id, &d)) {
        return ENOENT;
    }
    flow_from_dump_entry(&d, false, flow);
    uft_offload_stats(ud->offload, &d.ufid, &flow->stats);
    return 0;
}

struct uft_dpif_dump {
    uint32_t position;
    bool terse;                 /* No match needed (the revalidator's). */
};

static void *
uft_dpif_dump_create(void *ud OVS_UNUSED, bool terse)
{
    struct uft_dpif_dump *dump = xzalloc(sizeof *dump);

    dump->terse = terse;
    return dump;
}

static int
uft_dpif_dump_next(void *ud_, void *dump_,
                   struct dp_flow_cache_flow *flows, int max)
{
    struct uft_dpif *ud = ud_;
    struct uft_dpif_dump *dump = dump_;
    struct uft_dump_entry d[64];
    size_t n;

    n = uft_dump(ud->uft, &dump->position, d, MIN(max, ARRAY_SIZE(d)));
    for (size_t i = 0; i < n; i++) {
        flow_from_dump_entry(&d[i], dump->terse, &flows[i]);
        uft_offload_stats(ud->offload, &d[i].ufid, &flows[i].stats);
    }
    return n;
}

static void
uft_dpif_dump_destroy(void *ud OVS_UNUSED, void *dump)
{
    free(dump);
}

static void
uft_dpif_flush(void *ud_, unsigned pmd_id)
{
    struct uft_dpif *ud = ud_;

    uft_flush(ud->uft, pmd_id);
    uft_offload_flush(ud->offload, pmd_id);
}

static size_t
uft_dpif_n_flows(void *ud_)
{
    struct uft_dpif *ud = ud_;

    return uft_count(ud->uft);
}

static const struct dp_flow_cache_class uft_dpif_class = {
    .name = "uft",
    .input = uft_dpif_input,
    .put = uft_dpif_put,
    .del = uft_dpif_del,
    .get = uft_dpif_get,
    .dump_create = uft_dpif_dump_create,
    .dump_next = uft_dpif_dump_next,
    .dump_destroy = uft_dpif_dump_destroy,
    .flush = uft_dpif_flush,
    .n_flows = uft_dpif_n_flows,
};

/* Gives userspace datapath 'dpif' a UFT of 'capacity' entries, as its flow
 * cache, and stores a handle for it in '*udp'.  Returns 0, or EOPNOTSUPP if
 * 'dpif' is not a userspace datapath, or EBUSY if it has a flow cache
 * already; '*udp' is then NULL. */
int
uft_dpif_attach(struct dpif *dpif, uint32_t capacity, struct uft_dpif **udp)
{
    struct uft_dpif *ud = xmalloc(sizeof *ud);
    int error;

    ud->dpif = dpif;
    ud->uft = uft_create(capacity);
    ud->offload = uft_offload_create(dpif, capacity);
    ovs_mutex_init(&ud->mutex);
    for (size_t i = 0; i < ARRAY_SIZE(ud->vxlan_ports); i++) {
        atomic_init(&ud->vxlan_ports[i], odp_to_u32(ODPP_NONE));
        atomic_init(&ud->gre_ports[i], odp_to_u32(ODPP_NONE));
        atomic_init(&ud->pop_ports[i], odp_to_u32(ODPP_NONE));
    }
    error = dpif_netdev_set_flow_cache(dpif, &uft_dpif_class, ud);
    if (error) {
        uft_offload_stop(ud->offload);
        uft_offload_destroy(ud->offload);
        uft_destroy(ud->uft);
        ovs_mutex_destroy(&ud->mutex);
        free(ud);
        ud = NULL;
    } else {
        VLOG_INFO("%s: unified flow table of %"PRIu32" entries",
                  dpif_name(dpif), capacity);
    }
    *udp = ud;
    return error;
}

static void
uft_dpif_free(struct uft_dpif *ud)
{
    uft_offload_destroy(ud->offload);
    uft_destroy(ud->uft);
    ovs_mutex_destroy(&ud->mutex);
    free(ud);
}

/* Takes 'ud''s table away from its datapath, with its entries: their
 * packets take dpif-netdev's own path (and miss) from now on. */
void
uft_dpif_detach(struct uft_dpif *ud)
{
    if (ud) {
        dpif_netdev_set_flow_cache(ud->dpif, NULL, NULL);
        uft_flush(ud->uft, PMD_ID_NULL);
        /* The offloaded flows leave their netdevs before the datapath
         * goes, which may be next. */
        uft_offload_stop(ud->offload);
        ovsrcu_postpone(uft_dpif_free, ud);
    }
}

const struct uft *
uft_dpif_table(const struct uft_dpif *ud)
{
    return ud->uft;
}

const struct uft_offload *
uft_dpif_offload(const struct uft_dpif *ud)
{
    return ud->offload;
}
