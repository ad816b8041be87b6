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


#ifndef VFP_PARSE_UTIL_H
#define VFP_PARSE_UTIL_H 1

/* The one lexical grammar of everything VFP parses: conditions, actions,
 * the lines of a replace-group file, command options, resource lists,
 * other_config values (vfp-ctl(8), "GRAMMAR").
 *
 *   - Characters: printable ASCII, blanks (space, tab).  Any other byte
 *     (control characters, NUL, DEL, non-ASCII) is an error.
 *   - Words and punctuation: the punctuation is , ( ) = |; blanks next to
 *     punctuation are insignificant.  Two words next to each other are two
 *     tokens: in conditions they are two conditions, in actions an error
 *     ("al low" is not "allow").
 *   - Lists: elements separated by ',' (or '|'), none empty.
 *   - Numbers: decimal without leading zeros, or 0x and hex digits; no sign,
 *     no blanks, in the field's range.  The same everywhere.
 *
 * The functions that return 'char *' return NULL on success or a malloc'd
 * message that quotes the offending token. */

#include <stdbool.h>
#include <stdint.h>
#include "compiler.h"
#include "openvswitch/types.h"

struct ds;
struct eth_addr;
struct smap;
struct svec;

bool vfp_parse_uint(const char *, uint64_t max, uint64_t *value);
bool vfp_parse_mac(const char *, struct eth_addr *);

/* How vfp_normalize() treats two adjacent words. */
enum vfp_lex_mode {
    VFP_LEX_WORDS,              /* Separate tokens: keeps one space. */
    VFP_LEX_ONE_WORD,           /* An error. */
};

char *vfp_normalize(const char *, enum vfp_lex_mode, char **normalp)
    OVS_WARN_UNUSED_RESULT;
char *vfp_split_list(const char *, char sep, const char *what,
                     struct svec *) OVS_WARN_UNUSED_RESULT;
char *vfp_split_words(const char *line, struct svec *)
    OVS_WARN_UNUSED_RESULT;
char *vfp_check_chars(const char *, const char *what)
    OVS_WARN_UNUSED_RESULT;
char *vfp_parse_options(size_t n, const char *const words[],
                        const char *allowed, struct smap *)
    OVS_WARN_UNUSED_RESULT;

/* Quoting for messages: 's' between double quotes, with '"', '\' and any
 * byte that is not printable ASCII escaped, cut after VFP_QUOTE_MAX
 * characters. */
#define VFP_QUOTE_MAX 80
void vfp_put_quoted(struct ds *, const char *s);
char *vfp_quote(const char *s);

#endif /* vfp/parse-util.h */
