# The autotest suite, on OVS's own test macros (ovs/tests/*-macros.at).

TESTSUITE_AT = \
	tests/testsuite.at \
	tests/vfp-macros.at \
	tests/vfp-forwarding.at \
	tests/vfp-ufs.at \
	tests/vfp-ctl.at \
	tests/vfp-openflow.at \
	tests/vfp-layers.at \
	tests/vfp-stateful.at \
	tests/vfp-simulation.at \
	tests/vfp-fragments.at \
	tests/vfp-ctl-errors.at \
	tests/vfp-stress.at \
	tests/vfp-grammar.at \
	tests/vfp-tunnel.at \
	tests/vfp-malformed.at \
	tests/vfp-uft.at \
	tests/vfp-state.at \
	tests/vfp-unit.at
TESTSUITE = $(srcdir)/tests/testsuite
EXTRA_DIST += $(TESTSUITE_AT) $(TESTSUITE) tests/atlocal.in tests/package.m4 \
	tests/vfp-encap.py \
	tests/vfp-frag.py \
	tests/vfp-state-v1.json \
	tests/vfp-fuzz.py \
	tests/vfp-trace-check.py \
	tests/vfp-state.py \
	tests/check-asan.sh \
	tests/check-thread-safety.sh
DISTCLEANFILES += tests/atconfig tests/atlocal

# Our binaries first, then OVS's (ovsdb-server, ovs-vsctl, ovs-pcap, ...).
AUTOTEST_PATH = $(abs_top_builddir)/vswitchd:$(abs_top_builddir)/utilities:$(abs_top_builddir)/tests:$(OVS_SRCDIR)/utilities:$(OVS_SRCDIR)/ovsdb:$(OVS_SRCDIR)/vswitchd:$(OVS_SRCDIR)/tests

# "make check" runs both suites; "make check-vfp" and "make check-upstream"
# run one each.
check-local: check-vfp check-upstream

.PHONY: check-vfp check-upstream
check-vfp: all tests/atconfig tests/atlocal $(TESTSUITE) $(check_PROGRAMS)
	$(SHELL) '$(TESTSUITE)' -C tests AUTOTEST_PATH='$(AUTOTEST_PATH)' $(TESTSUITEFLAGS)

# The drop-in proof: OVS's own tests of ofproto-dpif and the userspace
# datapath, unchanged, against our ovs-vswitchd (first in AUTOTEST_PATH).
UPSTREAM_TESTSUITE_KEYWORDS = -k ofproto-dpif -k dpif-netdev
UPSTREAM_AUTOTEST_PATH = $(abs_top_builddir)/vswitchd:$(OVS_SRCDIR)/utilities:$(OVS_SRCDIR)/vswitchd:$(OVS_SRCDIR)/ovsdb:$(OVS_SRCDIR)/vtep:$(OVS_SRCDIR)/tests:$(OVS_SRCDIR)/ipsec
check-upstream: all
	$(SHELL) '$(OVS_SRCDIR)/tests/testsuite' -C '$(OVS_SRCDIR)/tests' \
	  AUTOTEST_PATH='$(UPSTREAM_AUTOTEST_PATH)' \
	  $(UPSTREAM_TESTSUITE_KEYWORDS) $(TESTSUITEFLAGS)

# "make check-asan": the whole tree, ovs/ included, under ASan (leaks
# checked) and UBSan, in a copy of the tree kept in tests/asan-build
# (tests/check-asan.sh): the first run builds OVS there, later ones only
# what changed.  ASAN_TESTSUITEFLAGS picks the tests: by default all of
# check-vfp.  Any sanitizer report fails the test that left it, and the
# run.
ASAN_BUILDDIR = $(abs_top_builddir)/tests/asan-build
ASAN_TESTSUITEFLAGS = -j2
.PHONY: check-asan
check-asan: all
	$(SHELL) '$(srcdir)/tests/check-asan.sh' '$(abs_top_srcdir)' \
	  '$(ASAN_BUILDDIR)' $(ASAN_TESTSUITEFLAGS)

# "make check-thread-safety": clang -Wthread-safety -Werror over our code
# (tests/check-thread-safety.sh), a compile-only pass that checks the lock
# annotations gcc ignores.
.PHONY: check-thread-safety
check-thread-safety: all
	$(SHELL) '$(srcdir)/tests/check-thread-safety.sh' '$(abs_top_srcdir)' \
	  '$(OVS_SRCDIR)' $(OVS_CFLAGS)

# "make check-valgrind": check-vfp with ovs-vswitchd, vfp-ctl and vfptest
# run under valgrind (wrappers in tests/valgrind, first in AUTOTEST_PATH),
# as upstream's check-valgrind does.  Each process writes
# tests/valgrind/logs/valgrind.PID; the run fails if any of them reports
# an error or a definite leak.
VALGRIND = valgrind --log-file=$(abs_top_builddir)/tests/valgrind/logs/valgrind.%p \
	--leak-check=full \
	--errors-for-leak-kinds=definite --num-callers=20
VALGRIND_WRAP = vswitchd/ovs-vswitchd utilities/vfp-ctl tests/vfptest
.PHONY: check-valgrind
check-valgrind: all tests/atconfig tests/atlocal $(TESTSUITE) $(check_PROGRAMS)
	rm -rf tests/valgrind && mkdir -p tests/valgrind/logs
	for p in $(VALGRIND_WRAP); do \
	  printf '#! /bin/sh\nexec %s %s "$$@"\n' '$(VALGRIND)' \
	    "$(abs_top_builddir)/$$p" > tests/valgrind/$${p##*/} && \
	  chmod +x tests/valgrind/$${p##*/} || exit 1; \
	done
	$(SHELL) '$(TESTSUITE)' -C tests \
	  AUTOTEST_PATH='$(abs_top_builddir)/tests/valgrind:$(AUTOTEST_PATH)' \
	  $(TESTSUITEFLAGS) || status=$$?; \
	errors=`grep -l 'ERROR SUMMARY: [1-9]\|definitely lost: [1-9]' \
	  tests/valgrind/logs/valgrind.* 2>/dev/null`; \
	test -z "$$errors" || { echo "valgrind reports: $$errors"; status=1; }; \
	exit $${status:-0}

clean-local:
	test ! -f '$(TESTSUITE)' || $(SHELL) '$(TESTSUITE)' -C tests --clean
	rm -rf '$(ASAN_BUILDDIR)' tests/valgrind

AUTOM4TE = autom4te
AUTOTEST = $(AUTOM4TE) -l autotest
$(TESTSUITE): tests/package.m4 $(TESTSUITE_AT) $(OVS_SRCDIR)/tests/ovs-macros.at $(OVS_SRCDIR)/tests/ofproto-macros.at
	$(AM_V_GEN)$(AUTOTEST) -I '$(srcdir)' -I '$(OVS_SRCDIR)' -o $@.tmp $@.at && mv $@.tmp $@

tests/package.m4: $(top_srcdir)/configure.ac
	$(AM_V_GEN){ \
	  echo '# Signature of the current package.'; \
	  echo 'm4_define([AT_PACKAGE_NAME],      [$(PACKAGE_NAME)])'; \
	  echo 'm4_define([AT_PACKAGE_TARNAME],   [$(PACKAGE_TARNAME)])'; \
	  echo 'm4_define([AT_PACKAGE_VERSION],   [$(PACKAGE_VERSION)])'; \
	  echo 'm4_define([AT_PACKAGE_STRING],    [$(PACKAGE_STRING)])'; \
	  echo 'm4_define([AT_PACKAGE_BUGREPORT], [$(PACKAGE_BUGREPORT)])'; \
	} >'$@'

# Unit tests, ovstest style: "vfptest NAME" runs test NAME.
check_PROGRAMS = tests/vfptest
tests_vfptest_SOURCES = \
	tests/test-conn.c \
	tests/test-engine.c \
	tests/test-classifier.c \
	tests/test-ht.c \
	tests/test-forwarding.c \
	tests/test-snapshot.c \
	tests/test-ufid.c \
	tests/test-uft.c \
	tests/test-uft-bench.c \
	tests/test-uft-concurrent.c \
	tests/test-uft-parser.c \
	tests/test-uft-roundtrip.c \
	tests/test-uft-util.c \
	tests/test-uft-util.h
tests_vfptest_CPPFLAGS = $(AM_CPPFLAGS) -I $(OVS_SRCDIR)/tests
tests_vfptest_LDADD = \
	$(OVS_SRCDIR)/tests/ovstest.$(OBJEXT) \
	ofproto-vfp/libofproto-vfp.la \
	$(OVS_LIBOFPROTO)
