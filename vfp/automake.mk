# The VFP engine: the paper's objects, independent of ofproto.
noinst_LTLIBRARIES += vfp/libvfp.la
vfp_libvfp_la_SOURCES = \
	vfp/action.c \
	vfp/action.h \
	vfp/condition.c \
	vfp/condition.h \
	vfp/conn.c \
	vfp/conn.h \
	vfp/engine.c \
	vfp/event.c \
	vfp/event.h \
	vfp/layer-flow.c \
	vfp/layer-flow.h \
	vfp/group.c \
	vfp/group.h \
	vfp/ht.c \
	vfp/ht.h \
	vfp/layer.c \
	vfp/layer.h \
	vfp/packet-check.c \
	vfp/packet-check.h \
	vfp/parse-util.c \
	vfp/parse-util.h \
	vfp/policy.c \
	vfp/policy.h \
	vfp/policy-json.c \
	vfp/policy-json.h \
	vfp/port.c \
	vfp/port.h \
	vfp/resource.c \
	vfp/resource.h \
	vfp/rule.c \
	vfp/rule.h \
	vfp/snapshot.c \
	vfp/snapshot.h \
	vfp/tuple.c \
	vfp/tuple.h \
	vfp/ufid.c \
	vfp/ufid.h
