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

#ifndef VFP_SNAPSHOT_H
#define VFP_SNAPSHOT_H 1

/* State save and restore (VFP section 8.2).
 *
 * The policy of ports, and what goes with it, as one JSON document: what
 * "vfp-ctl save" writes, "vfp-ctl restore" and a restarting ovs-vswitchd
 * read.
 *
 *     { "format": "ovs-vfp-state", "version": 1, "ports": [PORT...] }
 *
 * Every object carries the version of the format it was written in.  A
 * reader accepts every version up to its own (VFP_SNAPSHOT_VERSION) and
 * refuses a later one, a member it does not know, a missing one, a value of
 * the wrong type or out of range, naming where (docs/design.md, "State
 * save and restore", has the format).
 *
 * The values inside objects are in vfp-ctl's grammar (conditions, actions,
 * map entries, port ranges) and go through the parsers that the commands
 * use: a file can express nothing that the commands refuse.
 *
 * Version 1 holds layers, groups and rules with their counters, count(NAME)
 * contexts and resources with their map entries.  Connections, layer flows
 * and SNAT leases are not in it: a restored port starts with none, and its
 * connections start over. */

#include "openvswitch/shash.h"

struct json;
struct vfp_port;

#define VFP_SNAPSHOT_FORMAT "ovs-vfp-state"
#define VFP_SNAPSHOT_VERSION 1

/* A document's ports, each built into a port that no handler sees (a
 * "staging" port, for vfp_port_replace_policy() or to use as it is). */
struct vfp_snapshot {
    struct shash ports;         /* Port name -> "struct vfp_port *". */
};

struct json *vfp_snapshot_port_to_json(const struct vfp_port *);
struct json *vfp_snapshot_to_json(struct json *ports);

char *vfp_snapshot_read(const char *text, struct vfp_snapshot *)
    OVS_WARN_UNUSED_RESULT;
void vfp_snapshot_destroy(struct vfp_snapshot *);

#endif /* vfp/snapshot.h */
