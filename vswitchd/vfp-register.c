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

/* Adds ofproto-vfp to upstream's ovs-vswitchd.
 *
 * The providers ovs-vswitchd knows are those registered before ofproto_init()
 * runs; registering from a constructor lets this binary reuse upstream's
 * vswitchd objects unchanged. */

#include <config.h>

#include "ofproto-vfp/ofproto-vfp.h"
#include "ofproto-vfp/trace.h"
#include "ofproto-vfp/unixctl-util.h"
#include "util.h"

/* Also registers the "vfp/" unixctl commands (unixctl-util.h): from here,
 * above every file of ofproto-vfp/, so that none of them calls up into
 * another to register.  unixctl_command_register() only records the
 * command; the server that answers them starts later, in main(). */
OVS_CONSTRUCTOR(vfp_register) {
    ofproto_class_register(&ofproto_vfp_class);
    vfp_unixctl_init();
    vfp_policy_unixctl_init();
    vfp_resource_unixctl_init();
    vfp_flow_unixctl_init();
    vfp_state_unixctl_init();
    vfp_trace_unixctl_init();
}
