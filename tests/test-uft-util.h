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

#ifndef TESTS_TEST_UFT_UTIL_H
#define TESTS_TEST_UFT_UTIL_H 1

/* Helpers shared by the unit tests of the unified flow table (test-uft*.c):
 * keys of every shape a UF has, and actions that say whose they are. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/uft-key.h"

struct ofpbuf;

/* The shapes of a key: IPv4 or IPv6, with or without a VLAN header, and
 * an IP protocol with ports (TCP, UDP, SCTP), with a type and code (ICMP,
 * ICMPv6) or with neither. */
#define UFT_TEST_N_SHAPES 20

void uft_test_key(uint32_t id, struct uft_key *);
const char *uft_test_shape_name(uint32_t shape);
ovs_u128 uft_test_ufid(uint32_t id);

void uft_test_put_actions(struct ofpbuf *, uint32_t seed, size_t len);
bool uft_test_actions_equal(const struct nlattr *, size_t actions_len,
                            uint32_t seed, size_t len);
uint32_t uft_test_actions_seed(const struct nlattr *, size_t actions_len);

void uft_test_rcu_barrier(void);

#endif /* tests/test-uft-util.h */
