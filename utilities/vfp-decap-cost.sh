#!/bin/bash
# Measures what VXLAN decapsulation costs a VFP bridge on OVS-DPDK: the
# same 32 connections from the uplink to a VM, plain and VXLAN-encapsulated,
# replayed by a DPDK net_pcap vdev (infinite_rx) into a net_null sink, one
# PMD on core 1; figures from dpif-netdev/pmd-perf-show.  Not a comparison
# with upstream OVS (that is the benchmark harness's job).
#
# Needs root and 2 MB hugepages (it reserves 512 if there are none).  Run in
# the sandbox:  utilities/vfp-sandbox.sh -- bash utilities/vfp-decap-cost.sh

set -e
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "$(cat /proc/sys/vm/nr_hugepages)" -lt 256 ]; then
    echo 512 > /proc/sys/vm/nr_hugepages
fi
if ! mount | grep -q hugetlbfs; then
    mkdir -p /dev/hugepages && mount -t hugetlbfs none /dev/hugepages
fi

python3 - "$work" <<'PYEOF'
import socket, struct, sys

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ipv4(src, dst, proto, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 0, 0, 64,
                    proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + payload

def eth(dst, src, payload):
    mac = lambda m: bytes(int(x, 16) for x in m.split(':'))
    return mac(dst) + mac(src) + b'\x08\x00' + payload

def write(name, pkts):
    with open(name, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for p in pkts:
            f.write(struct.pack('<IIII', 0, 0, len(p), len(p)) + p)

plain, enc = [], []
for i in range(32):
    udp = struct.pack('!HHHH', 1000 + i, 2000, 12, 0) + b'vfp!'
    inner = eth('00:00:00:00:00:02', '00:00:00:00:00:99',
                ipv4('8.8.8.8', '10.0.0.2', 17, udp))
    plain.append(inner)
    vx = struct.pack('!II', 0x08000000, 5000 << 8) + inner
    outer_udp = struct.pack('!HHHH', 12345 + i, 4789, 8 + len(vx), 0) + vx
    enc.append(eth('aa:aa:aa:aa:aa:01', 'aa:aa:aa:aa:aa:02',
                   ipv4('192.168.0.2', '192.168.0.1', 17, outer_udp)))
write(sys.argv[1] + '/plain.pcap', plain)
write(sys.argv[1] + '/vxlan.pcap', enc)
PYEOF

ovs-vsctl set Open_vSwitch . other_config:dpdk-init=true \
    other_config:dpdk-lcore-mask=0x1 other_config:pmd-cpu-mask=0x2 \
    other_config:dpdk-socket-mem=512 other_config:dpdk-extra=--no-pci \
    other_config:pmd-perf-metrics=true

run() {
    local name=$1
    ovs-vsctl --if-exists del-br brd
    ovs-vsctl add-br brd -- set bridge brd datapath_type=vfp-netdev \
      -- add-port brd up -- set Interface up type=dpdk \
         "options:dpdk-devargs=net_pcap_$name,rx_pcap=$work/$name.pcap,infinite_rx=1" \
         other_config:vfp-uplink=true \
      -- add-port brd d2 -- set Interface d2 type=dpdk \
         "options:dpdk-devargs=net_null_$name,no-rx=1" \
         external_ids:attached-mac=00:00:00:00:00:02 \
      -- add-port brd vx0 -- set Interface vx0 type=vxlan \
         options:remote_ip=flow options:key=flow
    sleep 4
    ovs-appctl dpif-netdev/pmd-stats-clear vfp-netdev > /dev/null
    sleep 5
    echo "== $name"
    ovs-appctl dpif-netdev/pmd-perf-show vfp-netdev \
        | grep -E "Rx packets|Datapath passes|Tx packets"
    # Datapath passes per packet: (rx + recirculations) / rx.
    ovs-appctl dpif-netdev/pmd-stats-show vfp-netdev \
        | awk '/packets received:/ { rx += $3 }
               /packet recirculations:/ { rc += $3 }
               END { if (rx) printf "  passes per packet: (%d + %d) / %d = %.2f\n",
                                    rx, rc, rx, (rx + rc) / rx }'
}
run plain
run vxlan
ovs-vsctl --if-exists del-br brd
