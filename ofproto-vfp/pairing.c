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

/* UF pairing: see pairing.h. */

#include <config.h>
#include "ofproto-vfp/pairing.h"

#include "dpif.h"
#include "flow.h"
#include "odp-util.h"
#include "ofproto-vfp/backer.h"
#include "ofproto-vfp/forwarding.h"
#include "ofproto-vfp/uf.h"
#include "ofproto-vfp/xlate.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "vfp/conn.h"
#include "vfp/ufid.h"

VLOG_DEFINE_THIS_MODULE(vfp_pairing);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

/* Translates 'answer', the answer that 'vm' would send, as a miss would,
 * without a packet and without side effects, and records its UF under
 * 'ufid' in 'backer''s UF table.  Returns 0 if the UF is to be installed
 * in the datapath with 'wc' and 'actions', EEXIST if it exists already,
 * ENOSPC if only a real packet can make its state or the table is full. */
static int
simulate_answer(struct vfp_backer *backer, const struct vfp_fwd *fwd,
                const struct vfp_fwd_port *vm, const struct flow *answer,
                const ovs_u128 *ufid, unsigned pmd_id,
                struct flow_wildcards *wc, struct ofpbuf *actions)
{
    struct vfp_uf_info info;

    vfp_ufid_mask(answer, wc);
    int error = vfp_xlate_uf(fwd, vm, answer, NULL, NULL, true, wc, actions,
                             &info);
    if (!error) {
        error = vfp_backer_add_uf(backer, ufid, pmd_id, vm, &info, true);
    }
    vfp_uf_info_destroy(&info);
    return error;
}

/* If 'info' describes a new inbound UF whose connection has no outbound UF
 * yet, installs the UF of the VM's answer, made from 'fwd'.  'pmd_id' is
 * the PMD thread of both (PMD_ID_NULL for the kernel datapath). */
void
vfp_pair_uf(struct vfp_backer *backer, const struct vfp_fwd *fwd,
            const struct vfp_uf_info *info, unsigned pmd_id)
{
    const struct flow *in = &info->delivered;
    const struct vfp_fwd_port *vm = (info->delivered_port == ODPP_NONE ? NULL
                                     : vfp_fwd_find_port(
                                         fwd, info->delivered_port));

    if (!vm || in->dl_type != htons(ETH_TYPE_IP) || in->nw_frag
        || (in->nw_proto != IPPROTO_TCP && in->nw_proto != IPPROTO_UDP)
        || in->vlans[0].tci & htons(VLAN_CFI)) {
        return;
    }

    bool unpaired = false;
    for (size_t i = 0; i < info->proc.n_conns; i++) {
        const struct vfp_proc_conn *pc = &info->proc.conns[i];

        if (pc->port == vm->vfp_port && pc->dir == VFP_DIR_IN) {
            ovs_u128 out = vfp_conn_get_uf(&pc->port->conns, pc->conn,
                                           VFP_DIR_OUT);
            unpaired = (ovs_u128_is_zero(out)
                        || !vfp_uf_find(&backer->ufs, &out, pmd_id));
        }
    }
    if (!unpaired) {
        return;
    }

    struct flow answer;
    memset(&answer, 0, sizeof answer);
    answer.in_port.odp_port = info->delivered_port;
    answer.packet_type = htonl(PT_ETH);
    answer.dl_src = in->dl_dst;
    answer.dl_dst = in->dl_src;
    answer.dl_type = in->dl_type;
    answer.nw_src = in->nw_dst;
    answer.nw_dst = in->nw_src;
    answer.nw_proto = in->nw_proto;
    answer.nw_ttl = 64;
    answer.tp_src = in->tp_dst;
    answer.tp_dst = in->tp_src;

    uint64_t actions_stub[512 / 8];
    struct ofpbuf actions = OFPBUF_STUB_INITIALIZER(actions_stub);
    struct flow_wildcards wc;
    ovs_u128 ufid;

    odp_flow_key_hash(&answer, sizeof answer, &ufid);
    if (!simulate_answer(backer, fwd, vm, &answer, &ufid, pmd_id, &wc,
                         &actions)) {
        struct odp_flow_key_parms parms = {
            .flow = &answer,
            .mask = &wc.masks,
            .support = {
                .max_vlan_headers = 2,
                .max_mpls_depth = 1,
                .recirc = true,
            },
        };
        struct ofpbuf key, mask;

        ofpbuf_init(&key, 128);
        ofpbuf_init(&mask, 128);
        odp_flow_key_from_flow(&parms, &key);
        parms.key_buf = &key;
        odp_flow_key_from_mask(&parms, &mask);
        int error = dpif_flow_put(backer->dpif, DPIF_FP_CREATE, key.data,
                                  key.size, mask.data, mask.size,
                                  actions.data, actions.size, &ufid,
                                  pmd_id, NULL);
        struct vfp_uf *uf = vfp_uf_find(&backer->ufs, &ufid, pmd_id);

        if (error) {
            VLOG_DBG_RL(&rl, "%s: cannot install the pair of a UF (%s)",
                        backer->type, ovs_strerror(error));
        }
        if (uf) {
            /* Refused, even with EEXIST (a flow no UF records), it goes. */
            vfp_uf_installed(&backer->ufs, uf, !error);
        }
        ofpbuf_uninit(&key);
        ofpbuf_uninit(&mask);
    }
    ofpbuf_uninit(&actions);
}
