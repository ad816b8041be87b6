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
#include "ofproto-vfp/policy-commit.h"

#include "netdev.h"
#include "ofproto-vfp/ofproto-vfp.h"
#include "ofproto-vfp/revalidator.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "vfp/group.h"
#include "vfp/layer.h"
#include "vfp/policy.h"
#include "vfp/port.h"
#include "vfp/rule.h"

VLOG_DEFINE_THIS_MODULE(vfp_policy);

/* Makes a change to 'port''s policy or resources take effect (see the top
 * of the file): when this returns, no handler uses the old policy and no
 * UF made under it is left. */
void
vfp_policy_commit(struct vfp_ofport *port)
{
    vfp_port_changed(port->vfp_port);
    ovsrcu_synchronize();
    vfp_revalidate_port(ofproto_vfp_cast(port->up.ofproto)->backer,
                        port->odp_port);
}

/* Makes a change to 'port''s policy take effect, then destroys what the
 * change removed (any of which may be null). */
void
vfp_policy_changed(struct vfp_ofport *port, struct vfp_layer *dead_layer,
                   struct vfp_group *dead_group, struct vfp_rule *dead_rule)
{
    /* Revalidate before destroying: the last statistics of the UFs that go
     * are credited to the counters of what they went through. */
    vfp_policy_commit(port);
    vfp_port_destroy_layer(port->vfp_port, dead_layer);
    vfp_group_destroy(dead_group);
    vfp_rule_destroy(dead_rule);
    VLOG_DBG("%s: policy generation %"PRIu64,
             netdev_get_name(port->up.netdev),
             vfp_port_generation(port->vfp_port));
}

/* Replaces the rules of group 'old' of 'layer' of 'port' by those in
 * 'text' (vfp_policy_build_group()), atomically: handlers see either the
 * old rules or the new ones, and an error changes nothing. */
char *
vfp_policy_replace_group(struct vfp_ofport *port, struct vfp_layer *layer,
                         struct vfp_group *old, const char *text)
{
    struct vfp_group *new;
    char *error = vfp_policy_build_group(port->vfp_port, old, text, &new);

    if (!error) {
        vfp_layer_replace_group(layer, new);
        vfp_policy_changed(port, NULL, old, NULL);
    }
    return error;
}

/* Replaces the whole policy of 'port' (layers, resources, count(NAME)
 * counters) by that of 'staging', a port no handler sees, which this
 * destroys.  A packet sees the old policy or the new one
 * (vfp_port_replace_policy()); the UFs made under the old one go, as for
 * any change; the port's connections lose the layer flows of the old
 * layers. */
void
vfp_policy_replace(struct vfp_ofport *port, struct vfp_port *staging)
{
    vfp_port_replace_policy(port->vfp_port, staging);
    vfp_policy_commit(port);
    vfp_port_destroy_replaced(port->vfp_port, staging);
    VLOG_DBG("%s: policy replaced, generation %"PRIu64,
             netdev_get_name(port->up.netdev),
             vfp_port_generation(port->vfp_port));
}
