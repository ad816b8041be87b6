# lib: datapath-side code of this project, independent of ofproto: the
# unified flow table and its hook into the userspace datapath.
noinst_LTLIBRARIES += lib/libuft.la
lib_libuft_la_SOURCES = \
	lib/uft-decap.c \
	lib/uft-decap.h \
	lib/uft-dpif.c \
	lib/uft-dpif.h \
	lib/uft-key.c \
	lib/uft-key.h \
	lib/uft-offload.c \
	lib/uft-offload.h \
	lib/uft.c \
	lib/uft.h
