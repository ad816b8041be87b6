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

/* vfp/save and vfp/restore: a port's policy to and from a state file
 * (vfp/snapshot.h). */

#include <config.h>

#include <string.h>

#include "netdev.h"
#include "ofproto-vfp/ofproto-vfp.h"
#include "ofproto-vfp/policy-commit.h"
#include "ofproto-vfp/revalidator.h"
#include "ofproto-vfp/unixctl-util.h"
#include "openvswitch/json.h"
#include "sset.h"
#include "unixctl.h"
#include "util.h"
#include "vfp/parse-util.h"
#include "vfp/port.h"
#include "vfp/snapshot.h"

/* vfp/save [PORT...]: the state document of each PORT, or of every port of
 * every VFP bridge that has a policy, by name. */
static void
save(struct unixctl_conn *conn, int argc, const char *argv[],
     void *aux OVS_UNUSED)
{
    struct sset names = SSET_INITIALIZER(&names);
    char *error = NULL;

    if (argc > 1) {
        for (int i = 1; i < argc && !error; i++) {
            if (!vfp_ofport_find(argv[i], &error)) {
                break;
            }
            sset_add(&names, argv[i]);
        }
    } else {
        struct ofproto_vfp *ofproto;

        HMAP_FOR_EACH (ofproto, all_node, ofproto_vfp_all()) {
            struct ofport *ofport;

            HMAP_FOR_EACH (ofport, hmap_node, &ofproto->up.ports) {
                if (vfp_port_has_policy(vfp_ofport_cast(ofport)->vfp_port)) {
                    sset_add(&names, netdev_get_name(ofport->netdev));
                }
            }
        }
    }
    if (error) {
        sset_destroy(&names);
        vfp_unixctl_reply(conn, error);
        return;
    }

    const char **sorted = sset_sort(&names);
    struct json *ports = json_array_create_empty();
    struct vfp_backer *revalidated = NULL;
    for (size_t i = 0; i < sset_count(&names); i++) {
        struct vfp_ofport *port = vfp_ofport_find(sorted[i], &error);
        struct vfp_backer *backer;

        ovs_assert(port);
        /* As vfp/stats does: the counters with what the datapath counted
         * since the last revalidation. */
        backer = ofproto_vfp_cast(port->up.ofproto)->backer;
        if (backer != revalidated) {
            vfp_revalidate(backer);
            revalidated = backer;
        }
        json_array_add(ports, vfp_snapshot_port_to_json(port->vfp_port));
    }
    free(sorted);
    sset_destroy(&names);
    vfp_unixctl_reply_json(conn, vfp_snapshot_to_json(ports));
}

/* vfp/restore DOCUMENT [PORT...]: replaces the policy of each PORT, or of
 * every port the document has, by the document's.  Everything is checked
 * first (the whole document, and that each port is on a VFP bridge): an
 * error changes nothing. */
static void
restore(struct unixctl_conn *conn, int argc, const char *argv[],
        void *aux OVS_UNUSED)
{
    struct vfp_snapshot snapshot;
    char *error = vfp_snapshot_read(argv[1], &snapshot);

    if (error) {
        vfp_unixctl_reply(conn, error);
        return;
    }

    struct sset names = SSET_INITIALIZER(&names);
    if (argc > 2) {
        for (int i = 2; i < argc && !error; i++) {
            if (!shash_find(&snapshot.ports, argv[i])) {
                char *q = vfp_quote(argv[i]);
                error = xasprintf("the file has no port %s", q);
                free(q);
            }
            sset_add(&names, argv[i]);
        }
    } else {
        struct shash_node *node;

        SHASH_FOR_EACH (node, &snapshot.ports) {
            sset_add(&names, node->name);
        }
    }

    const char *name;
    SSET_FOR_EACH (name, &names) {
        if (!error && !vfp_ofport_find(name, &error)) {
            break;
        }
    }

    if (!error) {
        SSET_FOR_EACH (name, &names) {
            struct vfp_ofport *port = vfp_ofport_find(name, &error);

            ovs_assert(port);
            vfp_policy_replace(port, shash_find_and_delete(&snapshot.ports,
                                                           name));
        }
    }
    sset_destroy(&names);
    vfp_snapshot_destroy(&snapshot);
    vfp_unixctl_reply(conn, error);
}

void
vfp_state_unixctl_init(void)
{
    unixctl_command_register("vfp/save", "[PORT...]", 0, INT_MAX, save,
                             NULL);
    unixctl_command_register("vfp/restore", "DOCUMENT [PORT...]", 1,
                             INT_MAX, restore, NULL);
}
