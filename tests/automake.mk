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
	tests/vfp-unit.at
TESTSUITE = $(srcdir)/tests/testsuite
EXTRA_DIST += $(TESTSUITE_AT) $(TESTSUITE) tests/atlocal.in tests/package.m4 \
	tests/vfp-encap.py \
	tests/vfp-frag.py \
	tests/vfp-fuzz.py \
	tests/vfp-trace-check.py \
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

# "make check-asan": our code under ASan and UBSan, in a copy of the tree
# (tests/check-asan.sh).  ASAN_TESTSUITEFLAGS picks the tests: by default
# those that wait for the daemon before reading what it did (the stress
# test, the enforcement tests with their fuzzers, and the forwarding,
# layer and UF tests, through VFP_RECEIVE); the others read results
# without waiting, which the sanitizers make slow enough to miss.
ASAN_BUILDDIR = $(abs_top_builddir)/tests/asan-build
ASAN_TESTSUITEFLAGS = -j2 -k stress -k grammar -k simulation -k fragments \
	-k tunnel -k malformed -k forwarding -k layers -k groups -k unified
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

clean-local:
	test ! -f '$(TESTSUITE)' || $(SHELL) '$(TESTSUITE)' -C tests --clean
	rm -rf '$(ASAN_BUILDDIR)'

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
	tests/test-ufid.c
tests_vfptest_CPPFLAGS = $(AM_CPPFLAGS) -I $(OVS_SRCDIR)/tests
tests_vfptest_LDADD = \
	$(OVS_SRCDIR)/tests/ovstest.$(OBJEXT) \
	ofproto-vfp/libofproto-vfp.la \
	$(OVS_LIBOFPROTO)
