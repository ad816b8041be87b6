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

/* What the "vfp/" unixctl commands share: see unixctl-util.h. */

#include <config.h>
#include "ofproto-vfp/unixctl-util.h"

#include "netdev.h"
#include "ofproto-vfp/ofproto-vfp.h"
#include "ofproto.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "sset.h"
#include "unixctl.h"
#include "util.h"
#include "vfp/parse-util.h"

/* Replies 'error' to a command, made safe to print: any byte that is not
 * printable ASCII escaped, and cut after VFP_ERROR_MAX bytes (a message may
 * quote whatever the user sent). */
#define VFP_ERROR_MAX 1024
void
vfp_unixctl_reply_error(struct unixctl_conn *conn, const char *error)
{
    size_t len = strlen(error);
    struct ds ds = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < len && i < VFP_ERROR_MAX; i++) {
        unsigned char c = error[i];

        if (c < 0x20 || c >= 0x7f) {
            ds_put_format(&ds, "\\x%02x", c);
        } else {
            ds_put_char(&ds, c);
        }
    }
    if (len > VFP_ERROR_MAX) {
        ds_put_format(&ds, "... (%"PRIuSIZE" bytes)", len);
    }
    unixctl_command_reply_error(conn, ds_cstr(&ds));
    ds_destroy(&ds);
}

/* Replies to a command that changes something: "{}", or 'error' (which it
 * frees) if nonnull. */
void
vfp_unixctl_reply(struct unixctl_conn *conn, char *error)
{
    if (error) {
        vfp_unixctl_reply_error(conn, error);
        free(error);
    } else {
        unixctl_command_reply(conn, "{}");
    }
}

void
vfp_unixctl_reply_json(struct unixctl_conn *conn, struct json *json)
{
    char *s = json_to_string(json, JSSF_SORT);

    unixctl_command_reply(conn, s);
    free(s);
    json_destroy(json);
}

/* An error "OWNER_TYPE "OWNER" has no TYPE "NAME"", names quoted. */
char *
vfp_no_such(const char *owner_type, const char *owner, const char *type,
        const char *name)
{
    char *q_owner = vfp_quote(owner);
    char *q_name = vfp_quote(name);
    char *error = xasprintf("%s %s has no %s %s", owner_type, q_owner, type,
                            q_name);
    free(q_owner);
    free(q_name);
    return error;
}

/* Finds the port named 'name' on any VFP bridge.  On failure, returns NULL
 * and stores an error message in '*errorp'. */
struct vfp_ofport *
vfp_ofport_find(const char *name, char **errorp)
{
    struct ofproto_vfp *ofproto;

    HMAP_FOR_EACH (ofproto, all_node, ofproto_vfp_all()) {
        struct ofport *ofport;

        HMAP_FOR_EACH (ofport, hmap_node, &ofproto->up.ports) {
            if (!strcmp(netdev_get_name(ofport->netdev), name)) {
                return vfp_ofport_cast(ofport);
            }
        }
    }

    /* Say so if the port is on some other bridge. */
    struct sset types = SSET_INITIALIZER(&types);
    const char *type;
    char *error = NULL;

    ofproto_enumerate_types(&types);
    SSET_FOR_EACH (type, &types) {
        struct sset names = SSET_INITIALIZER(&names);
        const char *br_name;

        ofproto_enumerate_names(type, &names);
        SSET_FOR_EACH (br_name, &names) {
            struct ofproto *other = ofproto_lookup(br_name);
            struct ofproto_port op;

            if (!error && other && other->ofproto_class != &ofproto_vfp_class
                && !ofproto_port_query_by_name(other, name, &op)) {
                char *q = vfp_quote(name);
                error = xasprintf("port %s is on bridge %s, which is not a "
                                  "VFP bridge (datapath_type=%s)",
                                  q, br_name, other->type);
                free(q);
                ofproto_port_destroy(&op);
            }
        }
        sset_destroy(&names);
    }
    sset_destroy(&types);

    if (!error) {
        char *q = vfp_quote(name);
        error = xasprintf("no port named %s on any VFP bridge", q);
        free(q);
    }
    *errorp = error;
    return NULL;
}
