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

#include "cmap.h"
#include "hash.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "timeval.h"
#include "util.h"

/* One port's events.  Rings are never freed: a port deleted and made again
 * under the same name finds its old events, as a reader polling by number
 * expects. */
struct ring {
    struct cmap_node node;      /* In 'rings', by hash of 'name'. */
    char *name;
    struct ovs_mutex mutex;
    uint64_t n OVS_GUARDED;     /* Events ever written to 'events'. */
    struct vfp_event events[VFP_EVENT_RING] OVS_GUARDED;
};

/* The rings, read without locking; 'rings_mutex' only serializes making a
 * ring, once per port. */
static struct ovs_mutex rings_mutex = OVS_MUTEX_INITIALIZER;
static struct cmap rings = CMAP_INITIALIZER;

/* Number of the last event raised, in any ring.  A writer takes its number
 * with its ring's mutex held, until the event is written: a reader that
 * read 'last_seq' and then takes the ring's mutex sees every event up to
 * it. */
static atomic_uint64_t last_seq = ATOMIC_VAR_INIT(0);

static struct ring *
ring_find(const char *port)
{
    struct ring *r;

    CMAP_FOR_EACH_WITH_HASH (r, node, hash_string(port, 0), &rings) {
        if (!strcmp(r->name, port)) {
            return r;
        }
    }
    return NULL;
}

static struct ring *
ring_get(const char *port)
    OVS_EXCLUDED(rings_mutex)
{
    struct ring *r = ring_find(port);

    if (!r) {
        ovs_mutex_lock(&rings_mutex);
        r = ring_find(port);
        if (!r) {
            r = xzalloc(sizeof *r);
            r->name = xstrdup(port);
            ovs_mutex_init(&r->mutex);
            cmap_insert(&rings, &r->node, hash_string(port, 0));
        }
        ovs_mutex_unlock(&rings_mutex);
    }
    return r;
}

static bool
same_miss(const struct vfp_event *e, const char *type, const char *resource,
          const char *detail, long long int now)
{
    return (e->seq && now - e->mono < 1000
            && !strncmp(e->type, type, sizeof e->type - 1)
            && !strncmp(e->resource, resource, sizeof e->resource - 1)
            && !strncmp(e->detail, detail, sizeof e->detail - 1));
}

void
vfp_event_raise(const char *port, const char *type, const char *resource,
                const char *detail)
{
    struct ring *r = ring_get(port);
    long long int now = time_msec();

    ovs_mutex_lock(&r->mutex);
    /* Repeats come in bursts (every packet of a connection that keeps
     * missing): look back a little. */
    for (uint64_t i = 0; i < 16 && i < r->n; i++) {
        if (same_miss(&r->events[(r->n - 1 - i) % VFP_EVENT_RING], type,
                      resource, detail, now)) {
            ovs_mutex_unlock(&r->mutex);
            return;
        }
    }

    struct vfp_event *e = &r->events[r->n++ % VFP_EVENT_RING];
    uint64_t seq;

    atomic_add(&last_seq, 1, &seq);
    e->seq = seq + 1;
    e->time = time_wall_msec();
    e->mono = now;
    e->port = r->name;
    ovs_strlcpy(e->type, type, sizeof e->type);
    ovs_strlcpy(e->resource, resource, sizeof e->resource);
    ovs_strlcpy(e->detail, detail, sizeof e->detail);
    ovs_mutex_unlock(&r->mutex);
}

struct events {
    struct vfp_event *events;
    size_t n, allocated;
};

/* Appends to 'out' the events of 'r' numbered in (after, last]. */
static void
ring_collect(struct ring *r, uint64_t after, uint64_t last,
             struct events *out)
    OVS_EXCLUDED(r->mutex)
{
    ovs_mutex_lock(&r->mutex);
    uint64_t first = r->n > VFP_EVENT_RING ? r->n - VFP_EVENT_RING : 0;
    for (uint64_t i = first; i < r->n; i++) {
        const struct vfp_event *e = &r->events[i % VFP_EVENT_RING];

        if (e->seq > after && e->seq <= last) {
            if (out->n >= out->allocated) {
                out->events = x2nrealloc(out->events, &out->allocated,
                                         sizeof *out->events);
            }
            out->events[out->n++] = *e;
        }
    }
    ovs_mutex_unlock(&r->mutex);
}

static int
compare_seq(const void *a_, const void *b_)
{
    const struct vfp_event *a = a_, *b = b_;

    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

uint64_t
vfp_event_read(uint64_t after, const char *port,
               void (*cb)(const struct vfp_event *, void *aux), void *aux)
{
    struct events out = { NULL, 0, 0 };
    uint64_t last;

    atomic_read(&last_seq, &last);
    if (port) {
        struct ring *r = ring_find(port);
        if (r) {
            ring_collect(r, after, last, &out);
        }
    } else {
        struct ring *r;

        CMAP_FOR_EACH (r, node, &rings) {
            ring_collect(r, after, last, &out);
        }
    }
    if (out.n) {
        qsort(out.events, out.n, sizeof *out.events, compare_seq);
    }
    for (size_t i = 0; i < out.n; i++) {
        cb(&out.events[i], aux);
    }
    free(out.events);
    return last;
}
