bin_PROGRAMS += utilities/vfp-ctl
utilities_vfp_ctl_SOURCES = utilities/vfp-ctl.c
utilities_vfp_ctl_LDADD = vfp/libvfp.la $(OVS_LIBOPENVSWITCH)
man_MANS += utilities/vfp-ctl.8
EXTRA_DIST += \
	utilities/vfp-ctl.8 \
	utilities/vfp-decap-cost.sh \
	utilities/vfp-sandbox.sh

# The benchmark against upstream OVS on OVS-DPDK (docs/performance.md):
# root, hugepages, tens of minutes; never part of "make check".
# BENCH_ARGS passes options and scenarios to utilities/vfp-bench.sh, e.g.
#   make bench BENCH_ARGS="--quick layers"
EXTRA_DIST += \
	utilities/vfp-bench.sh \
	utilities/vfp-bench-gen.py
.PHONY: bench
bench: all
	$(srcdir)/utilities/vfp-bench.sh --docs $(srcdir)/docs $(BENCH_ARGS)
