#!/bin/sh
# make check-thread-safety: clang's -Wthread-safety analysis over our code
# (lib/, vfp/, ofproto-vfp/, vswitchd/, utilities/), every warning an
# error.
#
# The analysis checks the lock annotations of lib/compiler.h (OVS_GUARDED_BY,
# OVS_REQUIRES, OVS_EXCLUDED, OVS_ACQUIRES, OVS_RELEASES...): a guarded
# variable touched without its mutex, a function that needs a mutex called
# without it, a lock not released on some path.  gcc ignores the
# annotations, so the regular build cannot check them.
#
# It is a compile-only pass (clang -fsyntax-only), not a build: the analysis
# runs in clang's front end, needs no object code, and ovs/ need not be
# rebuilt with clang (our sources only read its headers and the config.h
# its gcc configure wrote, which is what the real build compiles against).
# OVS's own warning flags are gcc's (some unknown to clang), so only the
# non-warning flags of OVS_CFLAGS (DPDK includes, -mssse3) are kept.
#
# Usage: check-thread-safety.sh SRCDIR OVS_SRCDIR [OVS_CFLAGS...]

set -e
src=$1 ovs=$2
shift 2

CLANG=${CLANG:-clang}
if ! command -v "$CLANG" >/dev/null 2>&1; then
    echo "check-thread-safety: $CLANG not found (build-aux/install-deps)" >&2
    exit 1
fi

flags=
for f in "$@"; do
    case $f in
        -W*) ;;
        *) flags="$flags $f" ;;
    esac
done

cd "$src"
files=$(git ls-files 'lib/*.c' 'vfp/*.c' 'ofproto-vfp/*.c' 'vswitchd/*.c' \
                     'utilities/*.c')
status=0 n=0
for f in $files; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    "$CLANG" -fsyntax-only -Wthread-safety -Wthread-safety-beta -Werror \
        -I "$ovs" -I "$ovs/include" -I "$ovs/lib" -I "$ovs/ofproto" -I . \
        $flags "$f" || status=1
done
if [ $status = 0 ]; then
    echo "check-thread-safety: $n files, no warning"
else
    echo "check-thread-safety: warnings above" >&2
fi
exit $status
