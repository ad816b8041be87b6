# Helpers of the kernel datapath suite (suite.sh), sourced by it.  They are
# to the guest what ovs/tests/ofproto-macros.at and tests/vfp-macros.at are
# to the autotest suite.

export OVS_RUNDIR=/run/openvswitch OVS_LOGDIR=/var/log/openvswitch \
       OVS_DBDIR=/etc/openvswitch OVS_SYSCONFDIR=/etc \
       OVS_PKGDATADIR=/share/openvswitch

# Busybox's sh runs its own applets before anything in PATH: iproute2's
# ip and tc must be called by their paths.
ip() { /bin/ip "$@"; }
tc() { /bin/tc "$@"; }

# The packets of tests/vfp-macros.at, as shell variables: $UDP_VM1_VM2...
. /suite/packets

# Per-test state.
T=                    # the test's scratch directory
test_failed=0
test_skip=            # reason, if the test skipped itself
log_ok=               # egrep of expected WARN/ERR lines in the test's logs
pids=                 # background processes to kill at the end of the test

fail() {
    echo "  FAIL: $*"
    test_failed=1
}

skip() {
    test_skip=$*
}

# check CMD...: CMD must succeed; its output goes to the test log.
check() {
    echo "  \$ $*"
    "$@" > "$T/cmd.out" 2>&1
    status=$?
    sed 's/^/    /' "$T/cmd.out"
    if [ $status != 0 ]; then
        fail "exit status $status from: $*"
        return 1
    fi
}

# check_eq WHAT EXPECTED ACTUAL: prints a diff when they differ.
check_eq() {
    if [ "$2" = "$3" ]; then
        echo "  ok: $1"
    else
        echo "$2" > "$T/expected"
        echo "$3" > "$T/actual"
        fail "$1 differs (- expected, + actual):"
        diff -u "$T/expected" "$T/actual" | sed '1,2d; s/^/    /'
    fi
}

# retry N CMD...: runs CMD up to N times, 0.2 s apart, until it succeeds.
retry() {
    tries=$1; shift
    while [ "$tries" -gt 0 ]; do
        "$@" > /dev/null 2>&1 && return 0
        tries=$((tries - 1))
        sleep 0.2
    done
    return 1
}

ovs_start() {                   # ovs_start [OVS-VSCTL ARGS FOR THE DB]
    mkdir -p $OVS_RUNDIR $OVS_LOGDIR $OVS_DBDIR
    rm -f $OVS_DBDIR/conf.db $OVS_LOGDIR/*.log
    ovsdb-tool create $OVS_DBDIR/conf.db $OVS_PKGDATADIR/vswitch.ovsschema
    ovsdb-server --detach --no-chdir --pidfile --log-file -vconsole:off \
        --remote=punix:$OVS_RUNDIR/db.sock
    ovs-vsctl --no-wait init -- "$@"
    ovs-vswitchd --detach --no-chdir --pidfile --log-file -vconsole:off \
        -vvfp_upcall:file:dbg -vdpif_netlink:file:dbg -vdpif:file:dbg -vvfp_backer:file:dbg
}

ovs_stop() {
    ovs-appctl -t ovs-vswitchd exit --cleanup > /dev/null 2>&1 || true
    ovs-appctl -t ovsdb-server exit > /dev/null 2>&1 || true
    sleep 0.2
    for dp in $(ovs-dpctl dump-dps 2>/dev/null); do
        ovs-dpctl del-dp "$dp"
    done
}

# The WARN and ERR lines of the daemons' logs not matched by $log_ok.
unexpected_log() {
    cat $OVS_LOGDIR/*.log 2>/dev/null | grep -E '\|(WARN|ERR|EMER)\|' \
        | grep -vE "${log_ok:-^$}" || true
}

# add_vm NS MAC IP OFPORT [BRIDGE [ROLE]]: a namespace NS whose eth0 (MAC,
# IP/24 unless IP is "-") is joined by a veth pair to port NS of BRIDGE
# (default br0) as a VM port with that attached-mac, or with ROLE "uplink",
# as the uplink, or with ROLE "plain", as a plain port.
add_vm() {
    ns=$1 mac=$2 addr=$3 ofport=$4 br=${5:-br0} role=${6:-vm}
    ip netns add $ns
    # No IPv6: its router and listener solicitations would be the only
    # frames nobody sent on purpose.
    ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
    ip link add $ns type veth peer name eth0 netns $ns
    ip -n $ns link set lo up
    ip -n $ns link set eth0 address $mac up
    [ "$addr" = - ] || ip -n $ns addr add $addr/24 dev eth0
    ip link set $ns up
    case $role in
    vm) extra="external_ids:attached-mac=$mac" ;;
    uplink) extra="other_config:vfp-uplink=true" ;;
    *) extra= ;;
    esac
    ovs-vsctl add-port $br $ns -- set Interface $ns ofport_request=$ofport \
        $extra
}

del_namespaces() {
    for ns in $(ip netns list | cut -d' ' -f1); do
        ip netns del $ns
    done
    for l in $(ip -o link show type veth | sed 's/^[0-9]*: \([^@:]*\).*/\1/'); do
        ip link del $l 2>/dev/null || true
    done
}

# listen NS [IFACE]: records what NS's IFACE (eth0) receives, in $T/NS.cap.
listen() {
    rm -f $T/$1.cap
    ip netns exec $1 vfp-pkt listen ${2:-eth0} $T/$1.cap &
    pids="$pids $!"
    retry 25 test -e $T/$1.cap || fail "cannot listen in $1"
}

# send NS HEX...: sends frames out of NS's eth0.
send() {
    ns=$1; shift
    ip netns exec $ns vfp-pkt send eth0 "$@" || fail "cannot send from $ns"
}

# captured NS N: waits (up to 5 s) for N frames in NS's capture, prints them.
captured() {
    retry 25 sh -c "[ \$(cat $T/$1.cap | wc -l) -ge $2 ]" || true
    sleep 0.2
    cat $T/$1.cap
}

# dp_flows [DP]: datapath flows of DP (system@vfp-system), port names, no
# statistics, sorted.
dp_flows() {
    ovs-dpctl dump-flows --names ${1:-system@vfp-system} \
        | sed 's/, packets:[0-9]*, bytes:[0-9]*, used:[^,]*, /, /' | sort
}

# dp_flows_stats [DP]: the same with the packet counts.
dp_flows_stats() {
    ovs-dpctl dump-flows --names ${1:-system@vfp-system} \
        | sed 's/, bytes:[0-9]*, used:[^,]*, /, /' | sort
}
