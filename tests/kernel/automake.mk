# The kernel datapath lane (issue 6): "make check-kernel" builds a guest
# from Debian's linux-image-cloud-amd64 and this tree, boots it in qemu and
# runs tests/kernel/suite.sh there.  See docs/testing.md.

noinst_PROGRAMS += tests/kernel/vfp-pkt
tests_kernel_vfp_pkt_SOURCES = tests/kernel/vfp-pkt.c
tests_kernel_vfp_pkt_LDADD =

EXTRA_DIST += \
	tests/kernel/build-guest.sh \
	tests/kernel/run-guest.sh \
	tests/kernel/init \
	tests/kernel/lib.sh \
	tests/kernel/suite.sh

KERNEL_GUEST = $(abs_top_builddir)/tests/kernel/guest

# KERNEL_TESTS: numbers of the tests to run (default: all).
# KERNEL_TIMEOUT: seconds the guest may run (default 1200).
.PHONY: check-kernel clean-kernel
check-kernel: all
	@start=`date +%s`; \
	$(SHELL) '$(srcdir)/tests/kernel/build-guest.sh' '$(abs_top_srcdir)' \
	  '$(abs_top_builddir)' '$(OVS_SRCDIR)' '$(KERNEL_GUEST)' && \
	$(SHELL) '$(srcdir)/tests/kernel/run-guest.sh' '$(KERNEL_GUEST)' \
	  $(KERNEL_TESTS); \
	status=$$?; \
	echo "check-kernel: took $$((`date +%s` - start)) s"; \
	exit $$status

clean-local: clean-kernel
clean-kernel:
	rm -rf '$(KERNEL_GUEST)'
