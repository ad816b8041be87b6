#!/usr/bin/env python3
# Prints, as hex, a packet encapsulated in VXLAN (or NVGRE) over IPv4, with
# valid checksums, for tests that inject tunnel traffic:
#   vfp-encap.py [OPTION...] SRC-MAC DST-MAC SRC-IP DST-IP UDP-SRC-PORT VNI
#                INNER-HEX
# Options, to build what a tunnel endpoint must refuse:
#   --dport=N        UDP destination port (default 4789)
#   --frag=N         the outer IPv4 flags and fragment offset (default 0x4000,
#                    DF)
#   --vlan=N         an 802.1Q tag with VLAN ID N on the outer frame
#   --gre=FLAGS,PROTO  GRE instead of UDP and VXLAN, with these GRE flags and
#                    protocol (e.g. 0x2000,0x6558: NVGRE); VNI is then the
#                    32-bit GRE key, present if FLAGS has the key bit; a
#                    valid checksum with the checksum bit, sequence number 1
#                    with the sequence bit.
#   --udp-csum=N     the UDP checksum: "valid", or a number (default 0: none)
#   --ip-csum=N      the IPv4 header checksum (default: the right one)
#   --ip-options=HEX IPv4 options (a multiple of 4 bytes)
#   --vxlan-flags=N  the VXLAN flags word (default 0x08000000, "VNI present")
import socket
import struct
import sys


def checksum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def main(args):
    opts = {}
    while args and args[0].startswith("--"):
        k, v = args.pop(0)[2:].split("=", 1)
        opts[k] = v
    smac, dmac, sip, dip, sport, vni, inner = args
    inner = bytes.fromhex(inner)
    if "gre" in opts:
        flags, proto = (int(x, 0) for x in opts["gre"].split(","))
        opt = b""
        if flags & 0x2000:
            opt += struct.pack("!I", int(vni, 0))
        if flags & 0x1000:
            opt += struct.pack("!I", 1)
        l4 = struct.pack("!HH", flags, proto)
        if flags & 0x8000:
            body = l4 + b"\0\0\0\0" + opt + inner
            c = checksum(body + (b"\0" if len(body) % 2 else b""))
            l4 += struct.pack("!HH", c, 0)
        l4 += opt + inner
        ipproto = 47
    else:
        vxlan = struct.pack("!II", int(opts.get("vxlan-flags", "0x08000000"),
                                       0),
                            int(vni, 0) << 8)
        l4 = struct.pack("!HHHH", int(sport), int(opts.get("dport", 4789)),
                         8 + len(vxlan) + len(inner), 0) + vxlan + inner
        ipproto = 17
        udp_csum = opts.get("udp-csum", "0")
        if udp_csum == "valid":
            pseudo = (socket.inet_aton(sip) + socket.inet_aton(dip)
                      + struct.pack("!BBH", 0, 17, len(l4)))
            data = pseudo + l4 + (b"\0" if len(l4) % 2 else b"")
            c = checksum(data) or 0xffff
        else:
            c = int(udp_csum, 0)
        l4 = l4[:6] + struct.pack("!H", c) + l4[8:]
    options = bytes.fromhex(opts.get("ip-options", ""))
    ihl = 5 + len(options) // 4
    ip = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0,
                     20 + len(options) + len(l4), 0,
                     int(opts.get("frag", "0x4000"), 0), 64, ipproto, 0,
                     socket.inet_aton(sip), socket.inet_aton(dip)) + options
    c = int(opts["ip-csum"], 0) if "ip-csum" in opts else checksum(ip)
    ip = ip[:10] + struct.pack("!H", c) + ip[12:]
    eth = (bytes.fromhex(dmac.replace(":", ""))
           + bytes.fromhex(smac.replace(":", "")))
    if "vlan" in opts:
        eth += struct.pack("!HH", 0x8100, int(opts["vlan"]))
    eth += b"\x08\x00"
    print((eth + ip + l4).hex())


if __name__ == "__main__":
    main(sys.argv[1:])
