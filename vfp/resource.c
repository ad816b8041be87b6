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
#include "vfp/resource.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "ovs-rcu.h"
#include "util.h"
#include "svec.h"
#include "vfp/parse-util.h"
#include "vfp/tuple.h"

/* Returns the resource named 'name' in 'resources' (which may be null: no
 * resources), or NULL. */
struct vfp_resource *
vfp_resources_find(const struct vfp_resources *resources, const char *name)
{
    for (size_t i = 0; resources && i < resources->n; i++) {
        if (!strcmp(resources->resources[i]->name, name)) {
            return resources->resources[i];
        }
    }
    return NULL;
}

const char *
vfp_resource_type_name(enum vfp_resource_type type)
{
    return type == VFP_RESOURCE_MAP ? "map" : "range";
}

/* Parses "LO-HI,PORT,..." into 'res''s ranges. */
static char * OVS_WARN_UNUSED_RESULT
parse_ranges(const char *s, struct vfp_resource *res)
{
    struct svec toks;
    char *copy;
    char *error = vfp_normalize(s, VFP_LEX_ONE_WORD, &copy);

    if (error) {
        return error;
    }
    error = vfp_split_list(copy, ',', "ports", &toks);
    if (error) {
        free(copy);
        return error;
    }
    for (size_t t = 0; t < toks.n && !error; t++) {
        char *tok = toks.names[t];
        char *dash = strchr(tok, '-');
        uint64_t lo, hi;

        if (dash) {
            *dash = '\0';
        }
        if (!vfp_parse_uint(tok, UINT16_MAX, &lo)
            || !vfp_parse_uint(dash ? dash + 1 : tok, UINT16_MAX, &hi)
            || lo > hi || !lo) {
            if (dash) {
                *dash = '-';
            }
            error = xasprintf("range \"%s\" is not PORT or LO-HI with "
                              "1 <= LO <= HI <= 65535", tok);
            break;
        }
        for (size_t i = 0; i < res->n_ranges; i++) {
            if (lo <= res->ranges[i][1] && hi >= res->ranges[i][0]) {
                error = xasprintf("range %"PRIu64"-%"PRIu64" overlaps "
                                  "%"PRIu16"-%"PRIu16, lo, hi,
                                  res->ranges[i][0], res->ranges[i][1]);
                break;
            }
        }
        if (!error) {
            res->ranges = xrealloc(res->ranges,
                                   (res->n_ranges + 1) * sizeof *res->ranges);
            res->ranges[res->n_ranges][0] = lo;
            res->ranges[res->n_ranges][1] = hi;
            res->n_ranges++;
            res->n_total += hi - lo + 1;
        }
    }
    if (!error && !res->n_ranges) {
        error = xstrdup("a range resource needs ports, e.g. 1024-65535");
    }
    svec_destroy(&toks);
    free(copy);
    return error;
}

/* Creates a resource named 'name' of type 'type' ("map" or "range"); a
 * range takes its ports from 'ranges' ("1024-2047,3000"). */
char *
vfp_resource_create(const char *name, const char *type, const char *ranges,
                    struct vfp_resource **resp)
    OVS_NO_THREAD_SAFETY_ANALYSIS   /* 'res' is not published yet. */
{
    struct vfp_resource *res = xzalloc(sizeof *res);
    char *error = NULL;

    *resp = NULL;
    res->name = xstrdup(name);
    atomic_init(&res->n_misses, 0);
    cmap_init(&res->entries);
    ovs_mutex_init(&res->mutex);
    if (!strcmp(type, "map")) {
        res->type = VFP_RESOURCE_MAP;
        if (ranges) {
            error = xstrdup("a map resource takes no ports");
        }
    } else if (!strcmp(type, "range")) {
        res->type = VFP_RESOURCE_RANGE;
        error = (ranges ? parse_ranges(ranges, res)
                 : xstrdup("a range resource needs ports, e.g. "
                           "ports=1024-65535"));
        ovs_mutex_lock(&res->mutex);
        res->used = bitmap_allocate(UINT16_MAX + 1);
        ovs_mutex_unlock(&res->mutex);
    } else {
        error = xasprintf("\"%s\" is not a resource type (map, range)",
                          type);
    }
    if (error) {
        vfp_resource_destroy(res);
        return error;
    }
    *resp = res;
    return NULL;
}

/* The caller waited for readers to finish. */
void
vfp_resource_destroy(struct vfp_resource *res)
    OVS_NO_THREAD_SAFETY_ANALYSIS   /* No reader is left. */
{
    if (res) {
        struct vfp_map_entry *e;

        CMAP_FOR_EACH (e, node, &res->entries) {
            free(e);
        }
        cmap_destroy(&res->entries);
        ovs_mutex_lock(&res->mutex);
        bitmap_free(res->used);
        ovs_mutex_unlock(&res->mutex);
        ovs_mutex_destroy(&res->mutex);
        free(res->ranges);
        free(res->name);
        free(res);
    }
}

static void
format_ip(const struct in6_addr *a, struct ds *s)
{
    if (IN6_IS_ADDR_V4MAPPED(a)) {
        ds_put_format(s, IP_FMT, IP_ARGS(in6_addr_get_mapped_ipv4(a)));
    } else {
        ipv6_format_addr(a, s);
    }
}

static void
format_mapping(const struct vfp_mapping *m, struct ds *s)
{
    if (m->has_ip) {
        ds_put_format(s, " dst-ip="IP_FMT, IP_ARGS(m->ip));
    }
    if (m->has_mac) {
        ds_put_format(s, " dst-mac="ETH_ADDR_FMT, ETH_ADDR_ARGS(m->mac));
    }
    if (m->has_key) {
        ds_put_format(s, " key=%"PRIu64, ntohll(m->key));
    }
}

static int
compare_entries(const void *a_, const void *b_)
{
    const struct vfp_map_entry *const *a = a_, *const *b = b_;

    return memcmp(&(*a)->key, &(*b)->key, sizeof (*a)->key);
}

/* The ranges of range resource 'res' as add-resource's ports= takes them,
 * e.g. "1000-1999,3000". */
void
vfp_range_format_ports(const struct vfp_resource *res, struct ds *s)
{
    for (size_t i = 0; i < res->n_ranges; i++) {
        ds_put_format(s, "%s%"PRIu16, i ? "," : "", res->ranges[i][0]);
        if (res->ranges[i][1] != res->ranges[i][0]) {
            ds_put_format(s, "-%"PRIu16, res->ranges[i][1]);
        }
    }
}

/* Adds to 'entries' each entry of map 'res' as add-entry takes it after
 * the map ("ADDRESS [dst-ip=IP] [dst-mac=MAC] [key=N]"), sorted by
 * address. */
void
vfp_map_format_entries(const struct vfp_resource *res, struct svec *entries)
{
    size_t n = 0, n_alloc = cmap_count(&res->entries);
    const struct vfp_map_entry **sorted = xmalloc((n_alloc + 1)
                                                  * sizeof *sorted);
    const struct vfp_map_entry *e;

    CMAP_FOR_EACH (e, node, &res->entries) {
        if (n < n_alloc) {
            sorted[n++] = e;
        }
    }
    qsort(sorted, n, sizeof *sorted, compare_entries);
    for (size_t i = 0; i < n; i++) {
        struct ds s = DS_EMPTY_INITIALIZER;

        format_ip(&sorted[i]->key, &s);
        format_mapping(&sorted[i]->value, &s);
        svec_add_nocopy(entries, ds_steal_cstr(&s));
    }
    free(sorted);
}

/* "NAME type=map entries=N" or "NAME type=range ports=... used=U/T", and
 * with 'entries' one line per map entry, sorted. */
void
vfp_resource_format(const struct vfp_resource *res, bool entries,
                    struct ds *s)
{
    uint64_t misses;

    atomic_read_relaxed(&CONST_CAST(struct vfp_resource *, res)->n_misses,
                        &misses);
    ds_put_format(s, "%s type=%s", res->name,
                  vfp_resource_type_name(res->type));
    if (res->type == VFP_RESOURCE_MAP) {
        ds_put_format(s, " entries=%"PRIuSIZE, cmap_count(&res->entries));
    } else {
        struct vfp_resource *r = CONST_CAST(struct vfp_resource *, res);

        ds_put_cstr(s, " ports=");
        vfp_range_format_ports(res, s);
        ovs_mutex_lock(&r->mutex);
        ds_put_format(s, " used=%"PRIu32"/%"PRIu32, r->n_used, r->n_total);
        ovs_mutex_unlock(&r->mutex);
    }
    ds_put_format(s, " misses=%"PRIu64"\n", misses);

    if (entries && res->type == VFP_RESOURCE_MAP) {
        struct svec lines = SVEC_EMPTY_INITIALIZER;
        const char *line;
        size_t i;

        vfp_map_format_entries(res, &lines);
        SVEC_FOR_EACH (i, line, &lines) {
            ds_put_format(s, "  %s\n", line);
        }
        svec_destroy(&lines);
    }
}

/* Parses the key of a map entry, an IPv4 or IPv6 address. */
char *
vfp_map_parse_key(const char *s, struct in6_addr *a)
{
    struct in_addr a4;

    if (inet_pton(AF_INET, s, &a4) == 1) {
        in6_addr_set_mapped_ipv4(a, a4.s_addr);
        return NULL;
    }
    if (strchr(s, ':') && ipv6_parse(s, a)) {
        return NULL;
    }
    return xasprintf("\"%s\" is not an IP address", s);
}

/* Parses a map entry: the key address 'key' and 'values', each one of
 * dst-ip=IPv4, dst-mac=MAC, key=N. */
char *
vfp_map_parse_entry(const char *key, char *const values[], size_t n,
                    struct in6_addr *addr, struct vfp_mapping *m)
{
    memset(m, 0, sizeof *m);

    char *error = vfp_map_parse_key(key, addr);
    if (error) {
        return error;
    }
    for (size_t i = 0; i < n; i++) {
        const char *v = values[i];
        struct in_addr a4;
        uint64_t x;

        if (!strncmp(v, "dst-ip=", 7)) {
            if (m->has_ip) {
                return xasprintf("\"%s\": dst-ip given twice", v);
            }
            if (inet_pton(AF_INET, v + 7, &a4) != 1) {
                return xasprintf("\"%s\": not an IPv4 address", v);
            }
            m->has_ip = true;
            m->ip = a4.s_addr;
        } else if (!strncmp(v, "dst-mac=", 8)) {
            if (m->has_mac) {
                return xasprintf("\"%s\": dst-mac given twice", v);
            }
            if (!vfp_parse_mac(v + 8, &m->mac)) {
                return xasprintf("\"%s\": not a MAC address", v);
            }
            m->has_mac = true;
        } else if (!strncmp(v, "key=", 4)) {
            if (m->has_key) {
                return xasprintf("\"%s\": key given twice", v);
            }
            /* A VNI or an NVGRE VSID, 24 bits each. */
            if (!vfp_parse_uint(v + 4, 0xffffff, &x)) {
                return xasprintf("\"%s\": key is a number from 0 to "
                                 "16777215", v);
            }
            m->has_key = true;
            m->key = htonll(x);
        } else {
            return xasprintf("\"%s\" is not dst-ip=IP, dst-mac=MAC or "
                             "key=N", v);
        }
    }
    if (!m->has_ip && !m->has_mac && !m->has_key) {
        return xstrdup("a map entry needs dst-ip=, dst-mac= or key=");
    }
    return NULL;
}

static uint32_t
addr_hash(const struct in6_addr *a)
{
    return hash_bytes(a, sizeof *a, 0);
}

static struct vfp_map_entry *
map_find(const struct vfp_resource *res, const struct in6_addr *key)
{
    struct vfp_map_entry *e;

    CMAP_FOR_EACH_WITH_HASH (e, node, addr_hash(key), &res->entries) {
        if (ipv6_addr_equals(&e->key, key)) {
            return e;
        }
    }
    return NULL;
}

/* Main thread only. */
void
vfp_map_set(struct vfp_resource *res, const struct in6_addr *key,
            const struct vfp_mapping *value)
{
    struct vfp_map_entry *old = map_find(res, key);
    struct vfp_map_entry *e = xmalloc(sizeof *e);

    e->key = *key;
    e->value = *value;
    if (old) {
        cmap_replace(&res->entries, &old->node, &e->node, addr_hash(key));
        ovsrcu_postpone(free, old);
    } else {
        cmap_insert(&res->entries, &e->node, addr_hash(key));
    }
}

/* Main thread only. */
bool
vfp_map_delete(struct vfp_resource *res, const struct in6_addr *key)
{
    struct vfp_map_entry *e = map_find(res, key);

    if (e) {
        cmap_remove(&res->entries, &e->node, addr_hash(key));
        ovsrcu_postpone(free, e);
    }
    return e != NULL;
}

const struct vfp_mapping *
vfp_map_lookup(const struct vfp_resource *res, const struct in6_addr *key)
{
    const struct vfp_map_entry *e = map_find(res, key);

    return e ? &e->value : NULL;
}

/* The n'th port of 'res''s ranges. */
static uint16_t
range_nth(const struct vfp_resource *res, uint32_t n)
{
    for (size_t i = 0; ; i++) {
        uint32_t size = res->ranges[i][1] - res->ranges[i][0] + 1;
        if (n < size) {
            return res->ranges[i][0] + n;
        }
        n -= size;
    }
}

/* The first free port of 'res' for a connection with tuple 't', from a
 * start spread by hash so that connections rarely contend.  Returns false
 * if every port is in use. */
static bool
range_find_free(const struct vfp_resource *res, const struct vfp_tuple *t,
                uint16_t *port)
    OVS_REQUIRES(res->mutex)
{
    uint32_t start = vfp_tuple_hash(t, 0) % res->n_total;

    if (res->n_used < res->n_total) {
        for (uint32_t i = 0; i < res->n_total; i++) {
            uint16_t p = range_nth(res, (start + i) % res->n_total);
            if (!bitmap_is_set(res->used, p)) {
                *port = p;
                return true;
            }
        }
    }
    return false;
}

/* Without taking it, finds in '*port' the port that a connection with
 * tuple 't' would take now (as range_alloc() would), for simulations and
 * traces.  Returns false if every port is in use. */
bool
vfp_range_candidate(const struct vfp_resource *res_,
                    const struct vfp_tuple *t, uint16_t *port)
    OVS_EXCLUDED(res_->mutex)
{
    struct vfp_resource *res = CONST_CAST(struct vfp_resource *, res_);

    ovs_mutex_lock(&res->mutex);
    bool found = range_find_free(res, t, port);
    ovs_mutex_unlock(&res->mutex);
    return found;
}

/* Takes a free port of 'res' for the connection with tuple 't' into
 * '*port'.  Returns false if every port is in use. */
static bool
range_alloc(struct vfp_resource *res, const struct vfp_tuple *t,
            uint16_t *port)
    OVS_EXCLUDED(res->mutex)
{
    ovs_mutex_lock(&res->mutex);
    bool found = range_find_free(res, t, port);
    if (found) {
        bitmap_set1(res->used, *port);
        res->n_used++;
    }
    ovs_mutex_unlock(&res->mutex);
    return found;
}

static void
range_release(struct vfp_resource *res, uint16_t port)
    OVS_EXCLUDED(res->mutex)
{
    ovs_mutex_lock(&res->mutex);
    if (bitmap_is_set(res->used, port)) {
        bitmap_set0(res->used, port);
        res->n_used--;
    }
    ovs_mutex_unlock(&res->mutex);
}

/* Takes a port of range resource 'res' for the connection with tuple 't'
 * into 'lease', which must hold none.  Returns false if every port is
 * taken. */
bool
vfp_snat_lease_acquire(struct vfp_snat_lease *lease, struct vfp_resource *res,
                       const struct vfp_tuple *t)
{
    ovs_assert(!vfp_snat_lease_held(lease));
    if (range_alloc(res, t, &lease->port)) {
        lease->range = res;
        return true;
    }
    return false;
}

/* Moves the port 'src' holds, if any, to 'dst', which must hold none. */
void
vfp_snat_lease_move(struct vfp_snat_lease *dst, struct vfp_snat_lease *src)
{
    ovs_assert(!vfp_snat_lease_held(dst));
    *dst = *src;
    src->range = NULL;
}

/* Returns the port 'lease' holds, if any, to its range. */
void
vfp_snat_lease_release(struct vfp_snat_lease *lease)
{
    if (vfp_snat_lease_held(lease)) {
        range_release(lease->range, lease->port);
        lease->range = NULL;
    }
}

void
vfp_resource_count_miss(struct vfp_resource *res)
{
    uint64_t orig;

    atomic_add_relaxed(&res->n_misses, 1, &orig);
}
