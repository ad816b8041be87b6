# The VFP engine: the paper's objects, independent of ofproto.
noinst_LTLIBRARIES += vfp/libvfp.la
vfp_libvfp_la_SOURCES = \
	vfp/ufid.c \
	vfp/ufid.h
