#!/bin/sh
# The kernel datapath suite: VFP bridges (datapath_type=vfp-system) on the
# Linux kernel's openvswitch module, inside the guest of make check-kernel.
#
# Each test starts ovsdb-server and ovs-vswitchd afresh, joins network
# namespaces to bridges by veth pairs, sends traffic (exact frames with
# vfp-pkt, or the namespaces' own ping and TCP), and checks what arrived and
# the kernel's datapath flows (ovs-dpctl dump-flows).  It ends by stopping
# the daemons, which must have logged no unexpected warning or error.
#
# Prints "N: NAME ... PASS|FAIL|SKIP" per test, then a summary line; exits
# 0 if none failed.  "suite.sh NUMBER..." runs only those tests.

. /suite/lib.sh

n=0 passed=0 failed=0 skipped=0
only=" $* "

run_test() {                    # run_test NAME FUNCTION
    n=$((n + 1))
    case $only in "  ") ;; *" $n "*) ;; *) return ;; esac
    T=/tmp/test-$n
    rm -rf $T && mkdir -p $T
    test_failed=0 test_skip= log_ok= pids=
    echo "## $n. $1"
    start=$(date +%s)
    $2
    for p in $pids; do kill $p 2>/dev/null; done
    log=$(unexpected_log)
    if [ -n "$log" ]; then
        fail "unexpected warnings or errors in the logs:"
        echo "$log" | sed 's/^/    /'
    fi
    if [ $test_failed = 1 ]; then
        echo "  --- ovs-dpctl show -s"
        ovs-dpctl show -s 2>&1 | sed 's/^/    /'
        echo "  --- ovs-dpctl dump-flows"
        ovs-dpctl dump-flows -m 2>&1 | sed 's/^/    /'
        echo "  --- ovs-vswitchd.log (last 40 lines)"
        tail -40 $OVS_LOGDIR/ovs-vswitchd.log 2>/dev/null | sed 's/^/    /'
    fi
    ovs_stop
    del_namespaces
    took=$(($(date +%s) - start))
    if [ -n "$test_skip" ] && [ $test_failed = 0 ]; then
        echo "$n: $1 ... SKIP ($test_skip) (${took}s)"
        skipped=$((skipped + 1))
    elif [ $test_failed = 0 ]; then
        echo "$n: $1 ... PASS (${took}s)"
        passed=$((passed + 1))
    else
        echo "$n: $1 ... FAIL (${took}s)"
        failed=$((failed + 1))
    fi
}

# A VFP bridge br0 on the kernel datapath with VM ports vm1 (10.0.0.1,
# MAC :01) and vm2 (10.0.0.2, :02) and uplink up3 (a namespace "up3" whose
# eth0 has MAC :99 and 10.0.0.99), as VFP_VSWITCHD_START on the dummy
# datapath.  With "-", no IP addresses: the namespaces' stacks stay silent
# and only the frames a test sends are seen.
vfp_topology() {
    if [ "${1:-}" = - ]; then a1=- a2=- a3=-
    else a1=10.0.0.1 a2=10.0.0.2 a3=10.0.0.99; fi
    check ovs-vsctl add-br br0 -- set bridge br0 datapath_type=vfp-system
    add_vm vm1 00:00:00:00:00:01 $a1 1
    add_vm vm2 00:00:00:00:00:02 $a2 2
    add_vm up3 00:00:00:00:00:99 $a3 3 br0 uplink
}

# --- the tests ---------------------------------------------------------

test_modules() {
    # Loaded at boot (suite start); here we only report.
    for m in openvswitch vxlan veth cls_flower; do
        grep -q "^$m " /proc/modules || fail "module $m is not loaded"
    done
    check ovs_start
    check ovs-dpctl dump-dps
}

test_forwarding() {
    ovs_start
    vfp_topology -
    listen vm2; listen up3; listen vm1

    # The second packet after the first one's flow is in: it must hit it.
    send vm1 $UDP_VM1_VM2
    captured vm2 1 > /dev/null
    send vm1 $UDP_VM1_VM2
    check_eq "vm2 got vm1's frames, unchanged" \
        "$UDP_VM1_VM2
$UDP_VM1_VM2" "$(captured vm2 2)"
    send vm1 $UDP_VM1_OUT
    check_eq "unknown unicast went to the uplink" "$UDP_VM1_OUT" \
        "$(captured up3 1)"
    send up3 $UDP_OUT_VM2
    check_eq "vm2 got the frame from the uplink" \
        "$UDP_VM1_VM2
$UDP_VM1_VM2
$UDP_OUT_VM2" "$(captured vm2 3)"
    check_eq "nothing came back to vm1" "" "$(captured vm1 0)"

    check_eq "one exact-match kernel flow per connection" "\
recirc_id(0),in_port(up3),eth(src=00:00:00:00:00:99,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(src=8.8.8.8,dst=10.0.0.2,proto=17,frag=no),udp(src=53,dst=1000), packets:0, actions:vm2
recirc_id(0),in_port(vm1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,frag=no),udp(src=1000,dst=2000), packets:1, actions:vm2
recirc_id(0),in_port(vm1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:99),eth_type(0x0800),ipv4(src=10.0.0.1,dst=8.8.8.8,proto=17,frag=no),udp(src=1000,dst=53), packets:0, actions:up3" \
        "$(dp_flows_stats)"
    check vfp-ctl show
}

# --- main --------------------------------------------------------------

echo "kernel-suite: loading modules"
for ko in $(cat /etc/modules); do
    if ! insmod /lib/modules/$ko; then
        echo "kernel-suite: FATAL: module $ko does not load"
        exit 2
    fi
done
for f in /proc/sys/net/ipv6/conf/all/disable_ipv6 \
         /proc/sys/net/ipv6/conf/default/disable_ipv6; do
    echo 1 > $f
done
ip link set lo up

run_test "modules load, ovs-vswitchd starts on the kernel datapath" test_modules
run_test "forwarding: VM to VM and to and from the uplink, one exact-match flow each" test_forwarding

echo "kernel-suite: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
