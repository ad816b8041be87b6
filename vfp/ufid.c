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
#include "vfp/ufid.h"

#include <string.h>

#include "flow.h"

/* Initializes 'wc' to match exactly the UFID of a packet whose parsed headers
 * are 'flow': every field the packet carries, except the per-packet fields
 * listed in ufid.h. */
void
vfp_ufid_mask(const struct flow *flow, struct flow_wildcards *wc)
{
    /* flow_wildcards_init_for_packet() knows, for each protocol OVS parses,
     * which fields are present; start from it rather than repeat it. */
    flow_wildcards_init_for_packet(wc, flow);

    wc->masks.nw_ttl = 0;
    wc->masks.nw_tos = 0;
    wc->masks.tcp_flags = 0;

    /* Datapath metadata that no VFP condition matches.  recirc_id, in_port
     * and packet_type stay exact: they say which packet this is. */
    wc->masks.skb_priority = 0;
    wc->masks.pkt_mark = 0;
    wc->masks.dp_hash = 0;
    wc->masks.ct_state = 0;
    wc->masks.ct_zone = 0;
    wc->masks.ct_mark = 0;
    wc->masks.ct_label = OVS_U128_ZERO;
    wc->masks.ct_nw_proto = 0;
    wc->masks.ct_tp_src = 0;
    wc->masks.ct_tp_dst = 0;
    memset(&wc->masks.ct_nw_src, 0, sizeof wc->masks.ct_nw_src);
    memset(&wc->masks.ct_nw_dst, 0, sizeof wc->masks.ct_nw_dst);
    memset(&wc->masks.ct_ipv6_src, 0, sizeof wc->masks.ct_ipv6_src);
    memset(&wc->masks.ct_ipv6_dst, 0, sizeof wc->masks.ct_ipv6_dst);
}
