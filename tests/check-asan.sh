#!/bin/sh
# make check-asan: the whole tree, ovs/ included, built with
# AddressSanitizer (leak checking on) and UndefinedBehaviorSanitizer in a
# copy of the tree, and the autotests TESTSUITEFLAGS select (by default all
# of check-vfp) run against it.
#
# The sanitizers write their reports to files, as upstream OVS's tests do
# (ovs/tests/atlocal sets log_path=asan and log_path=ubsan, relative to the
# test's directory, and OVS's AT_CLEANUP fails a test that leaves an asan.*
# or ubsan.* file there).  UBSan halts the process on its first report.  A
# report written anywhere else in the suite's directory also fails the run.
#
# The copy is kept: its ovs/ is built once (about 10 minutes on 2 cores)
# and rebuilt only when ovs/ changes (its materialization stamp), or when
# the flags below do; our own code is rebuilt as make sees it changed.
#
# Usage: check-asan.sh SRCDIR BUILDDIR [TESTSUITEFLAGS...]

set -e
src=$1 dir=$2
shift 2

flags='-g -O1 -fno-omit-frame-pointer -fno-common -fsanitize=address,undefined'
ldflags='-fsanitize=address,undefined'

if [ ! -d "$src/.git" ] && [ ! -f "$src/.git" ]; then
    echo "check-asan: $src is not a git checkout (the copy is of its tracked files)" >&2
    exit 1
fi
if [ ! -f "$src/ovs/.vfp-materialized" ]; then
    echo "check-asan: build the tree first (ovs/ is not materialized)" >&2
    exit 1
fi

start=$(date +%s)
stamp="$(cat "$src/ovs/.vfp-materialized") $flags"
mkdir -p "$dir"
if [ ! -f "$dir/.asan-stamp" ] || [ "$(cat "$dir/.asan-stamp")" != "$stamp" ]; then
    # From scratch: configure (which materializes ovs/ afresh from the
    # tarball and configures it with the flags) and build everything.
    echo "check-asan: building the tree and ovs/ from scratch in $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
fi
# Tracked files, their times kept: make rebuilds what changed since.
(cd "$src" && git ls-files -z | xargs -0 cp -a --parents -t "$dir")
cd "$dir"
if [ ! -f Makefile ] || [ configure.ac -nt config.status ]; then
    build-aux/bootstrap >bootstrap.log 2>&1
    ./configure CFLAGS="$flags" LDFLAGS="$ldflags" \
        OVS_CONFIGURE_ARGS="CFLAGS='$flags' LDFLAGS='$ldflags'" \
        >configure.log 2>&1 || {
        tail -30 configure.log
        exit 1
    }
fi
make -j"$(nproc)" >make.log 2>&1 || {
    tail -30 make.log
    exit 1
}
echo "$stamp" >.asan-stamp
built=$(date +%s)
echo "check-asan: built in $((built - start)) s"

# ovs/tests/atlocal puts its own defaults first; these win.
status=0
ASAN_OPTIONS=detect_leaks=1:abort_on_error=true:allow_user_segv_handler=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=true \
    make check-vfp TESTSUITEFLAGS="$*" || status=$?

reports=$(find tests/testsuite.dir -name 'asan.*' -o -name 'ubsan.*' 2>/dev/null)
if [ -n "$reports" ]; then
    echo "check-asan: sanitizer reports:"
    for f in $reports; do
        echo "--- $f"
        cat "$f"
    done
    status=1
fi
echo "check-asan: tests ran in $(($(date +%s) - built)) s, status $status"
exit $status
