#!/usr/bin/env python3
# Prints, as hex, one line per fragment, an IPv4 or IPv6 datagram (UDP or
# TCP, valid checksums) cut into fragments, for the fragment tests:
#   vfp-frag.py KEY=VALUE...
# smac, dmac: Ethernet addresses; src, dst: IP addresses (IPv6 if they
# contain ':'); proto: udp or tcp; sport, dport; len: payload bytes after
# the L4 header (bytes 0, 1, 2...); flags: TCP flags (default 0x02, SYN);
# id: the IP ID (default 1); frags: comma-separated OFFSET:LENGTH ranges
# of the IP payload (L4 header included), in the order to print, or
# "whole" (default) for the datagram unfragmented.  A range that ends
# where the datagram ends is the last fragment; "OFFSET:LENGTH:m" sets
# More Fragments anyway; count=N: the same for IDs id to id+N-1.
import socket
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def main(args):
    a = {"flags": "0x02", "id": "1", "frags": "whole", "len": "0",
         "count": "1"}
    for arg in args:
        key, value = arg.split("=", 1)
        a[key] = value
    v6 = ":" in a["src"]
    family = socket.AF_INET6 if v6 else socket.AF_INET
    src = socket.inet_pton(family, a["src"])
    dst = socket.inet_pton(family, a["dst"])
    payload = bytes(i & 0xff for i in range(int(a["len"])))
    sport, dport = int(a["sport"]), int(a["dport"])
    if a["proto"] == "udp":
        proto = 17
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        csum_ofs = 6
    else:
        proto = 6
        l4 = struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4,
                         int(a["flags"], 0), 8192, 0, 0) + payload
        csum_ofs = 16
    if v6:
        pseudo = src + dst + struct.pack("!IxxxB", len(l4), proto)
    else:
        pseudo = src + dst + struct.pack("!xBH", proto, len(l4))
    csum = checksum(pseudo + l4)
    if proto == 17 and csum == 0:
        csum = 0xffff
    l4 = l4[:csum_ofs] + struct.pack("!H", csum) + l4[csum_ofs + 2:]

    eth = (bytes.fromhex(a["dmac"].replace(":", ""))
           + bytes.fromhex(a["smac"].replace(":", ""))
           + (b"\x86\xdd" if v6 else b"\x08\x00"))
    for ident in range(int(a["id"]), int(a["id"]) + int(a["count"])):
        fragment(eth, src, dst, proto, l4, v6, ident, a["frags"])


def fragment(eth, src, dst, proto, l4, v6, ident, frags):
    if frags == "whole":
        ranges = [(0, len(l4), False, True)]
    else:
        ranges = []
        for r in frags.split(","):
            parts = r.split(":")
            off, length = int(parts[0]), int(parts[1])
            ranges.append((off, length,
                           len(parts) > 2 or off + length < len(l4), False))
    for off, length, more, whole in ranges:
        data = l4[off:off + length]
        if v6:
            if whole:
                ip = struct.pack("!IHBB", 6 << 28, len(data), proto, 64)
                ip += src + dst
            else:
                frag = struct.pack("!BBHI", proto, 0, off | int(more), ident)
                ip = struct.pack("!IHBB", 6 << 28, 8 + len(data), 44, 64)
                ip += src + dst + frag
        else:
            fo = 0 if whole else (off // 8) | (0x2000 if more else 0)
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(data), ident,
                             fo, 64, proto, 0, src, dst)
            ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        print((eth + ip + data).hex())


if __name__ == "__main__":
    main(sys.argv[1:])
