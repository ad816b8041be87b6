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

/* vfp-ctl: the control utility of VFP bridges.
 *
 * It speaks OVS's unixctl protocol (JSON-RPC on ovs-vswitchd's control
 * socket), like ovs-appctl: no new wire protocol.  The "vfp/" commands in
 * ovs-vswitchd reply with JSON; this program checks the command line,
 * renders the reply as a table (the default) or prints it as JSON.
 *
 * Exit status: 0 on success, 1 for a bad command line or when ovs-vswitchd
 * cannot be reached, 2 when ovs-vswitchd refuses the command. */

#include <config.h>

#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command-line.h"
#include "daemon.h"
#include "dirs.h"
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "svec.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "vfp/parse-util.h"

enum output_format { FORMAT_TABLE, FORMAT_JSON, FORMAT_PROMETHEUS };

static const char *target = "ovs-vswitchd";
static enum output_format format = FORMAT_TABLE;
static int timeout;
static bool flush;              /* --flush */

struct vfp_ctl_command {
    const char *name;
    const char *args;           /* Usage. */
    int min_args, max_args;
    const char *unixctl;        /* Command in ovs-vswitchd. */
    void (*render_table)(const struct json *, struct ds *);
    int file_arg;               /* If nonzero, the argument at this
                                 * position (1-based) names a file whose
                                 * contents are sent instead. */
    bool out_file;              /* The last argument names a file that the
                                 * reply is written to, not sent. */
};

static void render_show(const struct json *, struct ds *);
static void render_dump_ufs(const struct json *, struct ds *);
static void render_layers(const struct json *, struct ds *);
static void render_rules(const struct json *, struct ds *);
static void render_nothing(const struct json *, struct ds *);
static void render_trace(const struct json *, struct ds *);
static void render_stats(const struct json *, struct ds *);
static void render_flows(const struct json *, struct ds *);
static void render_resources(const struct json *, struct ds *);
static void render_flushed(const struct json *, struct ds *);
static void render_datapath_stats(const struct json *, struct ds *);

static const struct vfp_ctl_command commands[] = {
    { "show", "[BRIDGE]", 0, 1, "vfp/show", render_show, 0, false },
    { "add-layer", "PORT LAYER priority=N [in-default=allow|block] "
      "[out-default=allow|block]", 2, 5, "vfp/add-layer",
      render_nothing, 0, false },
    { "del-layer", "PORT LAYER", 2, 2, "vfp/del-layer",
      render_nothing, 0, false },
    { "list-layers", "PORT", 1, 1, "vfp/list-layers",
      render_layers, 0, false },
    { "add-group", "PORT LAYER GROUP dir=in|out priority=N [match=CONDS] "
      "[type=priority|lpm:FIELD]", 3, 7, "vfp/add-group",
      render_nothing, 0, false },
    { "del-group", "PORT LAYER GROUP", 3, 3, "vfp/del-group",
      render_nothing, 0, false },
    { "add-rule", "PORT LAYER GROUP RULE priority=N [match=CONDS] "
      "action=ACTIONS [terminating] [stateful] [ttl=SECONDS] "
      "[miss=drop|allow]", 4, 12, "vfp/add-rule", render_nothing, 0, false },
    { "del-rule", "PORT LAYER GROUP RULE", 4, 4, "vfp/del-rule",
      render_nothing, 0, false },
    { "replace-group", "PORT LAYER GROUP FILE", 4, 4, "vfp/replace-group",
      render_nothing, 4, false },
    { "dump-rules", "PORT [LAYER]", 1, 2, "vfp/dump-rules",
      render_rules, 0, false },
    { "dump-flows", "PORT [LAYER]", 1, 2, "vfp/dump-flows",
      render_flows, 0, false },
    { "dump-ufs", "PORT", 1, 1, "vfp/dump-ufs", render_dump_ufs, 0, false },
    { "add-resource", "PORT NAME type=map|range [ports=LIST]", 3, 4,
      "vfp/add-resource", render_nothing, 0, false },
    { "del-resource", "PORT NAME", 2, 2, "vfp/del-resource",
      render_nothing, 0, false },
    { "add-entry", "PORT MAP ADDRESS [dst-ip=IP] [dst-mac=MAC] [key=N]",
      4, 6, "vfp/add-entry", render_nothing, 0, false },
    { "del-entry", "PORT MAP ADDRESS", 3, 3, "vfp/del-entry",
      render_nothing, 0, false },
    { "dump-resources", "PORT [NAME]", 1, 2, "vfp/dump-resources",
      render_resources, 0, false },
    /* Streams: see monitor(). */
    { "monitor", "[PORT] [since=N]", 0, 2, "vfp/events", NULL, 0, false },
    { "trace", "PORT in|out FLOW|packet=HEX", 3, 3, "vfp/trace",
      render_trace, 0, false },
    { "stats", "[PORT...]", 0, INT_MAX, "vfp/stats", render_stats, 0,
      false },
    { "flush-connections", "PORT [CONDS]", 1, INT_MAX,
      "vfp/flush-connections", render_flushed, 0, false },
    { "datapath-stats", "", 0, 0, "vfp/datapath-stats",
      render_datapath_stats, 0, false },
    { "save", "[PORT...] FILE", 1, INT_MAX, "vfp/save", render_nothing, 0,
      true },
    { "restore", "FILE [PORT...]", 1, INT_MAX, "vfp/restore",
      render_nothing, 1, false },
};

OVS_NO_RETURN static void
usage(void)
{
    printf("%s: control utility for VFP bridges in ovs-vswitchd\n"
           "usage: %s [OPTIONS] COMMAND [ARG...]\n"
           "\nCommands:\n"
           "  show [BRIDGE]     VFP bridges: ports, roles, MACs, "
           "unified flow counts\n"
           "  add-layer PORT LAYER priority=N [in-default=allow|block]"
           " [out-default=allow|block]\n"
           "  del-layer PORT LAYER\n"
           "  list-layers PORT\n"
           "  add-group PORT LAYER GROUP dir=in|out priority=N "
           "[match=\"CONDS\"]\n"
           "            [type=priority|lpm:FIELD]\n"
           "  del-group PORT LAYER GROUP\n"
           "  add-rule PORT LAYER GROUP RULE priority=N [match=\"CONDS\"]"
           " action=\"ACTIONS\"\n"
           "           [terminating] [stateful] [ttl=SECONDS] "
           "[miss=drop|allow]\n"
           "  del-rule PORT LAYER GROUP RULE\n"
           "  replace-group PORT LAYER GROUP FILE   atomically, from FILE's "
           "lines:\n"
           "           RULE priority=N [match=\"CONDS\"] action=\"ACTIONS\" "
           "[terminating]\n"
           "  dump-rules PORT [LAYER]\n"
           "  dump-flows PORT [LAYER]   layer flows of stateful rules "
           "(pairs, TCP state)\n"
           "  dump-ufs PORT     unified flows through PORT, with "
           "their datapath flows\n"
           "  add-resource PORT NAME type=map|range [ports=LO-HI,...]\n"
           "  del-resource PORT NAME\n"
           "  add-entry PORT MAP ADDRESS [dst-ip=IP] [dst-mac=MAC] "
           "[key=N]\n"
           "  del-entry PORT MAP ADDRESS\n"
           "  dump-resources PORT [NAME]\n"
           "  monitor [PORT] [since=N]  print events (resource misses) as "
           "JSON lines\n"
           "  trace PORT in|out FLOW|packet=HEX   what VFP does to FLOW "
           "(or a packet,\n"
           "           through its decapsulation), layer by layer\n"
           "  stats [PORT...]   packets and bytes by port, layer, rule, "
           "count() and drop reason\n"
           "  flush-connections PORT [CONDS]   end connections (their layer "
           "flows, SNAT\n"
           "           ports, unified flows) whose tuple as the VM sends it "
           "meets CONDS\n"
           "  datapath-stats    each datapath's unified flow table: "
           "capacity, entries,\n"
           "           lookups, insertions\n"
           "  save [PORT...] FILE   write the policy of PORTs (default: "
           "every VFP port),\n"
           "           resources and counters to the state file FILE\n"
           "  restore FILE [PORT...]   replace the policy of PORTs "
           "(default: every port\n"
           "           FILE has) by FILE's; all or nothing\n"
           "Priorities: LOWER values are processed first (unlike "
           "OpenFlow).\n"
           "\nOptions:\n"
           "  -t, --target=TARGET    daemon name or control socket "
           "(default: ovs-vswitchd)\n"
           "  -f, --format=FORMAT    table (default), json, or (stats) "
           "prometheus\n"
           "  -T, --timeout=SECS     give up after SECS seconds\n"
           "  --flush                with add-rule, del-rule, "
           "replace-group: also flush\n"
           "                         the connections the changed rules' "
           "conditions match\n"
           "  -h, --help             display this help message\n"
           "  -V, --version          display version information\n"
           "\nSee vfp-ctl(8) for the full description.\n",
           program_name, program_name);
    exit(EXIT_SUCCESS);
}

enum { OPT_FLUSH = UCHAR_MAX + 1 };

static char *
parse_options(int argc, char *argv[])
{
    static const struct option long_options[] = {
        {"target", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'f'},
        {"timeout", required_argument, NULL, 'T'},
        {"flush", no_argument, NULL, OPT_FLUSH},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);
    uint64_t secs;

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case 't':
            target = optarg;
            break;

        case OPT_FLUSH:
            flush = true;
            break;

        case 'f':
            if (!strcmp(optarg, "table")) {
                format = FORMAT_TABLE;
            } else if (!strcmp(optarg, "json")) {
                format = FORMAT_JSON;
            } else if (!strcmp(optarg, "prometheus")) {
                format = FORMAT_PROMETHEUS;
            } else {
                free(short_options);
                return xasprintf("unknown --format \"%s\" (use table, json "
                                 "or prometheus)", optarg);
            }
            break;

        case 'T':
            if (!vfp_parse_uint(optarg, INT_MAX, &secs) || !secs) {
                free(short_options);
                return xasprintf("--timeout \"%s\" is not a positive "
                                 "number of seconds", optarg);
            }
            timeout = secs;
            break;

        case 'h':
            usage();

        case 'V':
            ovs_print_version(0, 0);
            exit(EXIT_SUCCESS);

        case '?':
            free(short_options);
            return xstrdup("invalid option (use --help for help)");

        default:
            OVS_NOT_REACHED();
        }
    }
    free(short_options);
    return NULL;
}

static const struct vfp_ctl_command *
find_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (!strcmp(commands[i].name, name)) {
            return &commands[i];
        }
    }
    return NULL;
}

static struct jsonrpc *
connect_to_target(char **errorp)
{
    char *socket_name;

    if (target[0] != '/') {
        char *pidfile_name = xasprintf("%s/%s.pid", ovs_rundir(), target);
        pid_t pid = read_pidfile(pidfile_name);

        if (pid < 0) {
            *errorp = xasprintf("cannot read pidfile \"%s\" (%s): is %s "
                                "running?", pidfile_name,
                                ovs_strerror(-pid), target);
            free(pidfile_name);
            return NULL;
        }
        free(pidfile_name);
        socket_name = xasprintf("%s/%s.%ld.ctl", ovs_rundir(), target,
                                (long int) pid);
    } else {
        socket_name = xstrdup(target);
    }

    struct jsonrpc *client;
    int error = unixctl_client_create(socket_name, &client);
    if (error) {
        *errorp = xasprintf("cannot connect to \"%s\" (%s)", socket_name,
                            ovs_strerror(error));
        client = NULL;
    }
    free(socket_name);
    return client;
}

/* Table rendering. */

static const struct json *
get(const struct json *object, const char *name)
{
    const struct json *value = (object->type == JSON_OBJECT
                                ? shash_find_data(json_object(object), name)
                                : NULL);
    static struct json null = { .type = JSON_NULL };

    return value ? value : &null;
}

static const char *
get_string(const struct json *object, const char *name)
{
    const struct json *value = get(object, name);
    return value->type == JSON_STRING ? json_string(value) : "";
}

static long long int
get_int(const struct json *object, const char *name)
{
    const struct json *value = get(object, name);
    return value->type == JSON_INTEGER ? json_integer(value) : 0;
}

static const struct json_array *
get_array(const struct json *object, const char *name)
{
    static const struct json_array empty;
    const struct json *value = get(object, name);

    return value->type == JSON_ARRAY ? json_array(value) : &empty;
}

static void
render_show(const struct json *reply, struct ds *out)
{
    const struct json_array *bridges = get_array(reply, "bridges");
    const struct json_array *datapaths = get_array(reply, "datapaths");

    for (size_t i = 0; i < bridges->n; i++) {
        const struct json *br = bridges->elems[i];
        const struct json_array *ports = get_array(br, "ports");

        ds_put_format(out, "bridge %s: datapath_type=%s datapath=%s "
                      "ufs=%lld\n", get_string(br, "name"),
                      get_string(br, "datapath_type"),
                      get_string(br, "datapath"), get_int(br, "ufs"));
        ds_put_format(out, "  %-15s %-6s %-17s %-12s %6s %8s %6s %6s\n",
                      "PORT", "ROLE", "MAC", "MAC-SOURCE", "OFPORT",
                      "ODP-PORT", "LAYERS", "UFS");
        for (size_t j = 0; j < ports->n; j++) {
            const struct json *port = ports->elems[j];

            ds_put_format(out,
                          "  %-15s %-6s %-17s %-12s %6lld %8lld %6lld %6lld\n",
                          get_string(port, "name"), get_string(port, "role"),
                          get_string(port, "mac"),
                          get_string(port, "mac_source"),
                          get_int(port, "ofport"), get_int(port, "odp_port"),
                          get_int(port, "layers"), get_int(port, "ufs"));
        }

        const struct json *tnl = get(br, "tunnel");
        if (tnl->type == JSON_OBJECT) {
            ds_put_format(out, "  tunnel %s (%s", get_string(tnl, "port"),
                          get_string(tnl, "type"));
            if (get_int(tnl, "udp_port")) {
                ds_put_format(out, ", UDP port %lld",
                              get_int(tnl, "udp_port"));
            } else if (!strcmp(get_string(tnl, "type"), "gre")) {
                ds_put_cstr(out, ": NVGRE");
            }
            if (get(tnl, "ip")->type == JSON_STRING) {
                ds_put_format(out, "): endpoint %s (%s) %s (%s)\n",
                              get_string(tnl, "ip"),
                              get_string(tnl, "ip_source"),
                              get_string(tnl, "mac"),
                              get_string(tnl, "mac_source"));
            } else {
                ds_put_cstr(out, "): no endpoint (options:local_ip or "
                            "other_config:vfp-tunnel-ip): decapsulates "
                            "nothing\n");
            }
        }
    }
    for (size_t i = 0; i < datapaths->n; i++) {
        const struct json *dp = datapaths->elems[i];

        ds_put_format(out, "datapath %s (%s): ufs=%lld upcalls=%lld "
                      "upcall_drops=%lld\n", get_string(dp, "name"),
                      get_string(dp, "type"), get_int(dp, "ufs"),
                      get_int(dp, "upcalls"), get_int(dp, "upcall_drops"));

        /* Only once there is something to say about fragments. */
        const struct json *frags = get(dp, "fragments");
        if (frags->type == JSON_OBJECT
            && (get_int(frags, "held") || get_int(frags, "reassembled")
                || get_int(frags, "tiny") || get_int(frags, "overlap")
                || get_int(frags, "invalid") || get_int(frags, "expired")
                || get_int(frags, "limit"))) {
            ds_put_format(out, "  fragments: held=%lld reassembled=%lld "
                          "tiny=%lld overlap=%lld invalid=%lld expired=%lld "
                          "limit=%lld\n", get_int(frags, "held"),
                          get_int(frags, "reassembled"),
                          get_int(frags, "tiny"), get_int(frags, "overlap"),
                          get_int(frags, "invalid"),
                          get_int(frags, "expired"), get_int(frags, "limit"));
        }
    }
}

static void
render_datapath_stats(const struct json *reply, struct ds *out)
{
    const struct json_array *dps = get_array(reply, "datapaths");

    for (size_t i = 0; i < dps->n; i++) {
        const struct json *dp = dps->elems[i];
        const struct json *uft = get(dp, "uft");

        ds_put_format(out, "datapath %s (%s): ", get_string(dp, "name"),
                      get_string(dp, "type"));
        if (uft->type != JSON_OBJECT) {
            ds_put_cstr(out, "no unified flow table\n");
            continue;
        }
        ds_put_format(out, "unified flow table: %lld of %lld entries, "
                      "%lld MiB reserved\n"
                      "  lookups: hits=%lld misses=%lld unparsed=%lld\n"
                      "  tunnel pops: single-pass=%lld two-pass=%lld\n"
                      "  insertions: inserted=%lld full=%lld removed=%lld\n",
                      get_int(uft, "entries"), get_int(uft, "capacity"),
                      get_int(uft, "reserved_bytes") / (1024 * 1024),
                      get_int(uft, "hits"), get_int(uft, "misses"),
                      get_int(uft, "unparsed"),
                      get_int(uft, "decap_single_pass"),
                      get_int(uft, "decap_two_pass"),
                      get_int(uft, "inserted"),
                      get_int(uft, "insert_full"), get_int(uft, "removed"));

        const struct json *offload = get(uft, "offload");
        if (offload->type == JSON_OBJECT) {
            ds_put_format(out, "  hw offload: put=%lld failed=%lld "
                          "deleted=%lld mark-hits=%lld mark-misses=%lld\n",
                          get_int(offload, "put"),
                          get_int(offload, "put_failed"),
                          get_int(offload, "deleted"),
                          get_int(offload, "mark_hits"),
                          get_int(offload, "mark_misses"));
        }
    }
}

static void
render_nothing(const struct json *reply OVS_UNUSED, struct ds *out OVS_UNUSED)
{
}

static void
render_layers(const struct json *reply, struct ds *out)
{
    const struct json_array *layers = get_array(reply, "layers");

    ds_put_format(out, "port %s generation %lld\n",
                  get_string(reply, "port"), get_int(reply, "generation"));
    ds_put_format(out, "  %-20s %8s %10s %11s %6s %6s\n", "LAYER",
                  "PRIORITY", "IN-DEFAULT", "OUT-DEFAULT", "GROUPS", "RULES");
    for (size_t i = 0; i < layers->n; i++) {
        const struct json *layer = layers->elems[i];
        const struct json_array *groups = get_array(layer, "groups");
        long long int n_rules = 0;

        for (size_t j = 0; j < groups->n; j++) {
            n_rules += get_int(groups->elems[j], "n_rules");
        }
        ds_put_format(out, "  %-20s %8lld %10s %11s %6"PRIuSIZE" %6lld\n",
                      get_string(layer, "name"), get_int(layer, "priority"),
                      get_string(layer, "in_default"),
                      get_string(layer, "out_default"), groups->n, n_rules);
    }
}

static void
render_rules(const struct json *reply, struct ds *out)
{
    const struct json_array *layers = get_array(reply, "layers");

    ds_put_format(out, "port %s generation %lld\n",
                  get_string(reply, "port"), get_int(reply, "generation"));
    for (size_t i = 0; i < layers->n; i++) {
        const struct json *layer = layers->elems[i];
        const struct json_array *groups = get_array(layer, "groups");

        ds_put_format(out, "layer %s priority=%lld in-default=%s "
                      "out-default=%s\n", get_string(layer, "name"),
                      get_int(layer, "priority"),
                      get_string(layer, "in_default"),
                      get_string(layer, "out_default"));
        for (size_t j = 0; j < groups->n; j++) {
            const struct json *group = groups->elems[j];
            const struct json_array *rules = get_array(group, "rules");

            ds_put_format(out, "  group %s dir=%s priority=%lld",
                          get_string(group, "name"), get_string(group, "dir"),
                          get_int(group, "priority"));
            if (get_string(group, "match")[0]) {
                ds_put_format(out, " match=\"%s\"",
                              get_string(group, "match"));
            }
            if (strcmp(get_string(group, "type"), "priority")) {
                ds_put_format(out, " type=%s", get_string(group, "type"));
            }
            ds_put_char(out, '\n');
            for (size_t k = 0; k < rules->n; k++) {
                const struct json *rule = rules->elems[k];

                ds_put_format(out, "    rule %s priority=%lld",
                              get_string(rule, "name"),
                              get_int(rule, "priority"));
                if (get_string(rule, "match")[0]) {
                    ds_put_format(out, " match=\"%s\"",
                                  get_string(rule, "match"));
                }
                ds_put_format(out, " action=\"%s\"%s%s",
                              get_string(rule, "action"),
                              get(rule, "terminating")->type == JSON_TRUE
                              ? " terminating" : "",
                              get(rule, "stateful")->type == JSON_TRUE
                              ? " stateful" : "");
                if (get_int(rule, "ttl")) {
                    ds_put_format(out, " ttl=%lld", get_int(rule, "ttl"));
                }
                if (get_string(rule, "miss")[0]) {
                    ds_put_format(out, " miss=%s", get_string(rule, "miss"));
                }
                ds_put_char(out, '\n');
            }
        }
    }
}

static void
put_trace_forward(struct ds *out, const struct json *forward)
{
    if (forward->type == JSON_ARRAY) {
        const struct json_array *ports = json_array(forward);

        ds_put_cstr(out, "\nforwarding: ");
        if (!ports->n) {
            ds_put_cstr(out, "no port");
        }
        for (size_t j = 0; j < ports->n; j++) {
            ds_put_format(out, "%s%s", j ? ", " : "",
                          json_string(ports->elems[j]));
        }
        ds_put_char(out, '\n');
    }
}

static void
render_trace_pass(const struct json *reply, struct ds *out)
{
    const struct json_array *stages = get_array(reply, "stages");
    const struct json *forward = get(reply, "forward");

    ds_put_format(out, "Flow: %s\n", get_string(reply, "flow"));
    if (get(reply, "fragment")->type == JSON_STRING) {
        ds_put_format(out, "\nFragment: %s\n",
                      get_string(reply, "fragment"));
    }
    for (size_t i = 0; i < stages->n; i++) {
        const struct json *stage = stages->elems[i];
        const struct json_array *layers = get_array(stage, "layers");

        ds_put_format(out, "\n%s %s:\n", get_string(stage, "port"),
                      get_string(stage, "dir"));
        if (get(stage, "malformed")->type == JSON_STRING) {
            ds_put_format(out, "  headers cannot be parsed (%s): the port "
                          "drops the packet\n",
                          get_string(stage, "malformed"));
        }
        for (size_t j = 0; j < layers->n; j++) {
            const struct json *layer = layers->elems[j];

            ds_put_format(out, "  layer %s: ", get_string(layer, "layer"));
            if (get(layer, "layer_flow")->type == JSON_STRING) {
                ds_put_format(out, "layer flow %s",
                              get_string(layer, "layer_flow"));
            } else if (get(layer, "rule")->type == JSON_STRING) {
                ds_put_format(out, "group %s, rule %s",
                              get_string(layer, "group"),
                              get_string(layer, "rule"));
                if (get(layer, "miss")->type == JSON_TRUE) {
                    ds_put_cstr(out, " (resource miss)");
                } else if (get(layer, "creates_flow")->type == JSON_TRUE) {
                    ds_put_cstr(out, " (stateful: creates a layer flow "
                                "pair)");
                }
            } else {
                ds_put_cstr(out, "no rule, default action");
            }
            ds_put_format(out, ": %s\n", get_string(layer, "ht"));
            if (get(layer, "packet")->type == JSON_STRING) {
                ds_put_format(out, "    -> %s\n",
                              get_string(layer, "packet"));
            }
        }
        ds_put_format(out, "  composite: %s (%s)\n",
                      get_string(stage, "composite"),
                      get_string(stage, "result"));
        if (!i) {
            put_trace_forward(out, forward);
        }
    }
    if (!stages->n) {
        put_trace_forward(out, forward);
    }
    if (get(reply, "tunnel")->type == JSON_STRING) {
        ds_put_format(out, "\ntunnel: %s\n", get_string(reply, "tunnel"));
    }
    ds_put_format(out, "\nDatapath actions: %s\n",
                  get_string(reply, "datapath_actions"));
    if (!strcmp(get_string(reply, "cache"), "per-packet")) {
        ds_put_cstr(out, "Per packet: no unified flow is cached for this "
                    "packet's key\n");
    }

    const struct json *dp_flow = get(reply, "datapath_flow");
    if (dp_flow->type == JSON_OBJECT) {
        ds_put_format(out, "Datapath flow hit now: %s, actions:%s\n",
                      get_string(dp_flow, "ufid"),
                      get_string(dp_flow, "actions"));
    }
}

/* A trace, and for a tunnel packet traced as a packet, what became of it
 * after decapsulation. */
static void
render_trace(const struct json *reply, struct ds *out)
{
    const struct json *decap = get(reply, "decap");

    render_trace_pass(reply, out);
    if (decap->type == JSON_OBJECT) {
        ds_put_format(out, "\nDecapsulated by %s",
                      get_string(decap, "tunnel_port"));
        if (get(decap, "dropped")->type == JSON_STRING) {
            ds_put_format(out, ": dropped: %s\n",
                          get_string(decap, "dropped"));
        } else {
            ds_put_cstr(out, ":\n");
            render_trace_pass(decap, out);
        }
    }
}

static void
put_counter(struct ds *out, const struct json *c)
{
    ds_put_format(out, "%10lld %12lld", get_int(c, "packets"),
                  get_int(c, "bytes"));
}

static void
render_stats(const struct json *reply, struct ds *out)
{
    const struct json_array *layers = get_array(reply, "layers");
    const struct json_array *counters = get_array(reply, "counters");

    ds_put_format(out, "port %s\n  %-32s %10s %12s\n",
                  get_string(reply, "port"), "", "PACKETS", "BYTES");
    ds_put_format(out, "  %-32s ", "in");
    put_counter(out, get(reply, "in"));
    ds_put_format(out, "\n  %-32s ", "out");
    put_counter(out, get(reply, "out"));
    ds_put_char(out, '\n');
    for (size_t i = 0; i < layers->n; i++) {
        const struct json *layer = layers->elems[i];
        const struct json_array *rules = get_array(layer, "rules");
        char *name;

        name = xasprintf("layer %s in", get_string(layer, "name"));
        ds_put_format(out, "  %-32s ", name);
        free(name);
        put_counter(out, get(layer, "in"));
        name = xasprintf("layer %s out", get_string(layer, "name"));
        ds_put_format(out, "\n  %-32s ", name);
        free(name);
        put_counter(out, get(layer, "out"));
        ds_put_char(out, '\n');
        for (size_t j = 0; j < rules->n; j++) {
            name = xasprintf("rule %s/%s", get_string(rules->elems[j],
                                                      "group"),
                             get_string(rules->elems[j], "rule"));
            ds_put_format(out, "    %-30s ", name);
            free(name);
            put_counter(out, rules->elems[j]);
            ds_put_char(out, '\n');
        }
    }
    for (size_t i = 0; i < counters->n; i++) {
        char *name = xasprintf("count(%s)",
                               get_string(counters->elems[i], "name"));
        ds_put_format(out, "  %-32s ", name);
        free(name);
        put_counter(out, counters->elems[i]);
        ds_put_char(out, '\n');
    }
    if (get(reply, "tunnel_drops")->type == JSON_OBJECT) {
        ds_put_format(out, "  %-32s ", "tunnel drops (not for endpoint)");
        put_counter(out, get(reply, "tunnel_drops"));
        ds_put_char(out, '\n');
    }

    /* Drop reasons: only those that happened (JSON has them all). */
    const struct json *drops = get(reply, "drops");
    if (drops->type == JSON_OBJECT) {
        const struct shash_node **nodes = shash_sort(json_object(drops));

        for (size_t i = 0; i < shash_count(json_object(drops)); i++) {
            if (get_int(nodes[i]->data, "packets")) {
                char *name = xasprintf("drop %s", nodes[i]->name);
                ds_put_format(out, "  %-32s ", name);
                free(name);
                put_counter(out, nodes[i]->data);
                ds_put_char(out, '\n');
            }
        }
        free(nodes);
    }
}

static void
put_half(struct ds *out, const struct json *half)
{
    ds_put_format(out, "  %-3s %s: %s, packets:%lld, bytes:%lld\n",
                  get_string(half, "dir"), get_string(half, "match"),
                  get_string(half, "ht"), get_int(half, "packets"),
                  get_int(half, "bytes"));
}

static void
render_flows(const struct json *reply, struct ds *out)
{
    const struct json *conns = get(reply, "connections");
    const struct json_array *layers = get_array(reply, "layers");

    ds_put_format(out, "port %s: %lld connections (limit %lld; created "
                  "%lld, expired %lld, refused %lld)\n",
                  get_string(reply, "port"), get_int(conns, "count"),
                  get_int(conns, "limit"), get_int(conns, "created"),
                  get_int(conns, "expired"), get_int(conns, "refused"));
    for (size_t i = 0; i < layers->n; i++) {
        const struct json_array *flows = get_array(layers->elems[i],
                                                   "flows");

        ds_put_format(out, "layer %s: %"PRIuSIZE" flow pairs\n",
                      get_string(layers->elems[i], "name"), flows->n);
        for (size_t j = 0; j < flows->n; j++) {
            const struct json *f = flows->elems[j];

            put_half(out, get(f, "flow"));
            put_half(out, get(f, "pair"));
            ds_put_format(out, "    connection %s %s, expires in %.1fs",
                          get_string(f, "connection"),
                          get_string(f, "state"),
                          get_int(f, "ttl_left_ms") / 1000.0);
            if (get(f, "snat_port")->type == JSON_INTEGER) {
                ds_put_format(out, ", SNAT port %lld",
                              get_int(f, "snat_port"));
            }
            ds_put_char(out, '\n');
        }
    }
}

static void
render_resources(const struct json *reply, struct ds *out)
{
    const struct json_array *resources = get_array(reply, "resources");

    ds_put_format(out, "port %s: %"PRIuSIZE" resources\n",
                  get_string(reply, "port"), resources->n);
    for (size_t i = 0; i < resources->n; i++) {
        ds_put_cstr(out, json_string(resources->elems[i]));
    }
}

static void
render_dump_ufs(const struct json *reply, struct ds *out)
{
    const struct json_array *ufs = get_array(reply, "ufs");

    ds_put_format(out, "port %s (bridge %s): %"PRIuSIZE" unified flows\n",
                  get_string(reply, "port"), get_string(reply, "bridge"),
                  ufs->n);
    for (size_t i = 0; i < ufs->n; i++) {
        const struct json *uf = ufs->elems[i];
        const struct json *used = get(uf, "used_ms_ago");

        if (get(uf, "match")->type != JSON_STRING) {
            ds_put_format(out, "%s (no longer in the datapath)\n",
                          get_string(uf, "dp_ufid"));
            continue;
        }
        ds_put_format(out, "%s %s, packets:%lld, bytes:%lld, used:",
                      get_string(uf, "dp_ufid"), get_string(uf, "match"),
                      get_int(uf, "packets"), get_int(uf, "bytes"));
        if (used->type == JSON_INTEGER) {
            ds_put_format(out, "%.3fs", json_integer(used) / 1000.0);
        } else {
            ds_put_cstr(out, "never");
        }
        ds_put_format(out, ", dp:%s", get_string(uf, "datapath_layer"));
        if (get(uf, "pmd")->type == JSON_INTEGER) {
            ds_put_format(out, ", pmd:%lld", get_int(uf, "pmd"));
        }
        ds_put_format(out, ", actions:%s\n", get_string(uf, "actions"));

        const struct json_array *conns = get_array(uf, "connections");
        for (size_t j = 0; j < conns->n; j++) {
            const struct json *c = conns->elems[j];
            ds_put_format(out, "  connection %s %s: %s %s, pair %s\n",
                          get_string(c, "port"), get_string(c, "dir"),
                          get_string(c, "connection"),
                          get_string(c, "state"),
                          get(c, "pair")->type == JSON_STRING
                          ? get_string(c, "pair") : "none");
        }

        const struct json_array *stages = get_array(uf, "composite");
        for (size_t j = 0; j < stages->n; j++) {
            const struct json *stage = stages->elems[j];
            ds_put_format(out, "  %s %s: %s%s\n", get_string(stage, "port"),
                          get_string(stage, "dir"),
                          get_string(stage, "composite"),
                          strcmp(get_string(stage, "result"), "drop")
                          ? "" : " (drop)");
        }
    }
}

/* Polls for events until ovs-vswitchd goes away, printing each as one line
 * of JSON. */
OVS_NO_RETURN static void
monitor(struct jsonrpc *client, int n_args, char *args[])
{
    const char *port = NULL;
    char *after = xstrdup("18446744073709551615");   /* From now on. */

    for (int i = 0; i < n_args; i++) {
        uint64_t since;

        if (!strncmp(args[i], "since=", 6)) {
            if (!vfp_parse_uint(args[i] + 6, UINT64_MAX, &since) || !since) {
                ovs_fatal(0, "\"%s\" is not since=N with N an event number "
                          "from 1", args[i]);
            }
            free(after);
            after = xasprintf("%"PRIu64, since - 1);
        } else if (!port) {
            port = args[i];
        } else {
            ovs_fatal(0, "\"%s\": monitor takes [PORT] [since=N]", args[i]);
        }
    }

    for (;;) {
        char *argv[2] = { after, CONST_CAST(char *, port) };
        char *result, *server_error;
        int error = unixctl_client_transact(client, "vfp/events",
                                            port ? 2 : 1, argv, &result,
                                            &server_error);
        if (error) {
            ovs_fatal(error, "%s: transaction error", target);
        } else if (server_error) {
            fprintf(stderr, "%s: %s", program_name, server_error);
            exit(2);
        }

        struct json *reply = json_from_string(result);
        const struct json_array *events = get_array(reply, "events");
        for (size_t i = 0; i < events->n; i++) {
            char *s = json_to_string(events->elems[i], JSSF_SORT);
            puts(s);
            free(s);
        }
        fflush(stdout);
        free(after);
        after = xasprintf("%lld", get_int(reply, "last"));
        json_destroy(reply);
        free(result);
        xnanosleep(100 * 1000 * 1000);
    }
}

static void
render_flushed(const struct json *reply, struct ds *out)
{
    ds_put_format(out, "port %s: %lld connections flushed\n",
                  get_string(reply, "port"), get_int(reply, "flushed"));
}

/* Runs 'method' with 'args' in the daemon; returns its JSON reply, or
 * exits as main() does on an error. */
static struct json *
call(const char *method, int n_args, char *args[])
{
    char *error, *result, *server_error;
    struct jsonrpc *client = connect_to_target(&error);

    if (!client) {
        ovs_error(0, "%s", error);
        exit(EXIT_FAILURE);
    }
    int rpc_error = unixctl_client_transact(client, method, n_args, args,
                                            &result, &server_error);
    jsonrpc_close(client);
    if (rpc_error) {
        ovs_error(rpc_error, "%s: transaction error", target);
        exit(EXIT_FAILURE);
    }
    if (server_error) {
        fprintf(stderr, "%s: %s", program_name, server_error);
        exit(2);
    }

    struct json *reply = json_from_string(result);
    free(result);
    return reply;
}

/* The conditions ("match") of the rules of group args[2] of layer args[1]
 * of port args[0], or only of rule 'rule' if nonnull, appended to 'conds'. */
static void
get_rule_conds(char *args[], const char *rule, struct svec *conds)
{
    char *dump_args[] = { args[0], args[1] };
    struct json *reply = call("vfp/dump-rules", 2, dump_args);
    const struct json_array *layers = get_array(reply, "layers");

    for (size_t i = 0; i < layers->n; i++) {
        const struct json_array *groups = get_array(layers->elems[i],
                                                    "groups");
        for (size_t j = 0; j < groups->n; j++) {
            if (strcmp(get_string(groups->elems[j], "name"), args[2])) {
                continue;
            }

            const struct json_array *rules = get_array(groups->elems[j],
                                                       "rules");
            for (size_t k = 0; k < rules->n; k++) {
                if (!rule || !strcmp(get_string(rules->elems[k], "name"),
                                     rule)) {
                    svec_add(conds, get_string(rules->elems[k], "match"));
                }
            }
        }
    }
    json_destroy(reply);
}

/* --flush: flushes the connections of port args[0] that meet any of
 * 'conds', the conditions of the rules a change added, removed or
 * replaced, in either orientation.  Prints how many. */
static void
flush_conds(char *args[], const struct svec *conds)
{
    long long int n = 0;

    for (size_t i = 0; i < conds->n; i++) {
        char *flush_args[] = { args[0], "--either", conds->names[i] };
        struct json *reply = call("vfp/flush-connections", 3, flush_args);

        n += get_int(reply, "flushed");
        json_destroy(reply);
    }
    if (format == FORMAT_TABLE) {
        printf("port %s: %lld connections flushed\n", args[0], n);
    }
}

/* Prometheus text exposition format: a label value, escaped. */
static void
put_label(struct ds *out, const char *name, const char *value)
{
    ds_put_format(out, "%s=\"", name);
    for (const char *p = value; *p; p++) {
        if (*p == '\\' || *p == '"') {
            ds_put_format(out, "\\%c", *p);
        } else if (*p == '\n') {
            ds_put_cstr(out, "\\n");
        } else {
            ds_put_char(out, *p);
        }
    }
    ds_put_char(out, '"');
}

/* One sample of the families "PREFIX_packets_total" or
 * "PREFIX_bytes_total" ('bytes'), from counter object 'c', with the labels
 * in 'labels' (name, value, ..., NULL). */
static void
put_sample(struct ds *out, const char *prefix, bool bytes,
           const struct json *c, const char *labels[])
{
    ds_put_format(out, "%s_%s_total{", prefix, bytes ? "bytes" : "packets");
    for (size_t i = 0; labels[i]; i += 2) {
        if (i) {
            ds_put_char(out, ',');
        }
        put_label(out, labels[i], labels[i + 1]);
    }
    ds_put_format(out, "} %lld\n", get_int(c, bytes ? "bytes" : "packets"));
}

/* The statistics of the ports in 'stats' (vfp/stats replies), whose
 * bridges are 'bridges', as Prometheus metric families: each family's
 * HELP and TYPE, then its samples, for every port. */
static void
render_prometheus(const struct json *const stats[], const char *bridges[],
                  size_t n, struct ds *out)
{
    static const char *const dirs[] = { "in", "out" };
    static const struct {
        const char *prefix, *help;
    } families[] = {
        { "vfp_port", "through a VFP port's layers, by direction" },
        { "vfp_layer", "that reached a layer, by direction" },
        { "vfp_rule", "that a rule acted on, directly or through its "
          "layer flows" },
        { "vfp_counter", "counted by count(NAME) actions" },
        { "vfp_port_dropped", "a port dropped before its layers, by "
          "reason" },
    };

    for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
        for (int bytes = 0; bytes < 2; bytes++) {
            const char *prefix = families[f].prefix;

            ds_put_format(out, "# HELP %s_%s_total %s %s.\n", prefix,
                          bytes ? "bytes" : "packets",
                          bytes ? "Bytes" : "Packets", families[f].help);
            ds_put_format(out, "# TYPE %s_%s_total counter\n", prefix,
                          bytes ? "bytes" : "packets");
            for (size_t i = 0; i < n; i++) {
                const struct json *st = stats[i];
                const char *port = get_string(st, "port");
                const struct json_array *layers = get_array(st, "layers");
                const struct json_array *counters = get_array(st,
                                                              "counters");

                if (f == 0) {
                    for (size_t d = 0; d < 2; d++) {
                        const char *labels[] = { "bridge", bridges[i],
                            "port", port, "direction", dirs[d], NULL };
                        put_sample(out, prefix, bytes, get(st, dirs[d]),
                                   labels);
                    }
                } else if (f == 1 || f == 2) {
                    for (size_t l = 0; l < layers->n; l++) {
                        const struct json *layer = layers->elems[l];
                        const char *name = get_string(layer, "name");
                        const struct json_array *rules;

                        if (f == 1) {
                            for (size_t d = 0; d < 2; d++) {
                                const char *labels[] = {
                                    "bridge", bridges[i], "port", port,
                                    "layer", name, "direction", dirs[d],
                                    NULL };
                                put_sample(out, prefix, bytes,
                                           get(layer, dirs[d]), labels);
                            }
                            continue;
                        }
                        rules = get_array(layer, "rules");
                        for (size_t r = 0; r < rules->n; r++) {
                            const struct json *rule = rules->elems[r];
                            const char *labels[] = {
                                "bridge", bridges[i], "port", port,
                                "layer", name,
                                "group", get_string(rule, "group"),
                                "rule", get_string(rule, "rule"), NULL };
                            put_sample(out, prefix, bytes, rule, labels);
                        }
                    }
                } else if (f == 3) {
                    for (size_t c = 0; c < counters->n; c++) {
                        const char *labels[] = {
                            "bridge", bridges[i], "port", port,
                            "counter", get_string(counters->elems[c],
                                                  "name"), NULL };
                        put_sample(out, prefix, bytes, counters->elems[c],
                                   labels);
                    }
                } else {
                    /* Every reason, zeros too: a series that appears only
                     * after its first drop breaks rate() at that point. */
                    const struct json *drops = get(st, "drops");
                    const struct json *tnl = get(st, "tunnel_drops");
                    const char *labels[] = { "bridge", bridges[i],
                        "port", port, "reason", "tunnel-not-for-endpoint",
                        NULL };

                    put_sample(out, prefix, bytes, tnl, labels);
                    if (drops->type == JSON_OBJECT) {
                        const struct shash_node **nodes
                            = shash_sort(json_object(drops));

                        for (size_t k = 0;
                             k < shash_count(json_object(drops)); k++) {
                            labels[5] = nodes[k]->name;
                            put_sample(out, prefix, bytes, nodes[k]->data,
                                       labels);
                        }
                        free(nodes);
                    }
                }
            }
        }
    }
}

/* "stats" for PORTs, or every port of every VFP bridge: a table each, a
 * JSON array of their objects, or Prometheus metrics.  (With one PORT and
 * a table or JSON, main() prints the one reply as it prints any.) */
static void
stats_ports(int n_args, char *args[])
{
    /* Which bridge each port is on, and every port, in show's order. */
    struct json *show = call("vfp/show", 0, NULL);
    const struct json_array *brs = get_array(show, "bridges");
    struct shash bridge_of = SHASH_INITIALIZER(&bridge_of);
    struct svec ports = SVEC_EMPTY_INITIALIZER;
    for (size_t i = 0; i < brs->n; i++) {
        const struct json_array *bports = get_array(brs->elems[i], "ports");

        for (size_t j = 0; j < bports->n; j++) {
            const char *name = get_string(bports->elems[j], "name");

            shash_add_once(&bridge_of, name,
                           get_string(brs->elems[i], "name"));
            svec_add(&ports, name);
        }
    }
    if (n_args) {
        svec_clear(&ports);
        for (int i = 0; i < n_args; i++) {
            svec_add(&ports, args[i]);
        }
    }

    struct json **stats = xmalloc((ports.n + 1) * sizeof *stats);
    const char **bridges = xmalloc((ports.n + 1) * sizeof *bridges);
    for (size_t i = 0; i < ports.n; i++) {
        stats[i] = call("vfp/stats", 1, &ports.names[i]);
        bridges[i] = shash_find_data(&bridge_of, ports.names[i]);
        if (!bridges[i]) {
            bridges[i] = "";
        }
    }

    struct ds out = DS_EMPTY_INITIALIZER;
    if (format == FORMAT_PROMETHEUS) {
        render_prometheus((const struct json *const *) stats, bridges,
                          ports.n, &out);
    } else if (format == FORMAT_JSON) {
        struct json *array = json_array_create_empty();

        for (size_t i = 0; i < ports.n; i++) {
            json_array_add(array, json_clone(stats[i]));
        }
        char *s = json_to_string(array, JSSF_PRETTY | JSSF_SORT);
        ds_put_format(&out, "%s\n", s);
        free(s);
        json_destroy(array);
    } else {
        for (size_t i = 0; i < ports.n; i++) {
            render_stats(stats[i], &out);
        }
    }
    fputs(ds_cstr(&out), stdout);
    ds_destroy(&out);

    for (size_t i = 0; i < ports.n; i++) {
        json_destroy(stats[i]);
    }
    free(stats);
    free(bridges);
    svec_destroy(&ports);
    shash_destroy(&bridge_of);
    json_destroy(show);
    exit(EXIT_SUCCESS);
}

/* Writes 'reply' to 'file_name', through a file beside it that is renamed
 * over it: a failure leaves the old file as it was. */
static void
write_reply(const struct json *reply, const char *file_name)
{
    char *tmp = xasprintf("%s.tmp", file_name);
    char *text = json_to_string(reply, JSSF_PRETTY | JSSF_SORT);
    FILE *file = fopen(tmp, "w");

    if (!file) {
        ovs_fatal(errno, "cannot write \"%s\"", tmp);
    }
    if (fputs(text, file) == EOF || fputc('\n', file) == EOF
        || fflush(file) || fsync(fileno(file))) {
        int error = errno;

        unlink(tmp);
        ovs_fatal(error, "cannot write \"%s\"", tmp);
    }
    if (fclose(file) || rename(tmp, file_name)) {
        int error = errno;

        unlink(tmp);
        ovs_fatal(error, "cannot write \"%s\"", file_name);
    }
    free(text);
    free(tmp);
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_EMER);

    char *error = parse_options(argc, argv);
    if (error) {
        ovs_error(0, "%s", error);
        exit(EXIT_FAILURE);
    }
    argc -= optind;
    argv += optind;

    if (argc < 1) {
        ovs_error(0, "missing command (use --help for help)");
        exit(EXIT_FAILURE);
    }
    const struct vfp_ctl_command *cmd = find_command(argv[0]);
    if (!cmd) {
        ovs_error(0, "unknown command \"%s\" (use --help for help)",
                  argv[0]);
        exit(EXIT_FAILURE);
    }
    int n_args = argc - 1;
    if (n_args < cmd->min_args || n_args > cmd->max_args) {
        ovs_error(0, "\"%s\" takes %s%s (use --help for help)", cmd->name,
                  cmd->args[0] ? "arguments " : "no arguments", cmd->args);
        exit(EXIT_FAILURE);
    }

    if (flush && strcmp(cmd->name, "add-rule")
        && strcmp(cmd->name, "del-rule")
        && strcmp(cmd->name, "replace-group")) {
        ovs_error(0, "--flush goes with add-rule, del-rule or replace-group");
        exit(EXIT_FAILURE);
    }
    if (timeout) {
        time_alarm(timeout);
    }

    /* --flush: the conditions of the rules that the change removes. */
    struct svec flush_conds_ = SVEC_EMPTY_INITIALIZER;
    if (flush && strcmp(cmd->name, "add-rule")) {
        get_rule_conds(argv + 1, (!strcmp(cmd->name, "del-rule")
                                  ? argv[4] : NULL), &flush_conds_);
    }

    char **args = argv + 1;
    char *file_contents = NULL;
    const char *in_name = cmd->file_arg ? args[cmd->file_arg - 1] : NULL;
    if (cmd->file_arg) {
        const char *file_name = in_name;
        struct ds ds = DS_EMPTY_INITIALIZER;
        FILE *file = fopen(file_name, "r");

        if (!file) {
            ovs_error(errno, "cannot read \"%s\"", file_name);
            exit(EXIT_FAILURE);
        }
        /* A NUL would end the string that is sent: refuse it rather than
         * send part of the file. */
        int c, line = 1;
        while ((c = getc(file)) != EOF) {
            if (!c) {
                ovs_error(0, "\"%s\": line %d: NUL byte (the file must be "
                          "text)", file_name, line);
                exit(EXIT_FAILURE);
            }
            line += c == '\n';
            ds_put_char(&ds, c);
        }
        if (ferror(file)) {
            ovs_error(errno, "cannot read \"%s\"", file_name);
            exit(EXIT_FAILURE);
        }
        fclose(file);
        file_contents = ds_steal_cstr(&ds);
        args = xmemdup(args, n_args * sizeof *args);
        args[cmd->file_arg - 1] = file_contents;
    }
    const char *out_name = cmd->out_file ? args[n_args - 1] : NULL;
    int n_sent = n_args - cmd->out_file;

    if (!strcmp(cmd->name, "stats")
        && (n_args != 1 || format == FORMAT_PROMETHEUS)) {
        stats_ports(n_args, args);
    } else if (format == FORMAT_PROMETHEUS) {
        ovs_error(0, "--format=prometheus goes with stats");
        exit(EXIT_FAILURE);
    }

    struct jsonrpc *client = connect_to_target(&error);
    if (!client) {
        ovs_error(0, "%s", error);
        exit(EXIT_FAILURE);
    }
    if (!cmd->render_table) {
        monitor(client, n_args, args);
    }

    char *result, *server_error;
    int rpc_error = unixctl_client_transact(client, cmd->unixctl, n_sent,
                                            args, &result, &server_error);
    jsonrpc_close(client);
    if (cmd->file_arg) {
        /* The file's contents went into the request: sent, not needed. */
        free(file_contents);
        free(args);
    }
    if (rpc_error) {
        ovs_error(rpc_error, "%s: transaction error", target);
        exit(EXIT_FAILURE);
    }
    if (server_error) {
        /* The server's message already names the problem; what it read
         * came from a file the server does not know, except for the lines
         * of a replace-group file, which name themselves. */
        fprintf(stderr, "%s: ", program_name);
        if (in_name && !strcmp(cmd->name, "restore")) {
            fprintf(stderr, "%s: ", in_name);
        }
        fputs(server_error, stderr);
        size_t len = strlen(server_error);
        if (!len || server_error[len - 1] != '\n') {
            fputc('\n', stderr);
        }
        exit(2);
    }

    struct json *reply = json_from_string(result);
    if (reply->type == JSON_STRING) {
        ovs_fatal(0, "%s: cannot parse reply (%s)", target,
                  json_string(reply));
    }

    if (flush) {
        /* ...and of those it adds. */
        if (!strcmp(cmd->name, "add-rule")) {
            const char *match = "";
            for (int i = 4; i < n_args; i++) {
                if (!strncmp(argv[1 + i], "match=", 6)) {
                    match = argv[1 + i] + 6;
                }
            }
            svec_add(&flush_conds_, match);
        } else if (!strcmp(cmd->name, "replace-group")) {
            get_rule_conds(argv + 1, NULL, &flush_conds_);
        }
        flush_conds(argv + 1, &flush_conds_);
        svec_destroy(&flush_conds_);
    }

    if (out_name) {
        write_reply(reply, out_name);
    }

    if (format == FORMAT_JSON && cmd->render_table == render_nothing) {
        /* A change: nothing to print. */
    } else if (format == FORMAT_JSON) {
        char *s = json_to_string(reply, JSSF_PRETTY | JSSF_SORT);
        puts(s);
        free(s);
    } else {
        struct ds out = DS_EMPTY_INITIALIZER;
        cmd->render_table(reply, &out);
        fputs(ds_cstr(&out), stdout);
        ds_destroy(&out);
    }
    json_destroy(reply);
    free(result);
    return 0;
}
