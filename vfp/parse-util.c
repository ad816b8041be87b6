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
#include "vfp/parse-util.h"

#include <ctype.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "smap.h"
#include "svec.h"
#include "util.h"

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool
is_punct(char c)
{
    return c && strchr(",()=|", c);
}

/* Parses all of 's' as a number from 0 to 'max': decimal without leading
 * zeros ("0" itself is fine), or "0x" followed by hex digits.  No sign, no
 * blanks.  Unlike strtoull(), nothing is skipped and nothing wraps. */
bool
vfp_parse_uint(const char *s, uint64_t max, uint64_t *value)
{
    bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    const char *p = hex ? s + 2 : s;
    int base = hex ? 16 : 10;
    uint64_t x = 0;

    if (!*p || (!hex && p[0] == '0' && p[1])) {
        return false;
    }
    for (; *p; p++) {
        int digit;

        if (isdigit((unsigned char) *p)) {
            digit = *p - '0';
        } else if (hex && isxdigit((unsigned char) *p)) {
            digit = tolower((unsigned char) *p) - 'a' + 10;
        } else {
            return false;
        }
        if (x > (UINT64_MAX - digit) / base) {
            return false;
        }
        x = x * base + digit;
    }
    if (x > max) {
        return false;
    }
    *value = x;
    return true;
}

/* Parses all of 's' as a MAC address: six pairs of hex digits separated by
 * colons (eth_addr_from_string() lets "fff:..." wrap). */
bool
vfp_parse_mac(const char *s, struct eth_addr *mac)
{
    if (strlen(s) != 17) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        const char *p = s + 3 * i;

        if (!isxdigit((unsigned char) p[0]) || !isxdigit((unsigned char) p[1])
            || (i < 5 && p[2] != ':')) {
            return false;
        }
        bool ok;
        mac->ea[i] = hexits_value(p, 2, &ok);
    }
    return true;
}

/* Returns an error if 's' holds a byte that is neither printable ASCII nor
 * a blank.  'what' names the input in the message. */
char *
vfp_check_chars(const char *s, const char *what)
{
    for (const char *p = s; *p; p++) {
        unsigned char c = *p;

        if ((c < 0x20 && c != '\t') || c >= 0x7f) {
            struct ds ds = DS_EMPTY_INITIALIZER;

            ds_put_format(&ds, "%s ", what);
            vfp_put_quoted(&ds, s);
            ds_put_format(&ds, ": byte 0x%02x at offset %"PRIuSIZE" is not "
                          "allowed (printable ASCII and blanks only)",
                          c, (size_t) (p - s));
            return ds_steal_cstr(&ds);
        }
    }
    return NULL;
}

/* Tokenizes 's' and stores in '*normalp' its tokens, without blanks except
 * one space between two adjacent words in VFP_LEX_WORDS mode.  In
 * VFP_LEX_ONE_WORD mode, two adjacent words are an error that quotes them. */
char *
vfp_normalize(const char *s, enum vfp_lex_mode mode, char **normalp)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    const char *prev_word = NULL;
    char *error;

    *normalp = NULL;
    error = vfp_check_chars(s, "input");
    if (error) {
        return error;
    }
    for (const char *p = s; *p;) {
        if (is_blank(*p)) {
            p++;
        } else if (is_punct(*p)) {
            ds_put_char(&out, *p++);
            prev_word = NULL;
        } else {
            const char *start = p;

            while (*p && !is_blank(*p) && !is_punct(*p)) {
                p++;
            }
            if (prev_word) {
                if (mode == VFP_LEX_ONE_WORD) {
                    char *token = xmemdup0(prev_word, p - prev_word);
                    struct ds e = DS_EMPTY_INITIALIZER;

                    vfp_put_quoted(&e, token);
                    ds_put_cstr(&e, ": a blank inside a word (blanks may "
                                "only surround , ( ) = |)");
                    free(token);
                    ds_destroy(&out);
                    return ds_steal_cstr(&e);
                }
                ds_put_char(&out, ' ');
            }
            ds_put_buffer(&out, start, p - start);
            prev_word = start;
        }
    }
    *normalp = ds_steal_cstr(&out);
    return NULL;
}

/* Splits 's' (normalized) at each 'sep' outside parentheses into 'parts'.
 * An empty element or unbalanced parentheses are an error naming 'what'. */
char *
vfp_split_list(const char *s, char sep, const char *what, struct svec *parts)
{
    const char *start = s;
    const char *problem = NULL;
    int depth = 0;

    svec_init(parts);
    for (const char *p = s; ; p++) {
        depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
        if (depth < 0 || (!*p && depth)) {
            problem = "unbalanced parentheses";
            break;
        }
        if ((*p == sep && !depth) || !*p) {
            if (p == start) {
                problem = "empty list element";
                break;
            }
            svec_add_nocopy(parts, xmemdup0(start, p - start));
            start = p + 1;
            if (!*p) {
                return NULL;
            }
        }
    }

    char *q = vfp_quote(s);
    char *error = xasprintf("%s %s: %s", what, q, problem);
    free(q);
    svec_destroy(parts);
    svec_init(parts);
    return error;
}

/* Splits 'line' into words at blanks.  Double quotes group a word's
 * characters, blanks included, and are removed (match="proto=tcp
 * dst-port=80" is one word); there are no escapes.  A byte that is not
 * printable ASCII or a blank, or an unterminated quote, is an error.
 *
 * This is svec_parse_words() behind what it lacks for VFP's grammar: it
 * takes any byte, only logs an unterminated quote, and also quotes with
 * '\'' and escapes with '\\'.  So the bytes are checked first, an open
 * quote is an error here, and '\'' and '\\' are escaped so that they stay
 * literal (the parsers of names and values then refuse them, naming the
 * word, as they refuse any other stray character). */
char *
vfp_split_words(const char *line, struct svec *words)
{
    struct ds escaped = DS_EMPTY_INITIALIZER;
    const char *quote = NULL;
    char *error;

    svec_init(words);
    error = vfp_check_chars(line, "line");
    if (error) {
        return error;
    }
    for (const char *p = line; *p; p++) {
        if (*p == '"') {
            quote = quote ? NULL : p;
        } else if (*p == '\'' || *p == '\\') {
            ds_put_char(&escaped, '\\');
        }
        ds_put_char(&escaped, *p);
    }
    if (quote) {
        struct ds e = DS_EMPTY_INITIALIZER;

        ds_put_cstr(&e, "unterminated quote: ");
        vfp_put_quoted(&e, quote);
        ds_destroy(&escaped);
        return ds_steal_cstr(&e);
    }
    svec_parse_words(words, ds_cstr(&escaped));
    ds_destroy(&escaped);
    return NULL;
}

/* Parses the options of a command, 'words[0..n)', each "KEY=VALUE" or a
 * "FLAG", into 'options' (initialized by the caller): KEY maps to VALUE, a
 * FLAG to "".  'allowed' lists the keys that may be given, space-separated,
 * those taking a value with their '=' ("priority= terminating").  A key
 * given twice is an error; a flag given twice is the flag. */
char *
vfp_parse_options(size_t n, const char *const words[], const char *allowed,
                  struct smap *options)
{
    char *allowed_padded = xasprintf(" %s ", allowed);
    char *error = NULL;

    for (size_t i = 0; i < n && !error; i++) {
        const char *word = words[i];
        const char *eq = strchr(word, '=');
        char *key = eq ? xmemdup0(word, eq - word) : xstrdup(word);
        char *pattern = xasprintf(" %s%s ", key, eq ? "=" : "");

        if (!strstr(allowed_padded, pattern)) {
            char *q = vfp_quote(word);
            error = xasprintf("%s is not an option here (options: %s)", q,
                              allowed);
            free(q);
        } else if (!eq) {
            smap_replace(options, key, "");
        } else if (smap_get(options, key)) {
            error = xasprintf("\"%s\" given twice", key);
        } else {
            smap_add(options, key, eq + 1);
        }
        free(pattern);
        free(key);
    }
    free(allowed_padded);
    return error;
}

void
vfp_put_quoted(struct ds *ds, const char *s)
{
    size_t len = strlen(s);

    ds_put_char(ds, '"');
    for (size_t i = 0; i < len && i < VFP_QUOTE_MAX; i++) {
        unsigned char c = s[i];

        if (c == '"' || c == '\\') {
            ds_put_format(ds, "\\%c", c);
        } else if (c < 0x20 || c >= 0x7f) {
            ds_put_format(ds, "\\x%02x", c);
        } else {
            ds_put_char(ds, c);
        }
    }
    ds_put_char(ds, '"');
    if (len > VFP_QUOTE_MAX) {
        ds_put_format(ds, "... (%"PRIuSIZE" bytes)", len);
    }
}

char *
vfp_quote(const char *s)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    vfp_put_quoted(&ds, s);
    return ds_steal_cstr(&ds);
}
