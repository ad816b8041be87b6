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

/* The engine: VFP's Pseudocode 1 (§6.1.3), "process a packet through the
 * layers of a port".  Each layer finds its rule for the packet as the
 * layers before it transposed it, and the HTs compose into the one HT that
 * the port applies; see vfp/port.h for the interface. */

#include <config.h>

#include "flow.h"
#include "vfp/layer.h"
#include "vfp/port.h"

bool
vfp_port_process(const struct vfp_port *port, enum vfp_dir dir,
                 struct flow *flow, struct vfp_ht *composite,
                 void (*cb)(const struct vfp_layer_result *,
                            const struct flow *after, void *aux),
                 void *aux)
{
    const struct vfp_layers *layers = vfp_port_layers(port);

    vfp_ht_init(composite);
    for (size_t i = 0; i < layers->n; i++) {
        size_t idx = dir == VFP_DIR_OUT ? i : layers->n - 1 - i;
        struct vfp_layer_result result;

        vfp_layer_process(layers->layers[idx], dir, flow, &result);
        vfp_ht_compose(composite, composite, &result.ht);
        bool pass = vfp_ht_apply(&result.ht, flow);
        if (cb) {
            cb(&result, flow, aux);
        }
        if (!pass) {
            return false;
        }
    }
    return true;
}
