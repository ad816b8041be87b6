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

#ifndef OFPROTO_VFP_UNIXCTL_UTIL_H
#define OFPROTO_VFP_UNIXCTL_UTIL_H 1

/* The "vfp/" unixctl commands behind vfp-ctl.
 *
 * Each family of commands has its file and registers its commands with its
 * *_unixctl_init(); vswitchd/vfp-register.c calls them all, once, above
 * every file of ofproto-vfp/.  unixctl-util.c holds what the families
 * share (replies, error messages, finding a port by name) and calls none
 * of them.  Every command runs in the main thread.
 *
 * Every command replies with one JSON document on success and a one-line
 * message on error; vfp-ctl renders the JSON as a table or passes it
 * through. */

#include <stdbool.h>
#include <stddef.h>

struct json;
struct unixctl_conn;
struct vfp_conditions;
struct vfp_ofport;

/* unixctl-util.c: shared by the command families. */
void vfp_unixctl_reply_error(struct unixctl_conn *, const char *error);
void vfp_unixctl_reply(struct unixctl_conn *, char *error);
void vfp_unixctl_reply_json(struct unixctl_conn *, struct json *);
char *vfp_no_such(const char *owner_type, const char *owner,
                  const char *type, const char *name);
struct vfp_ofport *vfp_ofport_find(const char *name, char **errorp);

/* vfp-unixctl.c: vfp/show, vfp/dump-ufs. */
void vfp_unixctl_init(void);

/* policy-unixctl.c: layers, groups, rules. */
void vfp_policy_unixctl_init(void);

/* resource-unixctl.c: resources (maps, pools) and events. */
void vfp_resource_unixctl_init(void);

/* state-unixctl.c: vfp/save, vfp/restore. */
void vfp_state_unixctl_init(void);

/* flow-unixctl.c: connections and layer flows. */
void vfp_flow_unixctl_init(void);
size_t vfp_flush_connections(struct vfp_ofport *,
                             const struct vfp_conditions *, bool either);

#endif /* ofproto-vfp/unixctl-util.h */
