# The kernel datapath lane: "make check-kernel" builds a guest from
# Debian's linux-image-cloud-amd64 and this tree, boots it in qemu and runs
# the kernel autotest suite (tests/kernel/testsuite, from
# tests/kernel/testsuite.at) there, as OVS's "make check-kernel" runs
# tests/system-kmod-testsuite.at on the host.  See docs/testing.md.

noinst_PROGRAMS += tests/kernel/vfp-pkt
tests_kernel_vfp_pkt_SOURCES = tests/kernel/vfp-pkt.c
tests_kernel_vfp_pkt_LDADD =

KERNEL_TESTSUITE_AT = \
	tests/kernel/testsuite.at \
	tests/kernel/kmod-macros.at \
	tests/kernel/system-vfp.at
KERNEL_TESTSUITE = $(srcdir)/tests/kernel/testsuite

EXTRA_DIST += \
	$(KERNEL_TESTSUITE_AT) \
	$(KERNEL_TESTSUITE) \
	tests/kernel/build-guest.sh \
	tests/kernel/run-guest.sh \
	tests/kernel/init

$(KERNEL_TESTSUITE): tests/package.m4 $(KERNEL_TESTSUITE_AT) \
		$(OVS_SRCDIR)/tests/ovs-macros.at \
		$(OVS_SRCDIR)/tests/ofproto-macros.at \
		$(OVS_SRCDIR)/tests/system-common-macros.at \
		$(OVS_SRCDIR)/tests/system-kmod-macros.at
	$(AM_V_GEN)$(AUTOTEST) -I '$(srcdir)' -I '$(OVS_SRCDIR)' -o $@.tmp $(srcdir)/tests/kernel/testsuite.at && mv $@.tmp $@

KERNEL_GUEST = $(abs_top_builddir)/tests/kernel/guest

# The guest runs "testsuite $(KERNEL_TESTS) $(TESTSUITEFLAGS)": test
# numbers (KERNEL_TESTS="20 21") or the testsuite's own options
# (TESTSUITEFLAGS='-k tcp').  KERNEL_TIMEOUT: seconds the guest may run
# (default 1200).
.PHONY: check-kernel clean-kernel
check-kernel: all $(KERNEL_TESTSUITE)
	@start=`date +%s`; \
	$(SHELL) '$(srcdir)/tests/kernel/build-guest.sh' '$(abs_top_srcdir)' \
	  '$(abs_top_builddir)' '$(OVS_SRCDIR)' '$(KERNEL_GUEST)' && \
	$(SHELL) '$(srcdir)/tests/kernel/run-guest.sh' '$(KERNEL_GUEST)' \
	  $(KERNEL_TESTS) $(TESTSUITEFLAGS); \
	status=$$?; \
	echo "check-kernel: took $$((`date +%s` - start)) s"; \
	exit $$status

clean-local: clean-kernel
clean-kernel:
	rm -rf '$(KERNEL_GUEST)'
