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
#include "vfp/event.h"

#include <stdlib.h>
#include <string.h>

#include "ovs-thread.h"
#include "timeval.h"
#include "util.h"

static struct ovs_mutex mutex = OVS_MUTEX_INITIALIZER;
static struct vfp_event ring[VFP_EVENT_RING] OVS_GUARDED_BY(mutex);
static uint64_t last_seq OVS_GUARDED_BY(mutex);

static bool
same_miss(const struct vfp_event *e, const char *port, const char *type,
          const char *resource, const char *detail, long long int now)
{
    return (e->seq && now - e->mono < 1000
            && !strcmp(e->port, port) && !strcmp(e->type, type)
            && !strcmp(e->resource, resource) && !strcmp(e->detail, detail));
}

void
vfp_event_raise(const char *port, const char *type, const char *resource,
                const char *detail)
{
    long long int now = time_msec();

    ovs_mutex_lock(&mutex);
    /* Repeats come in bursts (every packet of a connection that keeps
     * missing): look back a little. */
    for (uint64_t i = 0; i < 16 && i < last_seq; i++) {
        if (same_miss(&ring[(last_seq - i) % VFP_EVENT_RING], port, type,
                      resource, detail, now)) {
            ovs_mutex_unlock(&mutex);
            return;
        }
    }

    struct vfp_event *e = &ring[++last_seq % VFP_EVENT_RING];
    free(e->port);
    free(e->type);
    free(e->resource);
    free(e->detail);
    *e = (struct vfp_event) {
        .seq = last_seq,
        .time = time_wall_msec(),
        .mono = now,
        .port = xstrdup(port),
        .type = xstrdup(type),
        .resource = xstrdup(resource),
        .detail = xstrdup(detail),
    };
    ovs_mutex_unlock(&mutex);
}

uint64_t
vfp_event_read(uint64_t after, const char *port,
               void (*cb)(const struct vfp_event *, void *aux), void *aux)
{
    ovs_mutex_lock(&mutex);
    uint64_t first = MAX(after + 1, last_seq >= VFP_EVENT_RING
                                    ? last_seq - VFP_EVENT_RING + 1 : 1);
    for (uint64_t seq = first; seq <= last_seq; seq++) {
        const struct vfp_event *e = &ring[seq % VFP_EVENT_RING];
        if (!port || !strcmp(port, e->port)) {
            cb(e, aux);
        }
    }
    uint64_t newest = last_seq;
    ovs_mutex_unlock(&mutex);
    return newest;
}
