#!/usr/bin/env python3
# Prints, as hex, a packet encapsulated in VXLAN over IPv4, with valid
# checksums, for tests that inject tunnel traffic:
#   vfp-encap.py SRC-MAC DST-MAC SRC-IP DST-IP UDP-SRC-PORT VNI INNER-HEX
import socket
import struct
import sys


def checksum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def main(args):
    smac, dmac, sip, dip, sport, vni, inner = args
    inner = bytes.fromhex(inner)
    vxlan = struct.pack("!II", 0x08000000, int(vni) << 8)
    udp = struct.pack("!HHHH", int(sport), 4789, 8 + len(vxlan) + len(inner),
                      0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp) + len(vxlan)
                     + len(inner), 0, 0x4000, 64, 17, 0,
                     socket.inet_aton(sip), socket.inet_aton(dip))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = (bytes.fromhex(dmac.replace(":", ""))
           + bytes.fromhex(smac.replace(":", "")) + b"\x08\x00")
    print((eth + ip + udp + vxlan + inner).hex())


if __name__ == "__main__":
    main(sys.argv[1:])
