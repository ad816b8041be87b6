bin_PROGRAMS += utilities/vfp-ctl
utilities_vfp_ctl_SOURCES = utilities/vfp-ctl.c
utilities_vfp_ctl_LDADD = $(OVS_LIBOPENVSWITCH)
man_MANS += utilities/vfp-ctl.8
EXTRA_DIST += \
	utilities/vfp-ctl.8 \
	utilities/vfp-decap-cost.sh \
	utilities/vfp-sandbox.sh
