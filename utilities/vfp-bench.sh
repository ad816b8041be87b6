#!/bin/bash
# The benchmark harness against upstream OVS on OVS-DPDK (DESIGN.md section
# 5).  Needs no NIC: ovs-vswitchd of this tree with DPDK, traffic replayed
# by DPDK net_pcap vdevs (infinite_rx=1) from pcaps that
# utilities/vfp-bench-gen.py generates, sinks net_null (no-rx=1) or the
# pcap vdevs' own tx (dropped), one PMD on core 1, everything else pinned
# to core 0.  Every case runs three setups, alternating, several rounds:
#
#   vfp     a VFP bridge (datapath_type=vfp-netdev) with the policy
#   ofdpif  an upstream ofproto-dpif bridge (netdev) with the equivalent
#           OpenFlow pipeline: one table per layer and direction, ct() with
#           zones and nat for stateful rules, VXLAN through a tunnel port and
#           an underlay bridge (OVS native tunneling)
#   normal  plain NORMAL L2 switching on a netdev bridge: the ceiling
#
# and before timing, a correctness check: a sample of the traffic through
# vfp and ofdpif once, the packets that leave each port compared byte by
# byte.  Every run (every round of every setup of every case, and each
# sample check) starts from a fresh ovs-vswitchd: the previous one is
# stopped and waited for, its bridges, taps and DPDK hugepage files
# removed, the new one starts with no datapath; its bridges are created,
# conntrack flushed, and the run checks that it has no datapath flow and
# no conntrack entry before the first packet.  Figures come from
# dpif-netdev/pmd-perf-show and pmd-stats-show; memory from
# /proc/PID/status (VmRSS) and /proc/PID/smaps_rollup (hugetlb pages,
# which VmRSS does not count) before the first packet and at the end;
# medians and ratios go to a table (report.md), plots (gnuplot) to PNGs.
# docs/performance.md says what it measures and what the figures mean.
#
# Usage (root; builds nothing, run "make" first; installs gnuplot with
# build-aux/install-deps --bench if it is missing):
#   utilities/vfp-bench.sh [OPTION...] [SCENARIO...]
# Scenarios: established decap layers setup classify memory (default: all).
# Options:
#   --rounds N      rounds per case (default 3)
#   --duration S    seconds measured per run (default 5)
#   --warmup S      seconds of traffic before measuring (default 3)
#   --quick         1 round, 2 s, 1 s warmup, fewer cases: for development
#   --out DIR       results (default bench-results/ in the tree)
#   --docs DIR      where the plots go (default: the results directory;
#                   "make bench" passes docs/)
#   --keep          keep the run directory (logs, pcaps)
#   --perf          perf record the PMD thread over each measured window
#                   (perf-*.data in the results directory; options from
#                   VFP_BENCH_PERF_ARGS, default -g)
# Environment: VFP_BENCH_CONNS (scenario 1's connection counts, default
# "1000 100000 1000000"; counts over VFP_BENCH_INMEM, 200000, are replayed
# from the file, VFP_BENCH_PASSES passes, default 4: see below),
# VFP_BENCH_LAYERS ("1 2 4 8 10"), VFP_BENCH_RULES ("200 5000 50000"),
# VFP_BENCH_SYNS (200000), VFP_BENCH_MEMCONNS (100000);
# VFP_BENCH_STATEFUL=1|0 forces VFP's side of the stateful cases (stateful
# rules in vfp-ctl's grammar) on or off, default: on if "vfp-ctl --help"
# mentions stateful; VFP_BENCH_VSWITCHD runs another ovs-vswitchd binary;
# VFP_BENCH_BUILDS="NAME=BINARY ..." runs VFP's side once per binary, as
# setups vfp:NAME, alternating within each round (before/after a change in
# one invocation; no sample check then); VFP_BENCH_OTHER_CONFIG adds
# Open_vSwitch other_config settings for every setup (e.g.
# "smc-enable=true"); VFP_BENCH_SETUPS limits the setups run (e.g. "vfp");
# VFP_BENCH_INSPECT, a shell command run (output in the results
# directory) before each teardown, for debugging.
#
# A port's traffic must only start once its policy is in place: source
# ports are added pinned (pmd-rxq-affinity) to a core with no PMD while the
# one PMD is isolated by a "hold" port pinned to it, so they are not polled;
# re-pinning them to core 1 starts the traffic.
#
# A net_pcap vdev with infinite_rx=1 holds every packet of its pcap in an
# mbuf of the port's mempool, which OVS caps at 262,144 mbufs shared by
# both sources: up to 100k connections fit, 1M (2M packets) do not.  Such
# cases are generated with K passes of the traffic and read once from the
# file (no infinite_rx): the first pass opens the connections, the window
# is measured over the next ones until they run out or the duration ends.
# Busy cycles per packet then include libpcap's reading of the file
# (normal's figure bounds it); Kpps count only the measured window.

set -e

top=$(cd "$(dirname "$0")/.." && pwd)
rounds=3 duration=5 warmup=3 quick=false keep=false perf=false
out=$top/bench-results docs=
scenarios=
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) rounds=$2; shift ;;
        --duration) duration=$2; shift ;;
        --warmup) warmup=$2; shift ;;
        --quick) quick=true rounds=1 duration=2 warmup=1
                 : "${VFP_BENCH_CONNS:=1000}" "${VFP_BENCH_LAYERS:=1 10}"
                 : "${VFP_BENCH_RULES:=200 50000}" "${VFP_BENCH_SYNS:=50000}"
                 : "${VFP_BENCH_MEMCONNS:=20000}" ;;
        --out) out=$2; shift ;;
        --docs) docs=$2; shift ;;
        --keep) keep=true ;;
        --perf) perf=true ;;
        -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
        -*) echo "$0: unknown option $1" >&2; exit 1 ;;
        *) scenarios="$scenarios $1" ;;
    esac
    shift
done
: "${scenarios:=established decap layers setup classify memory}"

# This script and all it starts on core 0; the PMD alone on core 1.
taskset -pc 0 $$ > /dev/null

if [ "$(id -u)" != 0 ]; then
    echo "$0: needs root (hugepages, DPDK, a tap for the VXLAN underlay)" >&2
    exit 1
fi
for f in "$top/vswitchd/ovs-vswitchd" "$top/utilities/vfp-ctl" \
         "$top/ovs/utilities/ovs-vsctl"; do
    if [ ! -x "$f" ]; then
        echo "$0: $f is missing: build first (make)" >&2
        exit 1
    fi
done
# What the build does not need: gnuplot for the plots.
"$top/build-aux/install-deps" --bench

# Hugepages: 512 x 2 MB, mounted.
if [ "$(cat /proc/sys/vm/nr_hugepages)" -lt 512 ]; then
    echo 512 > /proc/sys/vm/nr_hugepages
fi
mkdir -p /dev/hugepages
mountpoint -q /dev/hugepages || mount -t hugetlbfs none /dev/hugepages

# Hugepages in use before we start anything (kB), to wait for ours to be
# free again after each ovs-vswitchd.
sys_huge_kb() {
    local d t=0
    for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
        local size=${d##*hugepages-}
        size=${size%kB}
        t=$((t + ($(cat "$d/nr_hugepages") - $(cat "$d/free_hugepages")) \
                 * size))
    done
    echo $t
}
huge_base=$(sys_huge_kb)

run=$(mktemp -d /tmp/vfp-bench.XXXXXX)
mkdir -p "$out"
: "${docs:=$out}"
mkdir -p "$docs"
export OVS_RUNDIR=$run OVS_LOGDIR=$run OVS_DBDIR=$run
export OVS_SYSCONFDIR=$run OVS_PKGDATADIR=$top/ovs
export PATH=$top/utilities:$top/vswitchd:$top/ovs/utilities:$top/ovs/ovsdb:$PATH
gen="python3 $top/utilities/vfp-bench-gen.py"
# Each build's binary under the name ovs-vswitchd, so that pidfile and
# control socket are where tools look; "" is the tree's (or
# VFP_BENCH_VSWITCHD).
builds=
if [ -n "$VFP_BENCH_VSWITCHD" ]; then
    mkdir -p "$run/bin"
    cp "$VFP_BENCH_VSWITCHD" "$run/bin/ovs-vswitchd"
    export PATH=$run/bin:$PATH
fi
for b in $VFP_BENCH_BUILDS; do
    name=${b%%=*}
    mkdir -p "$run/build-$name"
    cp "${b#*=}" "$run/build-$name/ovs-vswitchd"
    builds="$builds $name"
done
results=$out/runs.txt
: > "$results"

cleanup() {
    stop_vswitchd
    if [ -f "$run/ovsdb-server.pid" ]; then
        kill "$(cat "$run/ovsdb-server.pid")" 2>/dev/null || true
    fi
    sleep 0.5
    if $keep; then
        echo "run directory kept: $run"
    else
        rm -rf "$run"
    fi
}
trap cleanup EXIT

log() { echo "vfp-bench: $*" >&2; }

# ------------------------------------------------------------- daemons --

ovsdb-tool create "$run/conf.db" "$top/ovs/vswitchd/vswitch.ovsschema"
ovsdb-server --detach --no-chdir --pidfile --log-file \
    --remote=punix:"$run/db.sock" "$run/conf.db"
ovs-vsctl --no-wait init
ovs-vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true \
    other_config:dpdk-lcore-mask=0x1 other_config:pmd-cpu-mask=0x2 \
    other_config:dpdk-socket-mem=512 \
    "other_config:dpdk-extra=--no-pci --file-prefix=vfpbench$$" \
    other_config:pmd-perf-metrics=true other_config:flow-limit=4000000
# Extra datapath settings for every setup, e.g. "smc-enable=true".
for kv in $VFP_BENCH_OTHER_CONFIG; do
    ovs-vsctl --no-wait set Open_vSwitch . "other_config:$kv"
done
vswitchd_pid= prev_pid=
# start_vswitchd [BUILD]: everything but the PMD (which pins itself to
# core 1) on core 0.
start_vswitchd() {
    local bin=ovs-vswitchd
    [ -z "$1" ] || bin=$run/build-$1/ovs-vswitchd
    # A fresh start: no policy that the previous process saved for its
    # restart (docs/design.md, "State save and restore").
    rm -f "$run/vfp-state.json"
    taskset -c 0 "$bin" --disable-system --disable-system-route \
        --detach --no-chdir --pidfile --log-file
    vswitchd_pid=$(cat "$run/ovs-vswitchd.pid")
    ovs-vsctl --timeout=60 wait-until Open_vSwitch . dpdk_initialized=true
    ovs-appctl version > /dev/null     # answers once DPDK is up
}
# Stops ovs-vswitchd and waits until nothing of it is left: the process,
# its bridges (in the database), their taps, its hugepages.
stop_vswitchd() {
    local i
    if [ -n "$vswitchd_pid" ]; then
        kill "$vswitchd_pid" 2>/dev/null || true
        for i in $(seq 300); do
            kill -0 "$vswitchd_pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$vswitchd_pid" 2>/dev/null; then
            log "ovs-vswitchd $vswitchd_pid did not exit in 30 s: killed"
            kill -9 "$vswitchd_pid" 2>/dev/null || true
            while kill -0 "$vswitchd_pid" 2>/dev/null; do sleep 0.1; done
        fi
        prev_pid=$vswitchd_pid vswitchd_pid=
    fi
    ovs-vsctl --no-wait --if-exists del-br vb-br -- --if-exists del-br vb-phy \
        -- --if-exists del-br vb-hold > /dev/null 2>&1 || true
    del_taps
    # DPDK leaves its hugepage files behind: the pages are free once the
    # files are gone.
    rm -f /dev/hugepages/vfpbench$$map_*
    for i in $(seq 100); do
        [ "$(sys_huge_kb)" -gt "$huge_base" ] || break
        sleep 0.1
    done
    if [ "$(sys_huge_kb)" -gt "$huge_base" ]; then
        log "hugepages still in use after ovs-vswitchd exited:" \
            "$(sys_huge_kb) kB, $huge_base before"
    fi
}
# fresh_vswitchd SETUP: a new process (SETUP's build) for each run.
fresh_vswitchd() {
    local build=
    case $1 in vfp:*) build=${1#vfp:} ;; esac
    stop_vswitchd
    start_vswitchd "$build"
}

# Memory of ovs-vswitchd, kB: "VmRSS hugetlb system-hugepages-in-use".
# Hugetlb pages are not in VmRSS: smaps_rollup counts the process's own.
mem_kb() {
    local rss huge
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$vswitchd_pid/status")
    huge=$(awk '/^(Shared|Private)_Hugetlb:/ { t += $2 } END { print t + 0 }' \
           "/proc/$vswitchd_pid/smaps_rollup")
    echo "$rss $huge $(sys_huge_kb)"
}

# fresh_check SETUP: flushes conntrack and checks that the datapath of a
# new process has no flow and no conntrack entry before the first
# packet: "FLOWS CT" (0 0 when fresh).
fresh_check() {
    local flows ct
    # The process's one datapath.  Flows from the bridges' own taps (the
    # kernel's IPv6 solicitations and the like) are this run's, not
    # left over.
    local f=$run/fresh-$1.txt
    ovs-appctl dpctl/flush-conntrack > /dev/null
    ovs-appctl dpctl/dump-flows --names > "$f"
    ovs-appctl dpctl/dump-conntrack >> "$f"
    flows=$(grep -v 'in_port(vb-\(br\|phy\|hold\))' "$f" \
            | grep -c 'actions:' || true)
    ct=$(grep -c '^[a-z0-9]*,orig=' "$f" || true)
    if [ "$flows" != 0 ] || [ "$ct" != 0 ]; then
        log "$1: not fresh: $flows datapath flows, $ct conntrack entries"
    fi
    echo "$flows $ct"
}

vdev=0                          # DPDK vdev names must be unique
held_ports=

dp_of() {                       # setup -> datapath name
    case $1 in vfp*) echo vfp-netdev ;; *) echo ovs-netdev ;; esac
}

# dpdk_port BRIDGE NAME ROLE(source|sink) PCAP|"" [EXTRA...]
#   run mode: a source replays PCAP forever, a sink is net_null;
#   sample mode ($sample_dir set): a source replays PCAP once and writes
#   what leaves the port to $sample_dir/NAME.pcap; a sink writes too.
dpdk_port() {
    local br=$1 name=$2 role=$3 pcap=$4 args
    shift 4
    vdev=$((vdev + 1))
    if [ -z "$sample_dir" ]; then
        if [ "$role" = source ] && [ "${PASSES:-0}" != 0 ]; then
            args="net_pcap$vdev,rx_pcap=$pcap"     # read once, K passes
        elif [ "$role" = source ]; then
            args="net_pcap$vdev,rx_pcap=$pcap,infinite_rx=1"
        else
            args="net_null$vdev,no-rx=1"
        fi
    elif [ "$role" = source ]; then
        args="net_pcap$vdev,rx_pcap=$pcap,tx_pcap=$sample_dir/$name.pcap"
    else
        args="net_pcap$vdev,tx_pcap=$sample_dir/$name.pcap"
    fi
    # Sources wait, unpolled (pinned to a core with no PMD), until
    # release_sources.
    local pin=0:1
    if [ "$role" = source ]; then
        pin=0:3
        held_ports="$held_ports $name"
    fi
    ovs-vsctl add-port "$br" "$name" -- set Interface "$name" type=dpdk \
        "options:dpdk-devargs=$args" other_config:pmd-rxq-affinity=$pin "$@"
}

# release_sources [SECONDS]: starts the traffic.
release_sources() {
    # The uplink first, SECONDS (1) before the others: connections are
    # opened from the network side, and stateful setups must see that
    # direction first.
    local p
    for p in up $held_ports; do
        case " $held_ports " in *" $p "*) ;; *) continue ;; esac
        ovs-vsctl set Interface "$p" other_config:pmd-rxq-affinity=0:1
        held_ports=$(echo " $held_ports " | sed "s/ $p / /")
        [ -z "${held_ports// }" ] || sleep "${1:-1}"
    done
    held_ports=
}

# bridges_up SETUP CASE: builds SETUP's bridges for CASE (a directory from
# vfp-bench-gen.py), policy included; sources held.
bridges_up() {
    local setup=$1 case=$2 TUNNEL SOURCES CONNS PASSES role
    . "$case/topo"
    # The first pass of 1M connections outlasts the default 10 s max-idle:
    # flows of its first connections would expire before their next
    # packet.
    if [ "${PASSES:-0}" -gt 1 ]; then
        ovs-vsctl set Open_vSwitch . other_config:max-idle=600000
    else
        ovs-vsctl remove Open_vSwitch . other_config max-idle
    fi
    role() { case " $SOURCES " in *" $1 "*) echo source ;; *) echo sink ;; esac; }
    vdev=$((vdev + 1))
    # The hold port, pinned to core 1, isolates the PMD (pmd-rxq-isolate).
    ovs-vsctl add-br vb-hold -- set bridge vb-hold \
        datapath_type="$(case $setup in vfp*) echo vfp-netdev ;;
                         *) echo netdev ;; esac)" fail-mode=secure \
        -- add-port vb-hold hold -- set Interface hold type=dpdk \
           "options:dpdk-devargs=net_null$vdev,no-rx=1" \
           other_config:pmd-rxq-affinity=0:1
    case $setup in
    vfp*)
        ovs-vsctl add-br vb-br -- set bridge vb-br datapath_type=vfp-netdev
        # 1M connections are over the port's default connection limit
        # (500k); the limit is the same for every case.
        dpdk_port vb-br vm "$(role vm)" "$case/vm$pcap_suffix.pcap" \
            external_ids:attached-mac=00:00:00:00:00:01 \
            other_config:vfp-max-connections=4000000
        dpdk_port vb-br up "$(role up)" "$case/up$pcap_suffix.pcap" \
            other_config:vfp-uplink=true
        if [ "$TUNNEL" = 1 ]; then
            # The local PA and its MAC are the tunnel endpoint: VFP
            # decapsulates only what is addressed to it.
            ovs-vsctl add-port vb-br vx -- set Interface vx type=vxlan \
                options:remote_ip=flow options:key=flow \
                options:local_ip=192.168.0.1 \
                -- set bridge vb-br \
                   other_config:vfp-tunnel-mac=aa:aa:aa:aa:aa:01
        fi
        if [ "${PASSES:-0}" -gt 1 ]; then
            # Nor may VFP's connections time out meanwhile.
            ovs-vsctl set bridge vb-br \
                other_config:vfp-tcp-syn-timeout=600 \
                other_config:vfp-tcp-established-timeout=600
        fi
        VFP_CTL="vfp-ctl --timeout=120" CASE=$case \
            bash -e -c 'eval "$(cat "$CASE/vfp.sh")"' ;;
    ofdpif)
        ovs-vsctl add-br vb-br -- set bridge vb-br datapath_type=netdev \
            fail-mode=secure \
            -- set bridge vb-br protocols=OpenFlow10,OpenFlow13
        ovs-ofctl -O OpenFlow13 --bundle add-flows vb-br "$case/of.flows"
        local upbr=vb-br
        if [ "$TUNNEL" = 1 ]; then
            # OVS native tunneling: the underlay bridge owns the local
            # PA (on its tap) and the uplink; route and neighbour static.
            upbr=vb-phy
            ovs-vsctl add-br vb-phy -- set bridge vb-phy \
                datapath_type=netdev fail-mode=secure \
                other_config:hwaddr=aa:aa:aa:aa:aa:01
            ovs-ofctl add-flows vb-phy "$case/ofphy.flows"
            ip addr replace 192.168.0.1/24 dev vb-phy
            ip link set vb-phy up
            # The route needs vb-phy's address, which ovs-vswitchd learns
            # asynchronously.
            local try
            for try in $(seq 50); do
                ovs-appctl ovs/route/add 192.168.0.2/32 vb-phy \
                    > /dev/null 2>&1 && break
                sleep 0.1
            done
            ovs-appctl tnl/arp/set vb-phy 192.168.0.2 aa:aa:aa:aa:aa:02 \
                > /dev/null
            ovs-vsctl add-port vb-br vx -- set Interface vx type=vxlan \
                options:remote_ip=flow options:key=flow ofport_request=3
        fi
        dpdk_port vb-br vm "$(role vm)" "$case/vm$pcap_suffix.pcap" \
            ofport_request=1
        dpdk_port $upbr up "$(role up)" "$case/up$pcap_suffix.pcap" \
            ofport_request=2 ;;
    normal)
        ovs-vsctl add-br vb-br -- set bridge vb-br datapath_type=netdev
        # Flooding to the bridge's own port (a tap) would cost a syscall.
        ovs-ofctl mod-port vb-br vb-br no-flood
        dpdk_port vb-br vm "$(role vm)" "$case/vm$pcap_suffix.pcap"
        dpdk_port vb-br up "$(role up)" "$case/up$pcap_suffix.pcap" ;;
    esac
}

bridges_down() {
    if ovs-vsctl br-exists vb-phy; then
        ovs-appctl ovs/route/del 192.168.0.2/32 > /dev/null 2>&1 || true
    fi
    ovs-vsctl --if-exists del-br vb-br -- --if-exists del-br vb-phy \
        -- --if-exists del-br vb-hold
    del_taps
}

# The userspace datapath's bridge ports are persistent taps: remove ours.
del_taps() {
    local tap
    for tap in vb-br vb-phy vb-hold; do
        ip link del "$tap" 2> /dev/null || true
    done
}

# perf_fields FILE: pmd-perf-show -> "kpps cyc/pkt passes/pkt emc% smc%
# megaflow% upcalls us/upcall rx_packets tsc_hz".
perf_fields() {
    awk '
    function num(s) { gsub(/[,%]/, "", s); return s + 0 }
    { gsub(/\(/, "( "); $0 = $0 }
    /Measurement duration:/ { dur = num($3) }
    /Used TSC cycles:/ { used = num($5); usedpct = num($7) }
    /Rx packets:/ { rx = num($3); kpps = num($5); cyc = num($7) }
    /Datapath passes:/ { passes = num($5) }
    /- EMC hits:/ { emc = num($6) }
    /- SMC hits:/ { smc = num($6) }
    /- Megaflow hits:/ { mf = num($6) }
    /- Upcalls:/ { up = num($3); us = num($7) }
    END {
        hz = (dur > 0 && usedpct > 0) ? used / (usedpct / 100) / dur : 0
        printf "%.1f %.1f %.2f %.1f %.1f %.1f %d %.2f %d %.0f\n",
               kpps, cyc, passes, emc, smc, mf, up, us, rx, hz
    }' "$1"
}

# stats_fields FILE: pmd-stats-show -> "rx recirculations".
stats_fields() {
    awk '/packets received:/ { rx += $3 }
         /packet recirculations:/ { rc += $3 }
         END { printf "%d %d\n", rx, rc }' "$1"
}

# port_rx SETUP PORT: packets PORT received so far.
port_rx() {
    ovs-appctl dpctl/show -s "netdev@$(dp_of "$1")" \
        | awk -v p="$2" '$1 == "port" && $3 == p { f = 1; next }
                         f && /RX packets:/ { sub(/.*RX packets:/, "");
                                              print $1 + 0; exit }'
}

# pmd_rx SETUP: packets received by the datapath's PMDs so far.
pmd_rx() {
    ovs-appctl dpif-netdev/pmd-stats-show "$(dp_of "$1")" \
        | awk '/packets received:/ { t += $3 } END { print t + 0 }'
}

# measure SCENARIO CASE-LABEL SETUP ROUND CASE [early]: the run; the
# process, datapath and bridges are fresh (run_case).
measure() {
    local scenario=$1 label=$2 setup=$3 round=$4 case=$5 early=$6
    local dp f=$run/perf-$scenario-$label-$setup-$round.txt
    local TUNNEL SOURCES CONNS PASSES n=0 i mem0 mem1 fresh
    . "$case/topo"
    dp=$(dp_of "$setup")
    fresh=$(fresh_check "$setup")
    mem0=$(mem_kb)
    local perf_pid=
    if $perf; then
        local tid
        tid=$(ps -T -p "$vswitchd_pid" -o spid=,comm= \
              | awk '$2 ~ /^pmd-c01/ { print $1; exit }')
        perf record -q ${VFP_BENCH_PERF_ARGS:--g} -t "$tid" \
            -o "$out/perf-$scenario-$label-$setup-$round.data" \
            > /dev/null 2>&1 &
        perf_pid=$!
    fi
    if [ -n "$early" ]; then
        # New connections: the pcap (one pass, read once from the file,
        # every packet a new connection) from the first packet to the
        # last, the window ending once the port runs dry; busy cycles per
        # packet are then the cost of a new connection, whatever the idle
        # time after.  (Polling for the end of an infinite_rx pass
        # overshot: the main thread answers late under upcall load, and
        # the window took in 1.5 passes more of established packets.)
        local last=-1
        ovs-appctl dpif-netdev/pmd-stats-clear "$dp" > /dev/null
        release_sources
        for i in $(seq 1200); do
            sleep 0.5
            n=$(pmd_rx "$setup")
            [ "$n" -lt "$CONNS" ] || [ "$n" != "$last" ] || break
            last=$n
        done
    elif [ "${PASSES:-0}" != 0 ]; then
        # K passes read from the file: the first pass of every source
        # opens the connections; then the window, until the duration ends
        # or a source runs dry (no packet for 0.5 s: the window keeps both
        # directions).  The VM's side starts soon after the uplink's: a
        # second would be all 4 passes from the uplink on ofdpif.
        local src done last t
        release_sources 0.05
        for i in $(seq 6000); do
            done=true
            for src in $SOURCES; do
                [ "$(port_rx "$setup" $src)" -ge "$CONNS" ] || done=false
            done
            ! $done || break
            sleep 0.5
        done
        ovs-appctl dpif-netdev/pmd-stats-clear "$dp" > /dev/null
        last=
        for t in $(seq $((duration * 2))); do
            sleep 0.5
            n=
            for src in $SOURCES; do
                n="$n $(port_rx "$setup" $src)"
            done
            if [ -n "$last" ]; then
                local a b dry=false
                set -- $last
                for b in $n; do
                    [ "$b" != "$1" ] || dry=true
                    shift
                done
                ! $dry || break
            fi
            last=$n
        done
    else
        release_sources
        sleep "$warmup"
        ovs-appctl dpif-netdev/pmd-stats-clear "$dp" > /dev/null
        sleep "$duration"
    fi
    ovs-appctl dpif-netdev/pmd-perf-show "$dp" > "$f"
    ovs-appctl dpif-netdev/pmd-stats-show "$dp" > "${f%.txt}-stats.txt"
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid"
        wait "$perf_pid" || true
    fi
    mem1=$(mem_kb)
    # Fields: see FIELDS in vfp-bench-gen.py.
    echo "$scenario $label $setup $round $(perf_fields "$f")" \
         "$(set -- $mem1; echo $1) $mem0 $(set -- $mem1; echo $2 $3)" \
         "$(stats_fields "${f%.txt}-stats.txt") $CONNS $fresh" \
        | tee -a "$results"
}

# check CASE: the sample through vfp and ofdpif once; the packets that
# leave each port must be the same.
check() {
    local case=$1 setups=$2 setup
    case " $setups " in *" vfp "*) ;; *) setups= ;; esac
    case " $setups " in *" ofdpif "*) ;; *) setups= ;; esac
    if [ -z "$setups" ]; then
        echo "check skipped: needs both vfp and ofdpif"
        return 2
    fi
    for setup in vfp ofdpif; do
        sample_dir=$run/sample-$setup
        rm -rf "$sample_dir"
        mkdir -p "$sample_dir"
        pcap_suffix=-sample
        fresh_vswitchd $setup
        bridges_up $setup "$case"
        release_sources
        sleep 2
        if [ -n "$VFP_BENCH_INSPECT" ]; then
            SETUP=$setup DP=$(dp_of "$setup") bash -c "$VFP_BENCH_INSPECT" \
                > "$out/inspect-check-$setup.txt" 2>&1 || true
        fi
        bridges_down        # closing the vdevs flushes their pcaps
        sample_dir= pcap_suffix=
    done
    $gen compare "$run/sample-vfp" "$run/sample-ofdpif"
}

# with_builds SETUP...: vfp once per build (VFP_BENCH_BUILDS).
with_builds() {
    local s b
    for s in "$@"; do
        if [ "$s" = vfp ] && [ -n "$builds" ]; then
            for b in $builds; do echo "vfp:$b"; done
        else
            echo "$s"
        fi
    done | tr '\n' ' '
}

# chosen_setups SETUP...: the setups to run, vfp once per build
# (with_builds), only those VFP_BENCH_SETUPS names if set (debugging,
# profiling).
chosen_setups() {
    local s
    for s in $(with_builds "$@"); do
        if [ -z "$VFP_BENCH_SETUPS" ]; then
            echo "$s"
        else
            case " $VFP_BENCH_SETUPS " in
            *" $s "*|*" ${s%%:*} "*) echo "$s" ;;
            esac
        fi
    done | tr '\n' ' '
}

# run_case SCENARIO LABEL CASE [setups] [early]: check, then rounds.
run_case() {
    local scenario=$1 label=$2 case=$3 setups=${4:-vfp ofdpif normal}
    local early=$5 r setup
    setups=$(chosen_setups $setups)
    local status=0
    check "$case" "$setups" || status=$?
    case $status in
    0) echo "$scenario $label check ok" >> "$out/checks.txt" ;;
    2) echo "$scenario $label check skipped" >> "$out/checks.txt" ;;
    *) log "$scenario $label: vfp and ofdpif disagree on the sample" \
           "(see above); timing it anyway, flagged"
       echo "$scenario $label check FAILED" >> "$out/checks.txt" ;;
    esac
    for r in $(seq "$rounds"); do
        for setup in $setups; do
            fresh_vswitchd "$setup"
            bridges_up "$setup" "$case"
            measure "$scenario" "$label" "$setup" "$r" "$case" "$early"
            if [ -n "$VFP_BENCH_INSPECT" ]; then
                # A debugging hook: a shell command run before teardown.
                SETUP=$setup DP=$(dp_of "$setup") bash -c "$VFP_BENCH_INSPECT" \
                    > "$out/inspect-$scenario-$label-$setup-$r.txt" 2>&1 || true
            fi
            bridges_down
        done
    done
}

sample_dir= pcap_suffix=
: > "$out/checks.txt"
uptime > "$out/load.txt"

# passes_for N: 0 (replayed from memory) if N connections fit in the
# replaying ports' mbufs, else the number of passes to write.
passes_for() {
    if [ "$1" -le "${VFP_BENCH_INMEM:-200000}" ]; then
        echo 0
    else
        echo "${VFP_BENCH_PASSES:-4}"
    fi
}

# drop_pcaps DIR: a case's pcaps (800 MB at 1M connections) once run.
drop_pcaps() {
    $keep || rm -f "$1"/*.pcap
}

# Scenario 1: established connections through the paper's 4-layer example,
# stateless, then stateful (ofdpif with ct(); VFP's side if its grammar has
# stateful rules).
scenario_established() {
    local n p
    for n in ${VFP_BENCH_CONNS:-1000 100000 1000000}; do
        p=$(passes_for $n)
        $gen 4layer --conns $n --passes $p --out "$run/est-$n"
        run_case established ${n}conns "$run/est-$n"
        drop_pcaps "$run/est-$n"
    done
    if vfp_stateful; then
        for n in ${VFP_BENCH_CONNS:-1000 100000 1000000}; do
            p=$(passes_for $n)
            $gen 4layer --stateful --conns $n --passes $p \
                --out "$run/estst-$n"
            run_case established-stateful ${n}conns "$run/estst-$n"
            drop_pcaps "$run/estst-$n"
        done
    else
        log "established-stateful: this VFP has no stateful rules," \
            "measuring ofdpif with ct() alone"
        $gen 4layer --stateful --conns 1000 --out "$run/estst-1000"
        run_case established-stateful 1000conns "$run/estst-1000" "ofdpif"
    fi
}

# Inbound VXLAN alone: the 4-layer policy's decap side, 1000 connections
# from the uplink, none from the VM; datapath passes per packet,
# (rx + recirculations) / rx from pmd-stats-show.
scenario_decap() {
    $gen 4layer --inbound-only --conns 1000 --out "$run/decap"
    run_case decap 1000conns "$run/decap" "vfp ofdpif"
}

# Scenario 2: layer scaling, 1..10 layers of 200 rules (VFP Figure 9).
scenario_layers() {
    local l
    for l in ${VFP_BENCH_LAYERS:-1 2 4 8 10}; do
        $gen layers --layers $l --rules 200 --conns 1000 \
            --out "$run/layers-$l"
        run_case layers ${l}layers "$run/layers-$l" "vfp ofdpif"
    done
}

# Scenario 3: connection setup, unique SYNs through the 4-layer policy.
# The comparison that counts is with ofdpif's ct() pipeline (setup-ct);
# a VFP without stateful rules runs the stateless policy, and the
# stateless ofdpif pipeline (megaflows, no per-connection work at all) is
# shown for context.
scenario_setup() {
    local n=${VFP_BENCH_SYNS:-200000}
    if vfp_stateful; then
        $gen 4layer --stateful --syn --passes 1 --conns $n --out "$run/setup-st"
        run_case setup-stateful syn "$run/setup-st" "vfp ofdpif" early
    else
        $gen 4layer --syn --passes 1 --conns $n --out "$run/setup"
        run_case setup syn "$run/setup" "vfp ofdpif" early
        $gen 4layer --stateful --syn --passes 1 --conns $n --out "$run/setup-st"
        run_case setup-ct syn "$run/setup-st" "ofdpif" early
    fi
}

# Scenario 4: classification scale, one group of 200, 5k, 50k rules;
# established throughput and first-packet cost.
scenario_classify() {
    local n
    for n in ${VFP_BENCH_RULES:-200 5000 50000}; do
        $gen classify --rules $n --conns 1000 --out "$run/cls-$n"
        run_case classify ${n}rules "$run/cls-$n" "vfp ofdpif"
        $gen classify --rules $n --syn --passes 1 --conns 100000 --out "$run/clsf-$n"
        run_case classify-first ${n}rules "$run/clsf-$n" "vfp ofdpif" early
    done
}

# Scenario 5: memory per connection at 100k connections: growth of
# ovs-vswitchd's RSS and of its hugetlb pages, and datapath flows, once all
# connections are installed.  Stateless 4-layer policy on both; ofdpif's
# ct() pipeline (conntrack entries per connection) too, and VFP's stateful
# side if it has stateful rules.
scenario_memory() {
    local n=${VFP_BENCH_MEMCONNS:-100000}
    $gen 4layer --conns $n --out "$run/mem"
    memory_case memory "$run/mem" "vfp ofdpif"
    $gen 4layer --stateful --conns $n --out "$run/mem-st"
    if vfp_stateful; then
        memory_case memory-stateful "$run/mem-st" "vfp ofdpif"
    else
        memory_case memory-stateful "$run/mem-st" "ofdpif"
    fi
}

memory_case() {
    local scenario=$1 case=$2 setups=$3 setup r flows dp n fresh
    local rss0 rss1 huge0 huge1 sys0 sys1
    local TUNNEL SOURCES CONNS PASSES
    . "$case/topo"
    n=$CONNS
    setups=$(chosen_setups $setups)
    for r in $(seq "$rounds"); do
        for setup in $setups; do
            dp=$(dp_of $setup)
            fresh_vswitchd $setup
            bridges_up $setup "$case"
            sleep 2
            fresh=$(fresh_check $setup)
            read -r rss0 huge0 sys0 <<< "$(mem_kb)"
            release_sources
            sleep $((warmup + duration))
            read -r rss1 huge1 sys1 <<< "$(mem_kb)"
            flows=$(ovs-appctl dpctl/show "netdev@$dp" \
                    | awk '/flows:/ { print $2 }')
            echo "$scenario ${n}conns $setup $r rss_kb_before=$rss0" \
                 "rss_kb_after=$rss1 hugetlb_kb_before=$huge0" \
                 "hugetlb_kb_after=$huge1 sys_huge_kb_before=$sys0" \
                 "sys_huge_kb_after=$sys1 dp_flows=$flows" \
                 "rss_bytes_per_conn=$(( (rss1 - rss0) * 1024 / n ))" \
                 "huge_bytes_per_conn=$(( (huge1 - huge0) * 1024 / n ))" \
                 "bytes_per_conn=$(( (rss1 - rss0 + huge1 - huge0) * 1024 / n ))" \
                 "fresh_flows_ct=${fresh// /,}" \
                | tee -a "$out/memory.txt"
            ovs-appctl memory/show | sed 's/^/    /' >> "$out/memory.txt"
            bridges_down
        done
    done
}

vfp_stateful() {
    # Stateful rules in vfp-ctl's grammar.
    case ${VFP_BENCH_STATEFUL:-auto} in
    0|no) return 1 ;;
    auto) vfp-ctl --help 2>/dev/null | grep -q stateful ;;
    *) return 0 ;;
    esac
}

: > "$out/memory.txt"
for s in $scenarios; do
    log "scenario $s"
    "scenario_$s"
done
uptime >> "$out/load.txt"
$gen report "$results" --checks "$out/checks.txt" \
    --memory "$out/memory.txt" --load "$out/load.txt" --docs "$docs" \
    > "$out/report.md"
cat "$out/report.md"
