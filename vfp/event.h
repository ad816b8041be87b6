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


#ifndef VFP_EVENT_H
#define VFP_EVENT_H 1

/* Events (VFP section 5.5.1): what a controller must hear about, now: a
 * lookup in a resource missed (no mapping for an address, no free port in a
 * range).
 *
 * Each port has its own ring of its last VFP_EVENT_RING events, made on
 * its first event.  Events are numbered from 1 across all ports, so that a
 * reader of every port sees one sequence.  Clients poll for the events
 * after the last number they saw ("vfp-ctl monitor"), so a slow client
 * loses a port's oldest events, never blocks the datapath.  A miss repeated
 * for the same resource and key within a second is raised once.
 *
 * Threads: any thread raises (upcall handlers, PMD threads): it takes its
 * port's ring mutex only, and allocates nothing after the port's first
 * event (the fields have fixed sizes; longer strings are cut).  Readers
 * take each ring's mutex in turn. */

#include <stdint.h>

#include "vfp/rule.h"

struct ds;

#define VFP_EVENT_RING 1024         /* Per port. */
#define VFP_EVENT_TYPE_LEN 31
#define VFP_EVENT_DETAIL_LEN 127

struct vfp_event {
    uint64_t seq;
    long long int time;         /* time_wall_msec(). */
    long long int mono;         /* time_msec(), for repeats. */
    const char *port;           /* The ring's, as long as the process. */
    char type[VFP_EVENT_TYPE_LEN + 1];  /* "map-miss", "range-exhausted". */
    char resource[VFP_MAX_NAME_LEN + 1];    /* No resource has a longer
                                             * name. */
    char detail[VFP_EVENT_DETAIL_LEN + 1];  /* E.g. the address that
                                             * missed. */
};

void vfp_event_raise(const char *port, const char *type,
                     const char *resource, const char *detail);

/* Calls 'cb' for each event numbered above 'after', about 'port' (any, if
 * null), oldest first; returns the number of the newest event raised so
 * far. */
uint64_t vfp_event_read(uint64_t after, const char *port,
                        void (*cb)(const struct vfp_event *, void *aux),
                        void *aux);

#endif /* vfp/event.h */
