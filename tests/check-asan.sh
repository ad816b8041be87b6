#!/bin/sh
# make check-asan: our code (vfp/, ofproto-vfp/, vswitchd/, utilities/,
# tests/) built with AddressSanitizer and UndefinedBehaviorSanitizer, in a
# copy of the tree, and the autotests TESTSUITEFLAGS select run against it.
# Any sanitizer report fails the run: ASan's are written to
# BUILDDIR/sanitizer-logs; UBSan's go to the daemon's stderr (/dev/null
# once it detached) but halt it, which fails the test that was running.
#
# ovs/ is copied as it is built, not instrumented: ASan's allocator serves
# every malloc() of the process, so a use after free or an overflow in our
# code is caught whoever allocated the memory, and the tree builds in about
# a minute instead of rebuilding OVS.  Leak checking is off: ovs-vswitchd,
# like upstream's daemons under ASan, exits without freeing everything.
#
# Usage: check-asan.sh SRCDIR BUILDDIR [TESTSUITEFLAGS...]

set -e
src=$1 dir=$2
shift 2

flags='-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined'
ldflags='-fsanitize=address,undefined'

if [ ! -d "$src/.git" ] && [ ! -f "$src/.git" ]; then
    echo "check-asan: $src is not a git checkout (the copy is of its tracked files)" >&2
    exit 1
fi
if [ ! -f "$src/ovs/.vfp-materialized" ]; then
    echo "check-asan: build the tree first (ovs/ is not materialized)" >&2
    exit 1
fi

rm -rf "$dir"
mkdir -p "$dir"
(cd "$src" && git ls-files -z | xargs -0 cp --parents -t "$dir")
cp -a "$src/ovs" "$dir/ovs"
cd "$dir"
echo "check-asan: building in $dir"
build-aux/bootstrap >bootstrap.log 2>&1
./configure >configure.log 2>&1
make -j"$(nproc)" CFLAGS="$flags" LDFLAGS="$ldflags" >make.log 2>&1 || {
    tail -30 make.log
    exit 1
}

logs=$dir/sanitizer-logs
mkdir -p "$logs"
status=0
ASAN_OPTIONS=detect_leaks=0:allow_user_segv_handler=0:log_path=$logs/asan \
UBSAN_OPTIONS=print_stacktrace=1:log_path=$logs/ubsan \
    make check-vfp CFLAGS="$flags" LDFLAGS="$ldflags" \
        TESTSUITEFLAGS="$*" || status=$?

if [ -n "$(ls "$logs")" ]; then
    echo "check-asan: sanitizer reports:"
    for f in "$logs"/*; do
        echo "--- $f"
        cat "$f"
    done
    status=1
fi
exit $status
