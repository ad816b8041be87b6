# ofproto-vfp: the OVS glue of VFP (ofproto provider, upcalls, revalidator).
noinst_LTLIBRARIES += ofproto-vfp/libofproto-vfp.la
ofproto_vfp_libofproto_vfp_la_SOURCES = \
	ofproto-vfp/backer.c \
	ofproto-vfp/backer.h \
	ofproto-vfp/flow-unixctl.c \
	ofproto-vfp/forwarding.c \
	ofproto-vfp/forwarding.h \
	ofproto-vfp/fragments.c \
	ofproto-vfp/fragments.h \
	ofproto-vfp/ofproto-vfp.c \
	ofproto-vfp/ofproto-vfp.h \
	ofproto-vfp/pairing.c \
	ofproto-vfp/pairing.h \
	ofproto-vfp/policy-commit.c \
	ofproto-vfp/policy-commit.h \
	ofproto-vfp/policy-unixctl.c \
	ofproto-vfp/resource-unixctl.c \
	ofproto-vfp/revalidator.c \
	ofproto-vfp/revalidator.h \
	ofproto-vfp/state-file.c \
	ofproto-vfp/state-file.h \
	ofproto-vfp/state-unixctl.c \
	ofproto-vfp/trace.c \
	ofproto-vfp/trace.h \
	ofproto-vfp/uf.c \
	ofproto-vfp/uf.h \
	ofproto-vfp/unixctl-util.c \
	ofproto-vfp/unixctl-util.h \
	ofproto-vfp/upcall.c \
	ofproto-vfp/upcall.h \
	ofproto-vfp/vfp-unixctl.c \
	ofproto-vfp/xlate.c \
	ofproto-vfp/xlate.h
ofproto_vfp_libofproto_vfp_la_LIBADD = vfp/libvfp.la lib/libuft.la
