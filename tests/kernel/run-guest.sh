#!/bin/bash
# Boots the guest that build-guest.sh made, which runs the kernel autotest
# suite, and brings back its results and status.
#
# usage: run-guest.sh GUESTDIR [TESTSUITE ARGS...]
#
# TESTSUITE ARGS are the testsuite's own (test numbers, -k KEYWORDS, -v...).
# GUESTDIR/console.log gets the kernel's console, GUESTDIR/suite.log the
# testsuite's output (printed), GUESTDIR/testsuite.log its log (printed if
# a test failed).  Exits 0 only if the guest booted, the testsuite ran to
# its end and exited 0; otherwise says why.  KERNEL_TIMEOUT (seconds,
# default 1200) bounds the whole run.
set -uo pipefail

dir=$1; shift
timeout=${KERNEL_TIMEOUT:-1200}
fail() { echo "check-kernel: FAILED: $*" >&2; exit 1; }

[ -f "$dir/vmlinuz" ] && [ -f "$dir/initrd" ] || fail "no guest in $dir"
rm -f "$dir/console.log" "$dir/suite.log" "$dir/testsuite.log"

# Software emulation (TCG) unless KERNEL_ACCEL=kvm: on machines like the
# CI's, /dev/kvm exists and opens but cannot run a guest, so it cannot be
# probed cheaply.
accel=${KERNEL_ACCEL:-tcg} cpu=max
[ "$accel" = kvm ] && cpu=host

start=$(date +%s)
echo "check-kernel: booting ($accel, timeout ${timeout}s)"
timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
    -accel $accel -cpu $cpu -smp 2 -m 2048 \
    -kernel "$dir/vmlinuz" -initrd "$dir/initrd" \
    -append "console=ttyS0 panic=-1 oops=panic rdinit=/init loglevel=4 suite=\"$*\"" \
    -display none -no-reboot -nodefaults \
    -serial file:"$dir/console.log" -serial file:"$dir/suite.log" \
    -net none </dev/null
status=$?
took=$(($(date +%s) - start))

# The serial line ends lines with CR LF.  The guest prints the testsuite's
# output, then its testsuite.log between two marker lines.
if [ -f "$dir/suite.log" ]; then
    sed -i 's/\r$//' "$dir/suite.log"
    awk -v logfile="$dir/testsuite.log" '
        /^kernel-suite: testsuite.log begins$/ { inlog = 1; next }
        /^kernel-suite: testsuite.log ends$/ { inlog = 0; next }
        inlog { print > logfile; next }
        { print }' "$dir/suite.log"
fi
echo "check-kernel: guest ran ${took}s"
if [ $status = 124 ] || [ $status = 137 ]; then
    tail -20 "$dir/console.log" 2>/dev/null
    fail "guest timed out after ${timeout}s"
elif [ $status != 0 ]; then
    tail -20 "$dir/console.log" 2>/dev/null
    fail "qemu exited with status $status"
elif ! grep -q '^kernel-suite: guest up' "$dir/suite.log" 2>/dev/null; then
    tail -40 "$dir/console.log" 2>/dev/null
    fail "the guest did not boot (console: $dir/console.log)"
fi
result=$(grep -a '^kernel-suite: exit status' "$dir/suite.log" | tail -1)
[ -n "$result" ] || fail "the suite did not finish (guest crashed or powered off early; see $dir/console.log)"
# Autotest's result lines: "  N: NAME   ok", "... FAILED (FILE:LINE)",
# "... skipped (FILE:LINE)".
out=$(grep -av '^kernel-suite: ' "$dir/suite.log")
passed=$(echo "$out" | grep -cE '^ *[0-9]+: .* ok$')
failed=$(echo "$out" | grep -cE '^ *[0-9]+: .* FAILED \(')
skipped=$(echo "$out" | grep -cE '^ *[0-9]+: .* skipped \(')
summary="$passed passed, $failed failed, $skipped skipped"
if [ "$result" != "kernel-suite: exit status 0" ]; then
    [ -f "$dir/testsuite.log" ] && cat "$dir/testsuite.log"
    fail "$summary ($result; the log: $dir/testsuite.log)"
fi
echo "check-kernel: $summary"
