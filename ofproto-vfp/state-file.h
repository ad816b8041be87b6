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

#ifndef OFPROTO_VFP_STATE_FILE_H
#define OFPROTO_VFP_STATE_FILE_H 1

/* The state that a restart of ovs-vswitchd keeps (VFP section 8.1).
 *
 * The policy of every VFP port (vfp/snapshot.h) is saved to
 * "vfp-state.json" in OVS's run directory: when ovs-vswitchd exits (the
 * ports of each VFP bridge as the bridge goes, with "ovs-appctl exit", as
 * ovs-ctl and systemd stop it), and while it runs, within two seconds of a
 * policy change and every minute otherwise, so that a crash or a SIGTERM
 * loses at most that.  The next ovs-vswitchd reads the file when it
 * creates its first VFP port, and each port that it names starts with its
 * saved policy, before the port handles a packet.  Records of ports that
 * have not come back yet are written again by every save; a port deleted
 * from the database leaves the file at the next save.  A file that cannot
 * be read or is refused is renamed "vfp-state.json.rejected" and logged:
 * ovs-vswitchd then starts without it.
 *
 * Threads: main thread only. */

#include <stdbool.h>
#include <stddef.h>

struct vfp_port;

struct vfp_port *vfp_state_file_take(const char *port_name);
void vfp_state_file_keep(struct vfp_port *);
void vfp_state_file_save(struct vfp_port *const live[], size_t n);
void vfp_state_file_run(struct vfp_port *const live[], size_t n,
                        long long int now);

#endif /* ofproto-vfp/state-file.h */
