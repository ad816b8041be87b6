#!/bin/bash
# The benchmark harness against upstream OVS on OVS-DPDK (DESIGN.md section
# 5, issue 5).  Needs no NIC: one ovs-vswitchd of this tree with DPDK,
# traffic replayed by DPDK net_pcap vdevs (infinite_rx=1) from pcaps that
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
# byte.  Figures come from dpif-netdev/pmd-perf-show; medians and ratios go
# to a table (report.md), plots (gnuplot) to PNGs.  docs/performance.md
# says what it measures and what the figures mean.
#
# Usage (root; builds nothing, run "make" first):
#   utilities/vfp-bench.sh [OPTION...] [SCENARIO...]
# Scenarios: established layers setup classify memory (default: all).
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
# "1000 100000"), VFP_BENCH_LAYERS ("1 2 4 8 10"), VFP_BENCH_RULES ("200
# 5000 50000"), VFP_BENCH_SYNS (200000), VFP_BENCH_MEMCONNS (100000);
# VFP_BENCH_STATEFUL=1|0 forces VFP's side of the stateful cases (issue 4's
# grammar) on or off, default: on if "vfp-ctl --help" mentions stateful;
# VFP_BENCH_VSWITCHD runs another ovs-vswitchd binary (before/after a
# change); VFP_BENCH_OTHER_CONFIG adds Open_vSwitch other_config settings
# for every setup (e.g. "smc-enable=true"); VFP_BENCH_SETUPS limits the
# setups run (e.g. "vfp"); VFP_BENCH_INSPECT, a shell command run (output
# in the results directory) before each teardown, for debugging.
#
# A port's traffic must only start once its policy is in place: source
# ports are added pinned (pmd-rxq-affinity) to a core with no PMD while the
# one PMD is isolated by a "hold" port pinned to it, so they are not polled;
# re-pinning them to core 1 starts the traffic.

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
: "${scenarios:=established layers setup classify memory}"

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

# Hugepages: 512 x 2 MB, mounted.
if [ "$(cat /proc/sys/vm/nr_hugepages)" -lt 512 ]; then
    echo 512 > /proc/sys/vm/nr_hugepages
fi
mkdir -p /dev/hugepages
mountpoint -q /dev/hugepages || mount -t hugetlbfs none /dev/hugepages

run=$(mktemp -d /tmp/vfp-bench.XXXXXX)
mkdir -p "$out"
: "${docs:=$out}"
mkdir -p "$docs"
export OVS_RUNDIR=$run OVS_LOGDIR=$run OVS_DBDIR=$run
export OVS_SYSCONFDIR=$run OVS_PKGDATADIR=$top/ovs
export PATH=$top/utilities:$top/vswitchd:$top/ovs/utilities:$top/ovs/ovsdb:$PATH
gen="python3 $top/utilities/vfp-bench-gen.py"
if [ -n "$VFP_BENCH_VSWITCHD" ]; then
    # Same name, so that pidfile and control socket are where tools look.
    mkdir -p "$run/bin"
    cp "$VFP_BENCH_VSWITCHD" "$run/bin/ovs-vswitchd"
    export PATH=$run/bin:$PATH
fi
results=$out/runs.txt
: > "$results"

cleanup() {
    ovs-vsctl --timeout=10 --if-exists del-br vb-br \
        -- --if-exists del-br vb-phy -- --if-exists del-br vb-hold \
        > /dev/null 2>&1 || true
    for daemon in ovs-vswitchd ovsdb-server; do
        if [ -f "$run/$daemon.pid" ]; then
            kill "$(cat "$run/$daemon.pid")" 2>/dev/null || true
        fi
    done
    sleep 0.5
    del_taps
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
    other_config:pmd-perf-metrics=true other_config:flow-limit=1000000
# Extra datapath settings for every setup, e.g. "smc-enable=true".
for kv in $VFP_BENCH_OTHER_CONFIG; do
    ovs-vsctl --no-wait set Open_vSwitch . "other_config:$kv"
done
# Everything but the PMD (which pins itself to core 1) on core 0.
start_vswitchd() {
    taskset -c 0 ovs-vswitchd --disable-system --disable-system-route \
        --detach --no-chdir --pidfile --log-file
    vswitchd_pid=$(cat "$run/ovs-vswitchd.pid")
    ovs-vsctl --timeout=60 wait-until Open_vSwitch . dpdk_initialized=true
    ovs-appctl version > /dev/null     # answers once DPDK is up
}
# A fresh process, for memory figures that freed memory kept by malloc
# would otherwise hide.
restart_vswitchd() {
    local i
    kill "$vswitchd_pid"
    for i in $(seq 100); do
        kill -0 "$vswitchd_pid" 2>/dev/null || break
        sleep 0.1
    done
    start_vswitchd
}
start_vswitchd

vdev=0                          # DPDK vdev names must be unique
held_ports=

dp_of() {                       # setup -> datapath name
    case $1 in vfp) echo vfp-netdev ;; *) echo ovs-netdev ;; esac
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
        if [ "$role" = source ]; then
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

release_sources() {
    # The uplink first: connections are opened from the network side, and
    # stateful setups must see that direction first.
    local p
    for p in up $held_ports; do
        case " $held_ports " in *" $p "*) ;; *) continue ;; esac
        ovs-vsctl set Interface "$p" other_config:pmd-rxq-affinity=0:1
        held_ports=$(echo " $held_ports " | sed "s/ $p / /")
        [ -z "${held_ports// }" ] || sleep 1
    done
    held_ports=
}

# bridges_up SETUP CASE: builds SETUP's bridges for CASE (a directory from
# vfp-bench-gen.py), policy included; sources held.
bridges_up() {
    local setup=$1 case=$2 TUNNEL SOURCES CONNS role
    . "$case/topo"
    role() { case " $SOURCES " in *" $1 "*) echo source ;; *) echo sink ;; esac; }
    vdev=$((vdev + 1))
    # The hold port, pinned to core 1, isolates the PMD (pmd-rxq-isolate).
    ovs-vsctl add-br vb-hold -- set bridge vb-hold \
        datapath_type="$(case $setup in vfp) echo vfp-netdev ;;
                         *) echo netdev ;; esac)" fail-mode=secure \
        -- add-port vb-hold hold -- set Interface hold type=dpdk \
           "options:dpdk-devargs=net_null$vdev,no-rx=1" \
           other_config:pmd-rxq-affinity=0:1
    case $setup in
    vfp)
        ovs-vsctl add-br vb-br -- set bridge vb-br datapath_type=vfp-netdev
        dpdk_port vb-br vm "$(role vm)" "$case/vm$pcap_suffix.pcap" \
            external_ids:attached-mac=00:00:00:00:00:01
        dpdk_port vb-br up "$(role up)" "$case/up$pcap_suffix.pcap" \
            other_config:vfp-uplink=true
        if [ "$TUNNEL" = 1 ]; then
            # The tunnel endpoint, the generator's local PA and its MAC:
            # VFP decapsulates only what is addressed to it.
            ovs-vsctl add-port vb-br vx -- set Interface vx type=vxlan \
                options:remote_ip=flow options:key=flow \
                options:local_ip=192.168.0.1 \
                -- set bridge vb-br \
                   other_config:vfp-tunnel-mac=aa:aa:aa:aa:aa:01
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

# measure SCENARIO CASE-LABEL SETUP ROUND CASE [early]
measure() {
    local scenario=$1 label=$2 setup=$3 round=$4 case=$5 early=$6
    local dp f=$run/perf-$scenario-$label-$setup-$round.txt
    dp=$(dp_of "$setup")
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
        # New connections: the window runs from the first packet to the
        # end of the pcap's first pass (every packet a new connection),
        # polled every ~20 ms; busy cycles per packet are then the cost of
        # a new connection, whatever the idle time before.
        local TUNNEL SOURCES CONNS n=0 i
        . "$case/topo"
        ovs-appctl dpif-netdev/pmd-stats-clear "$dp" > /dev/null
        release_sources
        for i in $(seq 3000); do
            n=$(ovs-appctl dpif-netdev/pmd-stats-show "$dp" \
                | awk '/packets received:/ { print $3; exit }')
            [ "${n:-0}" -lt "$CONNS" ] || break
            sleep 0.02
        done
    else
        release_sources
        sleep "$warmup"
        ovs-appctl dpif-netdev/pmd-stats-clear "$dp" > /dev/null
        sleep "$duration"
    fi
    ovs-appctl dpif-netdev/pmd-perf-show "$dp" > "$f"
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid"
        wait "$perf_pid" || true
    fi
    local rss
    rss=$(awk '/VmRSS/ { print $2 }' "/proc/$vswitchd_pid/status")
    echo "$scenario $label $setup $round $(perf_fields "$f") $rss" \
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

# run_case SCENARIO LABEL CASE [setups] [early]: check, then rounds.
run_case() {
    local scenario=$1 label=$2 case=$3 setups=${4:-vfp ofdpif normal}
    local early=$5 r setup
    if [ -n "$VFP_BENCH_SETUPS" ]; then
        # Only these setups (debugging, profiling).
        local keep= s
        for s in $setups; do
            case " $VFP_BENCH_SETUPS " in *" $s "*) keep="$keep $s" ;; esac
        done
        setups=$keep
    fi
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

# Scenario 1: established connections through the paper's 4-layer example.
# Stateless for now: the stateful variant (--stateful) needs issue 4's
# stateful rules on the VFP side; ofdpif already runs it with ct().
scenario_established() {
    local n
    for n in ${VFP_BENCH_CONNS:-1000 100000}; do
        $gen 4layer --conns $n --out "$run/est-$n"
        run_case established ${n}conns "$run/est-$n"
    done
    if vfp_stateful; then
        for n in ${VFP_BENCH_CONNS:-1000 100000}; do
            $gen 4layer --stateful --conns $n --out "$run/estst-$n"
            run_case established-stateful ${n}conns "$run/estst-$n"
        done
    else
        log "established-stateful: VFP has no stateful rules yet (issue 4)," \
            "measuring ofdpif with ct() alone"
        $gen 4layer --stateful --conns 1000 --out "$run/estst-1000"
        run_case established-stateful 1000conns "$run/estst-1000" "ofdpif"
    fi
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
# until VFP has stateful rules (issue 4) its side runs the stateless
# policy, and the stateless ofdpif pipeline (megaflows, no per-connection
# work at all) is shown for context.
scenario_setup() {
    local n=${VFP_BENCH_SYNS:-200000}
    if vfp_stateful; then
        $gen 4layer --stateful --syn --conns $n --out "$run/setup-st"
        run_case setup-stateful syn "$run/setup-st" "vfp ofdpif" early
    else
        $gen 4layer --syn --conns $n --out "$run/setup"
        run_case setup syn "$run/setup" "vfp ofdpif" early
        $gen 4layer --stateful --syn --conns $n --out "$run/setup-st"
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
        $gen classify --rules $n --syn --conns 100000 --out "$run/clsf-$n"
        run_case classify-first ${n}rules "$run/clsf-$n" "vfp ofdpif" early
    done
}

# Scenario 5: memory per connection at 100k connections: RSS growth of
# ovs-vswitchd and datapath flows once all connections are installed.
# Stateless 4-layer policy on both; ofdpif's ct() pipeline (conntrack
# entries per connection) too; VFP's stateful side when issue 4 lands.
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
    local scenario=$1 case=$2 setups=$3 setup r rss0 rss1 flows dp n
    local TUNNEL SOURCES CONNS
    . "$case/topo"
    n=$CONNS
    for r in $(seq "$rounds"); do
        for setup in $setups; do
            dp=$(dp_of $setup)
            restart_vswitchd
            bridges_up $setup "$case"
            sleep 2
            rss0=$(awk '/VmRSS/ { print $2 }' "/proc/$vswitchd_pid/status")
            release_sources
            sleep $((warmup + duration))
            rss1=$(awk '/VmRSS/ { print $2 }' "/proc/$vswitchd_pid/status")
            flows=$(ovs-appctl dpctl/show "netdev@$dp" \
                    | awk '/flows:/ { print $2 }')
            echo "$scenario ${n}conns $setup $r rss_kb_before=$rss0" \
                 "rss_kb_after=$rss1 dp_flows=$flows" \
                 "bytes_per_conn=$(( (rss1 - rss0) * 1024 / n ))" \
                | tee -a "$out/memory.txt"
            ovs-appctl memory/show | sed 's/^/    /' >> "$out/memory.txt"
            bridges_down
        done
    done
}

vfp_stateful() {
    # Issue 4's grammar, once the VFP side accepts it.
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
