# ovs-vswitchd: upstream's vswitchd objects, linked with ofproto-vfp.
sbin_PROGRAMS += vswitchd/ovs-vswitchd
vswitchd_ovs_vswitchd_SOURCES = vswitchd/vfp-register.c
vswitchd_ovs_vswitchd_LDADD = \
	$(OVS_SRCDIR)/vswitchd/bridge.$(OBJEXT) \
	$(OVS_SRCDIR)/vswitchd/ovs-vswitchd.$(OBJEXT) \
	$(OVS_SRCDIR)/vswitchd/system-stats.$(OBJEXT) \
	ofproto-vfp/libofproto-vfp.la \
	$(OVS_LIBOFPROTO)
vswitchd_ovs_vswitchd_LDFLAGS = $(OVS_VSWITCHD_LDFLAGS)
