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

/* "snapshot-roundtrip FILE": reading the state file FILE and writing what
 * was read gives FILE's document again, and so does reading that.
 *
 * "snapshot-fuzz FILE N SEED": N mutations of FILE (bytes flipped, cut,
 * duplicated or replaced by JSON tokens, numbers made huge or negative);
 * each is refused with a message, or accepted, and then what it gives
 * reads back to the same document.  Under the sanitizers, nothing leaks
 * either way. */

#include <config.h>
#undef NDEBUG
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "ovs-rcu.h"
#include "ovstest.h"
#include "random.h"
#include "util.h"
#include "vfp/port.h"
#include "vfp/snapshot.h"

static char *
read_file(const char *name)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    FILE *file = fopen(name, "r");
    int c;

    if (!file) {
        ovs_fatal(errno, "%s: open failed", name);
    }
    while ((c = getc(file)) != EOF) {
        ds_put_char(&s, c);
    }
    fclose(file);
    return ds_steal_cstr(&s);
}

/* The document of the ports of 'snapshot', by name, as a string. */
static char *
write_snapshot(const struct vfp_snapshot *snapshot)
{
    const struct shash_node **nodes = shash_sort(&snapshot->ports);
    struct json *ports = json_array_create_empty();

    for (size_t i = 0; i < shash_count(&snapshot->ports); i++) {
        json_array_add(ports, vfp_snapshot_port_to_json(nodes[i]->data));
    }
    free(nodes);

    struct json *doc = vfp_snapshot_to_json(ports);
    char *s = json_to_string(doc, JSSF_SORT);
    json_destroy(doc);
    return s;
}

/* Reads 'text', which must be accepted, and returns what writing it
 * gives. */
static char *
reread(const char *text, const char *what)
{
    struct vfp_snapshot snapshot;
    char *error = vfp_snapshot_read(text, &snapshot);

    if (error) {
        ovs_fatal(0, "%s: refused: %s", what, error);
    }
    char *s = write_snapshot(&snapshot);
    vfp_snapshot_destroy(&snapshot);
    return s;
}

static char *
canonical(const char *text)
{
    struct json *json = json_from_string(text);
    char *s = json_to_string(json, JSSF_SORT);

    json_destroy(json);
    return s;
}

static void
test_snapshot_roundtrip(int argc OVS_UNUSED, char *argv[])
{
    char *text = read_file(argv[1]);
    char *once = reread(text, argv[1]);
    char *twice = reread(once, "the rewritten document");
    char *orig = canonical(text);

    if (strcmp(orig, once)) {
        ovs_fatal(0, "%s: written differently:\n%s\n%s", argv[1], orig,
                  once);
    }
    ovs_assert(!strcmp(once, twice));
    printf("%s: round trip: same document\n", argv[1]);
    free(orig);
    free(twice);
    free(once);
    free(text);
}

static const char *const tokens[] = {
    "{", "}", "[", "]", ",", ":", "\"\"", "null", "true", "false", "0", "-1",
    "1e999", "18446744073709551616", "9223372036854775807", "65536",
    "\"version\"", "\"name\"", "\"ports\"", "\"layers\"", "\"rules\"",
    "\"match\"", "\"action\"", "\"a b\"", "\"\\u0001\"", "\"\\\"\"",
    "\"drop\"", "\"allow\"", "\"block\"", "\"lpm:src-ip\"", "2",
};

struct objects {
    struct json **objs;
    size_t n, allocated;
};

static void
collect_objects(struct json *json, struct objects *o)
{
    if (json->type == JSON_OBJECT) {
        struct shash_node *node;

        if (o->n >= o->allocated) {
            o->objs = x2nrealloc(o->objs, &o->allocated, sizeof *o->objs);
        }
        o->objs[o->n++] = json;
        SHASH_FOR_EACH (node, json_object(json)) {
            collect_objects(node->data, o);
        }
    } else if (json->type == JSON_ARRAY) {
        for (size_t i = 0; i < json_array(json)->n; i++) {
            collect_objects(json_array(json)->elems[i], o);
        }
    }
}

/* One random change to a member of one object of the document: removed,
 * or its value replaced by a token, or one character of a string value
 * changed.  The result is still JSON, so the change reaches the checks of
 * what the document means. */
static void
mutate_member(struct ds *text)
{
    struct json *json = json_from_string(ds_cstr(text));
    struct objects o = { NULL, 0, 0 };

    collect_objects(json, &o);
    if (o.n) {
        struct shash *members = json_object(o.objs[random_range(o.n)]);
        const struct shash_node **nodes = shash_sort(members);
        size_t n_members = shash_count(members);

        if (n_members) {
            const struct shash_node *node = nodes[random_range(n_members)];
            struct json *value = node->data;
            int op = random_range(3);

            if (op == 0) {
                json_destroy(shash_find_and_delete(members, node->name));
            } else if (op == 1 || value->type != JSON_STRING
                       || !value->string[0]) {
                struct json *token = json_from_string(
                    tokens[random_range(ARRAY_SIZE(tokens))]);
                json_destroy(shash_replace(members, node->name, token));
            } else {
                char *str = value->string;
                size_t at = random_range(strlen(str));
                str[at] = " \"|,=()-:/.0aZ"[random_range(14)];
            }
        }
        free(nodes);
    }
    free(o.objs);
    ds_clear(text);
    if (json->type != JSON_STRING) {
        char *s = json_to_string(json, 0);
        ds_put_cstr(text, s);
        free(s);
    }
    json_destroy(json);
}

/* One random change to 'text'. */
static void
mutate(struct ds *text)
{
    size_t len = text->length;
    size_t at = len ? random_range(len) : 0;

    switch (random_range(9)) {
    case 0: {                   /* Flip a byte (never to NUL). */
        if (len) {
            char c = text->string[at] ^ (1u << random_range(7));
            text->string[at] = c ? c : 'x';
        }
        break;
    }
    case 1:                     /* Cut the rest. */
        ds_truncate(text, at);
        break;
    case 2: {                   /* Drop a span. */
        size_t r = random_range(64) + 1;   /* MIN() evaluates twice. */
        size_t n = MIN(len - at, r);
        memmove(&text->string[at], &text->string[at + n], len - at - n);
        ds_truncate(text, len - n);
        break;
    }
    case 3: {                   /* Duplicate a span. */
        size_t r = random_range(256) + 1;
        size_t n = MIN(len - at, r);
        char *span = xmemdup0(&text->string[at], n);
        char *rest = xstrdup(&text->string[at]);

        ds_truncate(text, at);
        ds_put_cstr(text, span);
        ds_put_cstr(text, rest);
        free(span);
        free(rest);
        break;
    }
    case 6: case 7: case 8:
        mutate_member(text);
        break;
    case 4: case 5: {           /* A token in place of a word. */
        size_t n = 0;
        while (at + n < len && strchr(" \n,:", text->string[at + n]) == NULL
               && n < 40) {
            n++;
        }
        char *rest = xstrdup(&text->string[at + n]);
        ds_truncate(text, at);
        ds_put_cstr(text, tokens[random_range(ARRAY_SIZE(tokens))]);
        ds_put_cstr(text, rest);
        free(rest);
        break;
    }
    }
}

static void
test_snapshot_fuzz(int argc OVS_UNUSED, char *argv[])
{
    char *orig = read_file(argv[1]);
    int n = atoi(argv[2]);
    int n_accepted = 0, n_refused = 0;

    random_set_seed(atoi(argv[3]));
    for (int i = 0; i < n; i++) {
        struct ds text = DS_EMPTY_INITIALIZER;
        struct vfp_snapshot snapshot;

        ds_put_cstr(&text, orig);
        if (i % 2) {
            /* Half of them one change of meaning, which the parser
             * cannot catch as a syntax error. */
            mutate_member(&text);
        } else {
            for (int k = random_range(4); k >= 0; k--) {
                mutate(&text);
            }
        }

        char *error = vfp_snapshot_read(ds_cstr(&text), &snapshot);
        if (error) {
            ovs_assert(error[0]);
            ovs_assert(shash_is_empty(&snapshot.ports));
            n_refused++;
            free(error);
        } else {
            /* Accepted: it means what it reads back as. */
            char *once = write_snapshot(&snapshot);
            char *twice = reread(once, "an accepted mutation, rewritten");

            ovs_assert(!strcmp(once, twice));
            free(once);
            free(twice);
            n_accepted++;
        }
        vfp_snapshot_destroy(&snapshot);
        ds_destroy(&text);
        ovsrcu_quiesce();   /* Frees what the destroyed ports postponed. */
    }
    printf("%d mutations: %d refused, %d accepted\n", n, n_refused,
           n_accepted);
    free(orig);
}

static void
test_snapshot_roundtrip_main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    if (argc != 2) {
        ovs_fatal(0, "usage: snapshot-roundtrip FILE");
    }
    test_snapshot_roundtrip(argc, argv);
}

static void
test_snapshot_fuzz_main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    if (argc != 4) {
        ovs_fatal(0, "usage: snapshot-fuzz FILE N SEED");
    }
    test_snapshot_fuzz(argc, argv);
}

OVSTEST_REGISTER("snapshot-roundtrip", test_snapshot_roundtrip_main);
OVSTEST_REGISTER("snapshot-fuzz", test_snapshot_fuzz_main);
