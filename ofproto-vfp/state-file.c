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
#include "ofproto-vfp/state-file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dirs.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "util.h"
#include "vfp/port.h"
#include "vfp/snapshot.h"

VLOG_DEFINE_THIS_MODULE(vfp_state_file);

/* Saves: within this long of a policy change, and at least this often. */
#define CHANGE_DELAY_MS 1000
#define PERIOD_MS (60 * 1000)

/* Ports of the file that no VFP port has taken yet, or that their
 * ovs-vswitchd port left at exit.  Loaded at the first take. */
static struct vfp_snapshot pending = {
    SHASH_INITIALIZER(&pending.ports)
};
static bool loaded;

static uint32_t saved_fingerprint;
static long long int saved_time = LLONG_MIN;

static char *
file_name(void)
{
    return xasprintf("%s/vfp-state.json", ovs_rundir());
}

static void
load(void)
{
    char *name = file_name();
    struct ds text = DS_EMPTY_INITIALIZER;
    FILE *file = fopen(name, "r");
    char *error = NULL;

    loaded = true;
    if (!file) {
        if (errno != ENOENT) {
            error = xasprintf("cannot open (%s)", ovs_strerror(errno));
        }
    } else {
        int c;

        while ((c = getc(file)) != EOF && !error) {
            if (!c) {
                error = xstrdup("NUL byte (the file must be text)");
            }
            ds_put_char(&text, c);
        }
        if (!error && ferror(file)) {
            error = xasprintf("cannot read (%s)", ovs_strerror(errno));
        }
        fclose(file);
        if (!error) {
            error = vfp_snapshot_read(ds_cstr(&text), &pending);
        }
    }
    if (error) {
        char *rejected = xasprintf("%s.rejected", name);

        VLOG_ERR("%s: refused, starting without saved state, renamed to "
                 "%s: %s", name, rejected, error);
        if (rename(name, rejected)) {
            VLOG_ERR("%s: rename failed (%s)", name, ovs_strerror(errno));
        }
        free(rejected);
        free(error);
    } else if (file) {
        VLOG_INFO("%s: the saved state of %"PRIuSIZE" ports", name,
                  shash_count(&pending.ports));
    }
    ds_destroy(&text);
    free(name);
}

/* Returns the port named 'port_name' with its saved policy, for the caller
 * to use as the port's own, or NULL if the file has no such port. */
struct vfp_port *
vfp_state_file_take(const char *port_name)
{
    if (!loaded) {
        load();
    }

    struct vfp_port *port = shash_find_and_delete(&pending.ports, port_name);
    if (port) {
        VLOG_INFO("%s: restored its saved policy", port_name);
    }
    return port;
}

/* Takes 'port', which ovs-vswitchd no longer has but did not delete (it is
 * exiting), to save it. */
void
vfp_state_file_keep(struct vfp_port *port)
{
    if (vfp_port_has_policy(port)) {
        vfp_port_destroy(shash_replace(&pending.ports, port->name, port));
    } else {
        vfp_port_destroy(port);
    }
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct vfp_port *const *a = a_;
    const struct vfp_port *const *b = b_;

    return strcmp((*a)->name, (*b)->name);
}

static uint32_t
fingerprint(struct vfp_port *const live[], size_t n)
{
    uint32_t hash = hash_int(shash_count(&pending.ports), n);

    /* A policy change bumps the generation; adding or deleting a resource
     * or a layer publishes a new array. */
    for (size_t i = 0; i < n; i++) {
        hash = hash_string(live[i]->name, hash);
        hash = hash_uint64_basis(vfp_port_generation(live[i]), hash);
        hash = hash_pointer(vfp_port_layers(live[i]), hash);
        hash = hash_pointer(vfp_port_resources(live[i]), hash);
    }
    return hash;
}

/* Writes the file: the 'n' ports in 'live' and those pending. */
static void
write_file(struct vfp_port *const live[], size_t n)
{
    size_t n_all = n + shash_count(&pending.ports);
    struct vfp_port **all = xmalloc((n_all + 1) * sizeof *all);
    struct shash_node *node;
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (vfp_port_has_policy(live[i])) {
            all[k++] = live[i];
        }
    }
    SHASH_FOR_EACH (node, &pending.ports) {
        all[k++] = node->data;
    }
    qsort(all, k, sizeof *all, compare_ports);

    struct json *ports = json_array_create_empty();
    for (size_t i = 0; i < k; i++) {
        json_array_add(ports, vfp_snapshot_port_to_json(all[i]));
    }
    free(all);
    struct json *doc = vfp_snapshot_to_json(ports);
    char *text = json_to_string(doc, JSSF_SORT);
    json_destroy(doc);

    /* Written aside, then renamed over the old file: a crash leaves one
     * whole file or the other. */
    char *name = file_name();
    char *tmp = xasprintf("%s.tmp", name);
    FILE *file = fopen(tmp, "w");
    int error = 0;

    if (!file) {
        error = errno;
    } else {
        if (fputs(text, file) == EOF || fputc('\n', file) == EOF
            || fflush(file) || fsync(fileno(file))) {
            error = errno ? errno : EIO;
        }
        if (fclose(file) && !error) {
            error = errno;
        }
        if (!error && rename(tmp, name)) {
            error = errno;
        }
    }
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

        VLOG_ERR_RL(&rl, "%s: cannot save state (%s)", name,
                    ovs_strerror(error));
        unlink(tmp);
    }
    free(tmp);
    free(name);
    free(text);
}

/* Writes the file now: the 'n' ports in 'live' and those pending. */
void
vfp_state_file_save(struct vfp_port *const live[], size_t n)
{
    write_file(live, n);
    saved_fingerprint = fingerprint(live, n);
}

/* Saves if a policy changed a while ago, or if the last save is old.
 * 'now' is time_msec(). */
void
vfp_state_file_run(struct vfp_port *const live[], size_t n,
                   long long int now)
{
    uint32_t fp = fingerprint(live, n);

    if (saved_time == LLONG_MIN) {
        saved_time = now;
        saved_fingerprint = fp;
    }
    if ((now - saved_time >= CHANGE_DELAY_MS && fp != saved_fingerprint)
        || now - saved_time >= PERIOD_MS) {
        write_file(live, n);
        saved_fingerprint = fp;
        saved_time = now;
    }
}
