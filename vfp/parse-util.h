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

/* Number parsing shared by the parsers of conditions, actions and rules. */

#include <stdbool.h>
#include <stdint.h>
#include "util.h"

/* Parses all of 's' as an unsigned number in 'base' (0: decimal, 0x hex or
 * 0 octal, as strtoull()) from 0 to 'max'.  Unlike strtoull(), refuses an
 * empty string, a sign and trailing characters. */
static inline bool
vfp_parse_uint(const char *s, int base, uint64_t max, uint64_t *value)
{
    unsigned long long int x;

    if (!s[0] || s[0] == '-' || s[0] == '+' || !str_to_ullong(s, base, &x)
        || x > max) {
        return false;
    }
    *value = x;
    return true;
}

#endif /* vfp/parse-util.h */
