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

/* The backer: one datapath instance per VFP datapath type, shared by every
 * VFP bridge of that type, the list of those bridges, its UF table, and the
 * forwarding snapshot its upcall handlers read.
 *
 * The backer is below the modules that work on it (the provider, upcall.c,
 * revalidator.c, fragments.c): it calls none of them.  The provider starts
 * and stops miss handling and reassembly with the first and last bridge,
 * and revalidates after a forwarding change. */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "dpif-netdev.h"
#include "dpif.h"
#include "hash.h"
#include "netdev.h"
#include "lib/uft-dpif.h"
#include "ofproto-dpif.h"
#include "ofproto-vfp/backer.h"
#include "ofproto-vfp/forwarding.h"
#include "ofproto-vfp/ofproto-vfp.h"
#include "ofproto-vfp/uf.h"
#include "openvswitch/vlog.h"
#include "sset.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(vfp_backer);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

static struct hmap all_vfp_backers = HMAP_INITIALIZER(&all_vfp_backers);

/* Returns the datapath type under VFP type 'vfp_type' ("netdev" for
 * "vfp-netdev"), or NULL if 'vfp_type' is not a VFP type. */
const char *
vfp_dpif_type(const char *vfp_type)
{
    size_t n = strlen(VFP_TYPE_PREFIX);

    return (vfp_type && !strncmp(vfp_type, VFP_TYPE_PREFIX, n) && vfp_type[n]
            ? vfp_type + n : NULL);
}

/* Adds "vfp-T" to 'types' for each registered datapath type T. */
void
vfp_backer_enumerate_types(struct sset *types)
{
    struct sset dp_types = SSET_INITIALIZER(&dp_types);
    const char *type;

    dp_enumerate_types(&dp_types);
    SSET_FOR_EACH (type, &dp_types) {
        sset_add_and_free(types, xasprintf(VFP_TYPE_PREFIX"%s", type));
    }
    sset_destroy(&dp_types);
}

/* Tells ofproto-dpif that the datapaths named after VFP types are ours, so
 * that opening its own backer of the same type does not delete them.  Must
 * run before any bridge exists: from the provider's init(). */
void
vfp_backer_reserve_datapaths(void)
{
    struct sset vfp_types = SSET_INITIALIZER(&vfp_types);
    const char *vfp_type;

    vfp_backer_enumerate_types(&vfp_types);
    SSET_FOR_EACH (vfp_type, &vfp_types) {
        /* The datapath is named after the VFP type. */
        ofproto_dpif_reserve_datapath(vfp_type);
    }
    sset_destroy(&vfp_types);
}

struct vfp_backer *
vfp_backer_find(const char *type)
{
    struct vfp_backer *backer;

    HMAP_FOR_EACH_WITH_HASH (backer, node, hash_string(type, 0),
                             &all_vfp_backers) {
        if (!strcmp(backer->type, type)) {
            return backer;
        }
    }
    return NULL;
}

/* Returns the backer for VFP type 'type', creating its datapath on first
 * use, or NULL if the datapath cannot be opened (logged). */
struct vfp_backer *
vfp_backer_ref(const char *type)
{
    struct vfp_backer *backer = vfp_backer_find(type);
    if (backer) {
        backer->refcount++;
        return backer;
    }

    const char *dpif_type = vfp_dpif_type(type);
    struct dpif *dpif;
    int error = dpif_create_and_open(type, dpif_type, &dpif);
    if (error) {
        VLOG_ERR("failed to open datapath %s of type %s (%s)",
                 type, dpif_type, ovs_strerror(error));
        return NULL;
    }

    backer = xzalloc(sizeof *backer);
    backer->type = xstrdup(type);
    backer->dpif_type = dpif_type;
    backer->dpif = dpif;
    backer->dp_version = dpif_get_dp_version(dpif);
    backer->refcount = 1;
    ovs_list_init(&backer->bridges);
    hmap_init(&backer->odp_to_ofport);
    ovsrcu_set(&backer->fwd, vfp_fwd_create());
    vfp_uf_table_init(&backer->ufs);
    atomic_init(&backer->n_upcalls, 0);
    atomic_init(&backer->n_upcall_drops, 0);
    hmap_insert(&all_vfp_backers, &backer->node, hash_string(type, 0));

    /* A kernel datapath outlives ovs-vswitchd.  Flows left by an earlier run
     * were computed under a policy we no longer know: start clean. */
    dpif_flow_flush(dpif);
    backer->uft_single_pass = true;
    vfp_backer_set_uft_capacity(backer, UFT_DPIF_DEFAULT_CAPACITY);

    VLOG_INFO("%s: using datapath %s", type, dpif_name(dpif));
    return backer;
}

/* Drops a reference to 'backer'.  With the last one, the datapath is
 * deleted if 'del' (the bridges were deleted) and kept otherwise
 * (ovs-vswitchd is exiting: a kernel datapath keeps forwarding).  Miss
 * handling and reassembly must have stopped before the last one. */
void
vfp_backer_unref(struct vfp_backer *backer, bool del)
{
    if (!backer || --backer->refcount) {
        return;
    }

    ovs_assert(!backer->handlers && !backer->frags);
    ovs_assert(ovs_list_is_empty(&backer->bridges));
    hmap_remove(&all_vfp_backers, &backer->node);
    uft_dpif_detach(backer->uft);
    if (del) {
        dpif_delete(backer->dpif);
    }
    dpif_close(backer->dpif);

    /* Upcall handlers are gone, but readers of the snapshot and UF table may
     * still be in flight until the next grace period. */
    ovsrcu_postpone(vfp_fwd_destroy,
                    ovsrcu_get_protected(struct vfp_fwd *, &backer->fwd));
    vfp_uf_table_destroy(&backer->ufs);
    hmap_destroy(&backer->odp_to_ofport);
    free(backer->dp_version);
    free(backer->type);
    free(backer);
}

const struct vfp_fwd *
vfp_backer_fwd(const struct vfp_backer *backer)
{
    return ovsrcu_get(struct vfp_fwd *, &backer->fwd);
}

static void update_uft_tunnels(struct vfp_backer *);
static void update_uft_tunnels__(struct vfp_backer *, odp_port_t gone);

/* Gives 'backer''s userspace datapath a unified flow table of 'capacity'
 * entries (none if 0), replacing the one it has if its capacity differs.
 * The entries of a replaced table go with it: their packets miss and are
 * installed again, in the new one.  Does nothing on a kernel datapath. */
void
vfp_backer_set_uft_capacity(struct vfp_backer *backer, uint32_t capacity)
{
    if (!dpif_is_netdev(backer->dpif) || capacity == backer->uft_capacity) {
        return;
    }
    uft_dpif_detach(backer->uft);
    backer->uft = NULL;
    backer->uft_capacity = 0;
    if (capacity) {
        int error = uft_dpif_attach(backer->dpif, capacity, &backer->uft);

        if (error) {
            VLOG_ERR("%s: no unified flow table (%s)", backer->type,
                     ovs_strerror(error));
        } else {
            backer->uft_capacity = capacity;
            update_uft_tunnels(backer);
        }
    }
}

/* Turns single-pass decapsulation (lib/uft-decap.h) of 'backer''s unified
 * flow table on or off: other_config:vfp-uft-single-pass-decap. */
void
vfp_backer_set_uft_single_pass(struct vfp_backer *backer, bool on)
{
    if (on != backer->uft_single_pass) {
        backer->uft_single_pass = on;
        update_uft_tunnels(backer);
    }
}

/* The most UFs 'backer' records: flow-limit bounds the datapath flows
 * that are not in the UFT, which holds the others. */
static unsigned int
uf_limit(const struct vfp_backer *backer)
{
    return ofproto_flow_limit + backer->uft_capacity;
}

/* Records in 'backer''s UF table the UF that 'info' describes, made by a
 * packet that entered on 'port', with datapath flow id 'ufid' on PMD
 * 'pmd_id'.  Returns 0 if it is recorded, EEXIST if the table has it
 * already (another thread installs it), ENOSPC if the table holds
 * uf_limit() UFs (counted as an upcall drop unless 'simulated'). */
int
vfp_backer_add_uf(struct vfp_backer *backer, const ovs_u128 *ufid,
                  unsigned pmd_id, const struct vfp_fwd_port *port,
                  const struct vfp_uf_info *info, bool simulated)
{
    unsigned int limit = uf_limit(backer);

    if (vfp_uf_count(&backer->ufs) >= limit) {
        VLOG_WARN_RL(&rl, "%s: %u unified flows, the limit (flow-limit and "
                     "the unified flow table's capacity): forwarding "
                     "new connections without installing them",
                     backer->type, limit);
        if (!simulated) {
            atomic_count_inc64(&backer->n_upcall_drops);
        }
        return ENOSPC;
    } else if (!vfp_uf_insert(&backer->ufs, ufid, pmd_id, port->odp_port,
                              port->bridge->generation, info)) {
        return EEXIST;
    }
    return 0;
}

struct vfp_ofport *
vfp_backer_find_ofport(const struct vfp_backer *backer, odp_port_t odp_port)
{
    struct vfp_ofport *port;

    HMAP_FOR_EACH_WITH_HASH (port, odp_node, hash_odp_port(odp_port),
                             &backer->odp_to_ofport) {
        if (port->odp_port == odp_port) {
            return port;
        }
    }
    return NULL;
}

static int
compare_ofports(const void *a_, const void *b_)
{
    const struct vfp_ofport *const *a = a_;
    const struct vfp_ofport *const *b = b_;
    int cmp = strcmp((*a)->up.ofproto->name, (*b)->up.ofproto->name);

    uint16_t pa = ofp_to_u16((*a)->up.ofp_port);
    uint16_t pb = ofp_to_u16((*b)->up.ofp_port);

    return cmp ? cmp : (pa > pb) - (pa < pb);
}

/* Tells 'backer''s unified flow table which tunnel ports of its bridges'
 * endpoints are VXLAN ports and GRE ports, whose packets its lookup pops
 * itself. */
static void
update_uft_tunnels__(struct vfp_backer *backer, odp_port_t gone)
{
    const struct vfp_fwd *fwd = ovsrcu_get_protected(struct vfp_fwd *,
                                                     &backer->fwd);
    odp_port_t vxlan[UFT_DPIF_MAX_TUNNEL_PORTS];
    odp_port_t gre[UFT_DPIF_MAX_TUNNEL_PORTS];
    size_t n_vxlan = 0, n_gre = 0;

    if (!backer->uft || !fwd) {
        return;
    }
    if (!backer->uft_single_pass) {
        uft_dpif_set_tunnel_ports(backer->uft, NULL, 0, NULL, 0);
        return;
    }
    for (size_t i = 0; i < fwd->n_bridges; i++) {
        const struct vfp_fwd_bridge *bridge = fwd->bridges[i];

        if (bridge->tunnel == ODPP_NONE || bridge->tunnel == gone
            || !bridge->tnl_ip) {
            continue;
        }

        const char *type = netdev_get_type(bridge->tunnel_netdev);
        if (!strcmp(type, "vxlan") && n_vxlan < ARRAY_SIZE(vxlan)) {
            vxlan[n_vxlan++] = bridge->tunnel;
        } else if (!strcmp(type, "gre") && n_gre < ARRAY_SIZE(gre)) {
            gre[n_gre++] = bridge->tunnel;
        }
    }
    uft_dpif_set_tunnel_ports(backer->uft, vxlan, n_vxlan, gre, n_gre);
}

static void
update_uft_tunnels(struct vfp_backer *backer)
{
    update_uft_tunnels__(backer, ODPP_NONE);
}

/* Tunnel port 'odp_port' is about to leave 'backer''s datapath: from now
 * on, its packets take the pop flow's own pop, which drops them once the
 * port is gone, until revalidation removes its pop flows. */
void
vfp_backer_uft_tunnel_gone(struct vfp_backer *backer, odp_port_t odp_port)
{
    update_uft_tunnels__(backer, odp_port);
}

static struct vfp_fwd *
build_fwd(const struct vfp_backer *backer)
{
    struct vfp_fwd *fwd = vfp_fwd_create();
    struct ofproto_vfp *ofproto;

    fwd->userspace = dpif_is_netdev(backer->dpif);

    LIST_FOR_EACH (ofproto, backer_node, &backer->bridges) {
        struct vfp_fwd_bridge *bridge = vfp_fwd_add_bridge(
            fwd, ofproto->up.name, ofproto->generation);

        bridge->tnl_ip = ofproto->tnl.ip;
        bridge->tnl_mac = ofproto->tnl.mac;
    }

    /* Sorted, so that floods go out in a stable order. */
    size_t n = hmap_count(&backer->odp_to_ofport);
    struct vfp_ofport **ports = xmalloc(n * sizeof *ports + 1);
    struct vfp_ofport *port;
    size_t i = 0;
    HMAP_FOR_EACH (port, odp_node, &backer->odp_to_ofport) {
        ports[i++] = port;
    }
    qsort(ports, n, sizeof *ports, compare_ofports);

    for (i = 0; i < n; i++) {
        struct vfp_fwd_bridge *bridge = CONST_CAST(
            struct vfp_fwd_bridge *,
            vfp_fwd_find_bridge(fwd, ports[i]->up.ofproto->name));

        vfp_fwd_add_port(fwd, bridge, ports[i]->odp_port, &ports[i]->mac,
                         ports[i]->uplink,
                         ports[i]->tunnel ? ports[i]->up.netdev : NULL,
                         ports[i]->vfp_port);
    }
    free(ports);
    return fwd;
}

/* Makes a forwarding change on 'backer' take effect in the slow path:
 * publishes a new snapshot and waits until no upcall handler can still use
 * the old one.  The caller has bumped the generation of each bridge whose
 * forwarding changed, and then revalidates (vfp_revalidate()), which
 * removes the UFs the old snapshot produced (they have an old generation):
 * after both, no packet is forwarded by the old configuration.  UFs of
 * other bridges stay. */
void
vfp_backer_fwd_changed(struct vfp_backer *backer)
{
    struct vfp_fwd *old = ovsrcu_get_protected(struct vfp_fwd *,
                                               &backer->fwd);
    ovsrcu_set(&backer->fwd, build_fwd(backer));
    update_uft_tunnels(backer);

    /* After this, every UF made from 'old' is in the UF table with an old
     * generation, and the revalidator removes it from the datapath. */
    ovsrcu_synchronize();
    vfp_fwd_destroy(old);
}
