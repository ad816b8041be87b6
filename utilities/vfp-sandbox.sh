#!/bin/bash
# Builds this tree if needed and starts a sandbox: ovsdb-server and our
# ovs-vswitchd on the dummy datapath, with a VFP bridge "br0" holding two VM
# ports (vm1, vm2) and an uplink (uplink).  Needs no root networking and no
# hugepages.  Like OVS's "make sandbox".
#
#   utilities/vfp-sandbox.sh                  an interactive shell
#   utilities/vfp-sandbox.sh -- CMD [ARG...]  run CMD in the sandbox, exit
#                                             with its status
#
# Inside, PATH has vfp-ctl, ovs-vsctl, ovs-appctl, ovs-ofctl, ovs-pcap...
# Packets go in with "ovs-appctl netdev-dummy/receive vm1 FLOW" and come out
# in sandbox/PORT-tx.pcap ("ovs-pcap sandbox/vm2-tx.pcap").

set -e

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$1" = "--" ]; then
    shift
fi

# Build, unless already built.
"$top"/build-aux/install-deps
if [ ! -x configure ]; then
    build-aux/bootstrap
fi
if [ ! -f Makefile ]; then
    ./configure
fi
make -j"$(nproc)" >/dev/null

sandbox=$top/sandbox
rm -rf "$sandbox"
mkdir -p "$sandbox"
export OVS_RUNDIR=$sandbox OVS_LOGDIR=$sandbox OVS_DBDIR=$sandbox
export OVS_SYSCONFDIR=$sandbox OVS_PKGDATADIR=$top/ovs
export PATH=$top/utilities:$top/vswitchd:$top/ovs/utilities:$top/ovs/ovsdb:$PATH

cleanup() {
    for daemon in ovs-vswitchd ovsdb-server; do
        if [ -f "$sandbox/$daemon.pid" ]; then
            kill "$(cat "$sandbox/$daemon.pid")" 2>/dev/null || true
        fi
    done
}
trap cleanup EXIT

ovsdb-tool create "$sandbox/conf.db" ovs/vswitchd/vswitch.ovsschema
ovsdb-server --detach --no-chdir --pidfile --log-file \
    --remote=punix:"$sandbox/db.sock" "$sandbox/conf.db"
ovs-vsctl --no-wait init
ovs-vswitchd --enable-dummy --disable-system --disable-system-route \
    --detach --no-chdir --pidfile --log-file
ovs-vsctl add-br br0 -- set bridge br0 datapath_type=vfp-dummy \
    fail-mode=secure \
    -- add-port br0 vm1 -- set Interface vm1 type=dummy \
       external_ids:attached-mac=00:00:00:00:00:01 \
       options:pcap="$sandbox/vm1.pcap" \
    -- add-port br0 vm2 -- set Interface vm2 type=dummy \
       external_ids:attached-mac=00:00:00:00:00:02 \
       options:pcap="$sandbox/vm2.pcap" \
    -- add-port br0 uplink -- set Interface uplink type=dummy \
       other_config:vfp-uplink=true options:pcap="$sandbox/uplink.pcap"

if [ $# -gt 0 ]; then
    cd "$sandbox"
    set +e
    "$@"
    exit $?
fi

cat <<EOM
----------------------------------------------------------------------
You are in a VFP sandbox: br0 (datapath_type=vfp-dummy) with ports
vm1 (00:00:00:00:00:01), vm2 (00:00:00:00:00:02) and uplink.
Try:
  vfp-ctl show
  ovs-appctl netdev-dummy/receive vm1 'eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),udp(src=1000,dst=2000)'
  vfp-ctl dump-ufs vm1
  ovs-appctl dpctl/dump-flows vfp-dummy@vfp-dummy
Exit the shell to stop the sandbox.
----------------------------------------------------------------------
EOM
cd "$sandbox"
PS1='[vfp-sandbox] \w\$ ' "${SHELL:-/bin/bash}" --norc -i
