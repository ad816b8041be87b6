# The VFP engine: the paper's objects, independent of ofproto.
noinst_LTLIBRARIES += vfp/libvfp.la
vfp_libvfp_la_SOURCES = \
	vfp/action.c \
	vfp/action.h \
	vfp/condition.c \
	vfp/condition.h \
	vfp/engine.c \
	vfp/group.c \
	vfp/group.h \
	vfp/ht.c \
	vfp/ht.h \
	vfp/layer.c \
	vfp/layer.h \
	vfp/parse-util.h \
	vfp/port.c \
	vfp/port.h \
	vfp/rule.c \
	vfp/rule.h \
	vfp/ufid.c \
	vfp/ufid.h
