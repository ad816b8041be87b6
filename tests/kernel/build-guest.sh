#!/bin/bash
# Builds the guest of the kernel datapath lane (make check-kernel): a Linux
# kernel from Debian's linux-image-cloud-amd64 (which ships openvswitch.ko,
# vxlan.ko, cls_flower.ko, nf_conntrack.ko) and an initramfs holding
# busybox, bash, iproute2, the modules the suite needs, the built project (our
# ovs-vswitchd and vfp-ctl, OVS's ovsdb-server and utilities) with every
# shared library they link, and the suite itself.
#
# usage: build-guest.sh SRCDIR BUILDDIR OVS_SRCDIR OUTDIR
#
# Writes OUTDIR/vmlinuz and OUTDIR/initrd.  Everything comes from Debian
# packages, installed (apt-get) or downloaded (apt-get download) here.  Any
# missing piece (package, module, binary) stops the build with its name.
set -euo pipefail

srcdir=$1 builddir=$2 ovs=$3 out=$4
fail() { echo "build-guest: $*" >&2; exit 1; }

# Host tools.  qemu is here rather than in build-aux/install-deps: only this
# lane needs it.
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
need_pkgs="qemu-system-x86 busybox-static kmod cpio iproute2"
missing=
for p in $need_pkgs; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "build-guest: installing:$missing"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
        --no-install-recommends $missing
fi

mkdir -p "$out/cache"
cd "$out/cache"

# The kernel: the versioned image package that linux-image-cloud-amd64
# depends on, as apt serves it today.
image=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null \
        | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$image" ]; then
    $sudo apt-get update -q >/dev/null
    image=$(apt-cache depends linux-image-cloud-amd64 \
            | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
[ -n "$image" ] || fail "apt knows no linux-image-cloud-amd64"
deb=$(ls ${image}_*.deb 2>/dev/null | tail -1 || true)
if [ -z "$deb" ]; then
    apt-get download "$image" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
    deb=$(ls ${image}_*.deb 2>/dev/null | tail -1 || true)
    [ -n "$deb" ] || fail "apt-get download $image failed"
fi
kver=${image#linux-image-}
echo "build-guest: kernel $deb"
if [ ! -f kernel/boot/vmlinuz-$kver ]; then
    rm -rf kernel
    dpkg-deb -x "$deb" kernel
    depmod -b kernel "$kver"
fi
cp kernel/boot/vmlinuz-$kver "$out/vmlinuz"

root=$out/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,run,tmp,var/log,lib/modules,suite}
ln -s ../run "$root/var/run"

# Modules, with what they depend on, in load order.  The init loads them
# with insmod and fails on the first one that does not load.
# (nf_conntrack_netlink: ovs-vswitchd flushes conntrack over netlink when it
# deletes a datapath; the guest has no modprobe to load it on demand.  tun:
# the userspace datapath's local port is a tap.)
modules="openvswitch vxlan veth cls_flower sch_ingress act_gact act_mirred
act_pedit act_csum act_vlan act_tunnel_key act_skbedit nf_conntrack_netlink
tun ip_gre"
: > "$root/etc/modules"
for m in $modules; do
    modprobe -d kernel -S "$kver" --show-depends "$m" 2>/dev/null \
        | awk '$1 == "insmod" {print $2}' > deps \
        || true
    [ -s deps ] || fail "module $m is not in $image"
    while read -r ko; do
        name=$(basename "$ko")
        grep -qx "$name" "$root/etc/modules" && continue
        cp "$ko" "$root/lib/modules/"
        echo "$name" >> "$root/etc/modules"
    done < deps
done
echo "$kver" > "$root/etc/kernel-version"

# Programs and every library they load.
copy_libs() {
    ldd "$1" | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' |
    while read -r lib; do
        [ -e "$root$lib" ] || cp --parents -L "$lib" "$root"
    done
}
add_prog() {                    # add_prog PATH [NAME]
    [ -x "$1" ] || fail "$1: no such program (is the tree built?)"
    if head -c2 "$1" | grep -q '#!'; then
        fail "$1 is a libtool wrapper script; configure with --disable-shared"
    fi
    cp -L "$1" "$root/bin/${2:-$(basename "$1")}"
    copy_libs "$1"
}
cp /bin/busybox "$root/bin/busybox"
# bash runs the autotest suite (busybox's sh would run its own "ip"
# applet before iproute2's); busybox provides the rest.
add_prog /bin/bash
for applet in $(/bin/busybox --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
for p in /usr/bin/ip /usr/sbin/tc; do
    [ -x "$p" ] || p=/sbin/$(basename "$p")
    rm -f "$root/bin/$(basename "$p")"
    add_prog "$p"
done
for p in "$ovs"/ovsdb/ovsdb-server "$ovs"/ovsdb/ovsdb-tool \
         "$ovs"/utilities/ovs-vsctl "$ovs"/utilities/ovs-appctl \
         "$ovs"/utilities/ovs-dpctl "$ovs"/utilities/ovs-ofctl \
         "$builddir"/vswitchd/ovs-vswitchd "$builddir"/utilities/vfp-ctl \
         "$builddir"/tests/kernel/vfp-pkt; do
    add_prog "$p"
done
# tc reads its plugins and tables from here; iproute2 from /etc/iproute2.
[ -d /usr/lib/tc ] && cp -r --parents /usr/lib/tc "$root"
[ -d /etc/iproute2 ] && cp -r --parents /etc/iproute2 "$root"
[ -d /usr/share/iproute2 ] && cp -r --parents /usr/share/iproute2 "$root"
mkdir -p "$root/share/openvswitch"
cp "$ovs/vswitchd/vswitch.ovsschema" "$root/share/openvswitch/"

# The suite (the autotest testsuite generated from tests/kernel/*.at), its
# atconfig and atlocal, and the packets it shares with the dummy-datapath
# autotests.
cp "$srcdir"/tests/kernel/init "$root/init"
[ -f "$srcdir"/tests/kernel/testsuite ] || fail "no tests/kernel/testsuite (make it first)"
cp "$srcdir"/tests/kernel/testsuite "$root/suite/"
cat > "$root/suite/atconfig" <<'EOF2'
at_testdir='.'
abs_builddir='/suite'
at_srcdir='.'
abs_srcdir='/suite'
at_top_srcdir='.'
abs_top_srcdir='/suite'
at_top_build_prefix=''
abs_top_builddir='/suite'
at_top_builddir=$at_top_build_prefix
EXEEXT=''
AUTOTEST_PATH='/bin'
SHELL=${CONFIG_SHELL-'/bin/bash'}
EOF2
cat > "$root/suite/atlocal" <<'EOF2'
# The guest's test environment (tests/kernel/build-guest.sh).
OVS_CTL_TIMEOUT=30; export OVS_CTL_TIMEOUT
vfp_schema=/share/openvswitch/vswitch.ovsschema
# The packets of tests/vfp-macros.at, as shell variables: $UDP_VM1_VM2...
. /suite/packets
EOF2
awk 'match($0, /^m4_define\(\[[A-Z0-9_]+\],$/) {
         name = substr($0, 12, RLENGTH - 13); next
     }
     name && match($0, /^  \[[0-9a-f]+\]\)$/) {
         print name "=" substr($0, 4, RLENGTH - 5)
     }
     { name = "" }' "$srcdir"/tests/vfp-macros.at > "$root/suite/packets"
[ -s "$root/suite/packets" ] || fail "no packets in tests/vfp-macros.at"
chmod +x "$root/init"
echo "root:x:0:0:root:/:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"
: > "$root/etc/resolv.conf"
echo "127.0.0.1 localhost" > "$root/etc/hosts"

(cd "$root" && find . | cpio -o -H newc --quiet) > "$out/initrd"
echo "build-guest: $(du -m "$out/initrd" | cut -f1) MB initramfs, $(wc -l < "$root/etc/modules") modules"
