#!/usr/bin/env python3
# The packet fuzzer: deterministic mutations of valid frames, and a checker
# of what was delivered.  Standard library only, no network.
#
#   vfp-fuzz.py generate N [SEED]
#       Prints N frames as hex, at most BATCH per line (one
#       "netdev-dummy/receive" each): valid frames toward vm1 (MAC :01)
#       from behind the uplink (MAC :99), of the allowed 5-tuple
#       UDP 192.0.2.7:5000 -> 10.0.0.1:53 and of others, each mutated:
#       truncations, bad lengths (IHL, total and payload length, TCP data
#       offset, UDP length), IPv4 options, IPv6 extension headers,
#       fragments, VLAN stacks, LLC/SNAP, VXLAN and GRE outer headers,
#       bytes overwritten.
#
#   vfp-fuzz.py generate-vxlan N [SEED]
#   vfp-fuzz.py generate-nvgre N [SEED]
#       The same frames, mutated or not, each in a VXLAN (NVGRE) packet for
#       the tunnel endpoint 192.168.0.1 (MAC aa:55:aa:55:00:00) from
#       192.168.0.2, VNI (VSID) 5000, whose outer headers are then mutated
#       too: checksums, flags, reserved bytes, ports, protocol, lengths,
#       and the frame mutations above applied to the outer frame.
#
#   vfp-fuzz.py check PCAP
#       Dissects every frame of PCAP (what vm1 received) and fails unless
#       each is the allowed 5-tuple, parsed as the datapaths parse it, or a
#       later fragment of a datagram whose first fragment was.  Prints the
#       number of frames.
#
#   vfp-fuzz.py check-blocked PCAP
#       For a policy that allows everything but the sources of the frames
#       (192.0.2.7, 2001:db8::7): fails if a frame of PCAP comes from one,
#       found where its IP header is whether or not that header is valid,
#       or has more than two VLAN tags (which hide the IP header).
import random
import socket
import struct
import sys

BATCH = 90                      # netdev-dummy queues at most 100.
VM1, PEER = "00:00:00:00:00:01", "00:00:00:00:00:99"
ALLOWED = ("192.0.2.7", "10.0.0.1", 17, 5000, 53)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def mac(m):
    return bytes.fromhex(m.replace(":", ""))


def eth(payload, ethertype=0x0800, dst=VM1, src=PEER):
    return mac(dst) + mac(src) + struct.pack("!H", ethertype) + payload


def ipv4(src, dst, proto, payload, ident=0, frag=0, options=b""):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45 + len(options) // 4, 0,
                      20 + len(options) + len(payload), ident, frag, 64,
                      proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst)) + options
    return hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:] + payload


def ipv6(src, dst, nxt, payload):
    return (struct.pack("!IHBB", 0x60000000, len(payload), nxt, 64)
            + socket.inet_pton(socket.AF_INET6, src)
            + socket.inet_pton(socket.AF_INET6, dst) + payload)


def udp(sport, dport, data=b"fuzz"):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def tcp(sport, dport, flags=0x02):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, flags, 8192,
                       0, 0)


def base_frames():
    """Valid frames: the allowed tuple and its neighbours."""
    s, d, _, sp, dp = ALLOWED
    frames = [
        eth(ipv4(s, d, 17, udp(sp, dp))),
        eth(ipv4(s, d, 17, udp(sp, dp, b"x" * 40))),
        eth(ipv4(s, d, 17, udp(sp + 1, dp))),
        eth(ipv4(s, d, 17, udp(sp, dp + 1))),
        eth(ipv4("192.0.2.8", d, 17, udp(sp, dp))),
        eth(ipv4(s, d, 6, tcp(sp, dp))),
        eth(ipv4(s, d, 1, struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"ping")),
        eth(ipv4(s, d, 17, udp(0, 0))),
        eth(ipv6("2001:db8::7", "2001:db8::1", 17, udp(sp, dp)), 0x86dd),
        eth(struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(PEER),
                        socket.inet_aton(s), b"\0" * 6,
                        socket.inet_aton(d)), 0x0806),
    ]
    # The allowed datagram in two fragments.
    dgram = udp(sp, dp, b"y" * 24)
    frames.append(eth(ipv4(s, d, 17, dgram[:16], ident=7, frag=0x2000)))
    frames.append(eth(ipv4(s, d, 17, dgram[16:], ident=7, frag=2)))
    return frames


def l3_offset(f):
    ofs = 12
    while f[ofs:ofs + 2] in (b"\x81\x00", b"\x88\xa8") and len(f) >= ofs + 6:
        ofs += 4
    return ofs + 2


def guarded(mutator, rng, f):
    """mutator(rng, bytearray(f)), or 'f' as it is if a header that the
    mutator reads was already cut short."""
    try:
        return mutator(rng, bytearray(f))
    except (IndexError, struct.error):
        return f


def mutate(rng, f):
    return guarded(mutate__, rng, f)


def mutate__(rng, f):
    l3 = l3_offset(f)
    ethertype = f[l3 - 2:l3]
    op = rng.randrange(14)
    if op == 0:                                     # Truncate.
        del f[rng.randrange(14, max(15, len(f))):]
    elif op == 1 and ethertype == b"\x08\x00":      # IHL.
        f[l3] = 0x40 | rng.randrange(16)
    elif op == 2 and ethertype == b"\x08\x00":      # Total length.
        f[l3 + 2:l3 + 4] = struct.pack("!H", rng.choice(
            [0, 1, 19, 20, len(f) - l3 + 1, len(f) - l3 - 1,
             rng.randrange(65536)]) % 65536)
    elif op == 3 and ethertype == b"\x86\xdd":      # Payload length.
        f[l3 + 4:l3 + 6] = struct.pack("!H", rng.choice(
            [0, 1, len(f) - l3 - 40 + 1, rng.randrange(65536)]) % 65536)
    elif op == 4 and ethertype == b"\x08\x00":      # L4 lengths.
        ihl = (f[l3] & 0xf) * 4
        if f[l3 + 9] == 6 and len(f) > l3 + ihl + 12:
            f[l3 + ihl + 12] = rng.randrange(16) << 4
        elif f[l3 + 9] == 17 and len(f) > l3 + ihl + 6:
            f[l3 + ihl + 4:l3 + ihl + 6] = struct.pack(
                "!H", rng.randrange(24))
    elif op == 5 and ethertype == b"\x08\x00":      # IPv4 options.
        n = rng.randrange(1, 11) * 4
        opts = bytes(rng.choice([0, 1, 7, 68, 130, rng.randrange(256)])
                     for _ in range(n))
        ihl = (f[l3] & 0xf) * 4
        tot = struct.unpack("!H", f[l3 + 2:l3 + 4])[0]
        f[l3 + ihl:l3 + ihl] = opts
        f[l3] = 0x40 | min(15, (ihl + n) // 4)
        f[l3 + 2:l3 + 4] = struct.pack("!H", (tot + n) & 0xffff)
    elif op == 6 and ethertype == b"\x08\x00":      # Fragments.
        f[l3 + 6:l3 + 8] = struct.pack("!H", rng.choice(
            [0x2000, 0x0001, 0x2001, 0x4000, rng.randrange(65536)]))
        f[l3 + 4:l3 + 6] = struct.pack("!H", rng.choice([7, 0, 8]))
    elif op == 7:                                   # VLAN stacks.
        for _ in range(rng.randrange(1, 5)):
            tpid = rng.choice([b"\x81\x00", b"\x88\xa8"])
            f[12:12] = tpid + struct.pack("!H", rng.randrange(4096))
    elif op == 8 and ethertype == b"\x86\xdd":      # IPv6 ext headers.
        nxt = f[l3 + 6]
        kind = rng.choice([0, 43, 44, 60, 51])
        if kind == 44:
            ext = bytes([nxt, 0]) + struct.pack("!HI", rng.choice(
                [0, 1, 8, 9]), 7)
        elif kind == 51:
            ext = bytes([nxt, 1]) + b"\0" * 10
        else:
            ext = bytes([nxt, 0]) + b"\x01\x04\0\0\0\0"
        if rng.random() < 0.3:
            ext = ext[:rng.randrange(len(ext))]
        f[l3 + 40:l3 + 40] = ext
        f[l3 + 6] = kind
        plen = struct.unpack("!H", f[l3 + 4:l3 + 6])[0]
        f[l3 + 4:l3 + 6] = struct.pack("!H", (plen + len(ext)) & 0xffff)
    elif op == 9:                                   # VXLAN outer header.
        inner = bytes(f)
        outer = ipv4("192.168.0.2", "192.168.0.1", 17,
                     struct.pack("!HHHH", 12345, 4789, 16 + len(inner), 0)
                     + struct.pack("!II", 0x08000000, 5000 << 8) + inner)
        f = bytearray(eth(outer, dst="aa:55:aa:55:00:00"))
    elif op == 10:                                  # GRE outer header.
        inner = bytes(f)
        outer = ipv4("192.168.0.2", "192.168.0.1", 47,
                     struct.pack("!HHI", 0x2000, 0x6558, 5000 << 8) + inner)
        f = bytearray(eth(outer, dst=rng.choice([VM1,
                                                 "aa:55:aa:55:00:00"])))
    elif op == 11:                                  # LLC/SNAP.
        payload = f[l3:]
        f[l3 - 2:] = (struct.pack("!H", len(payload) + 8)
                      + b"\xaa\xaa\x03\0\0\0" + ethertype + payload)
    elif op == 12:                                  # Ethertype.
        f[l3 - 2:l3] = rng.choice([b"\x08\x00", b"\x86\xdd", b"\x08\x06",
                                   b"\x81\x00", b"\x00\x10"])
    else:                                           # Overwrite bytes.
        for _ in range(rng.randrange(1, 4)):
            i = rng.randrange(12, len(f))
            f[i] = rng.randrange(256)
    if len(f) < 14:
        f += b"\0" * (14 - len(f))
    return bytes(f)


ENDPOINT, REMOTE = "aa:55:aa:55:00:00", "aa:aa:aa:aa:aa:02"


def vxlan(rng, inner):
    """A valid VXLAN packet for the endpoint, around 'inner'."""
    sport = rng.choice([12345, 12345, rng.randrange(1024, 65536)])
    return eth(ipv4("192.168.0.2", "192.168.0.1", 17,
                    struct.pack("!HHHH", sport, 4789, 16 + len(inner), 0)
                    + struct.pack("!II", 0x08000000, 5000 << 8) + inner),
               dst=ENDPOINT, src=REMOTE)


def mutate_outer(rng, f):
    """Mutates the outer headers of vxlan()'s packet 'f'."""
    return guarded(mutate_outer__, rng, f)


def mutate_outer__(rng, f):
    op = rng.randrange(8)
    if op == 0:                                     # IP checksum.
        f[24:26] = struct.pack("!H", rng.randrange(65536))
    elif op == 1:                                   # UDP checksum.
        f[40:42] = struct.pack("!H", rng.randrange(65536))
    elif op == 2:                                   # VXLAN flags.
        f[42:46] = struct.pack("!I", rng.choice(
            [0, 0x08800000, 0x0c000000, 0x08000001, rng.randrange(1 << 32)]))
    elif op == 3:                                   # Reserved, VNI.
        f[rng.choice([46, 47, 48, 49])] = rng.randrange(256)
    elif op == 4:                                   # UDP ports.
        i = rng.choice([34, 36])
        f[i:i + 2] = struct.pack("!H", rng.choice(
            [4789, 4790, 0, rng.randrange(65536)]))
    elif op == 5:                                   # UDP length.
        f[38:40] = struct.pack("!H", rng.choice(
            [0, 8, 16, len(f) - 34 + 1, len(f) - 34 - 1,
             rng.randrange(65536)]) % 65536)
    else:                                           # A frame mutation.
        return mutate(rng, bytes(f))
    return bytes(f)


def nvgre(rng, inner):
    """A valid NVGRE packet for the endpoint, around 'inner'."""
    flowid = rng.choice([0, 0, rng.randrange(256)])
    return eth(ipv4("192.168.0.2", "192.168.0.1", 47,
                    struct.pack("!HHI", 0x2000, 0x6558,
                                (5000 << 8) | flowid) + inner),
               dst=ENDPOINT, src=REMOTE)


def mutate_nvgre(rng, f):
    """Mutates the outer headers of nvgre()'s packet 'f'."""
    return guarded(mutate_nvgre__, rng, f)


def mutate_nvgre__(rng, f):
    op = rng.randrange(5)
    if op == 0:                                     # IP checksum.
        f[24:26] = struct.pack("!H", rng.randrange(65536))
    elif op == 1:                                   # GRE flags, version.
        f[34:36] = struct.pack("!H", rng.choice(
            [0x0000, 0xa000, 0x3000, 0x2001, 0x2080, rng.randrange(65536)]))
    elif op == 2:                                   # Protocol.
        f[36:38] = struct.pack("!H", rng.choice(
            [0x0800, 0x86dd, 0x6559, 0x0001, rng.randrange(65536)]))
    elif op == 3:                                   # Key.
        f[rng.randrange(38, 42)] = rng.randrange(256)
    else:                                           # A frame mutation.
        return mutate(rng, bytes(f))
    return bytes(f)


def generate_tunnel(n, seed, encap, mutate_encap):
    rng = random.Random(seed)
    bases = base_frames()
    frames = []
    while len(frames) < n:
        f = rng.choice(bases)
        for _ in range(rng.choice([0, 0, 1, 2])):
            f = mutate(rng, f)
        f = encap(rng, f)
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            f = mutate_encap(rng, f)
        frames.append(f.hex())
    for i in range(0, n, BATCH):
        print(" ".join(frames[i:i + BATCH]))


def generate(n, seed):
    rng = random.Random(seed)
    bases = base_frames()
    frames = []
    while len(frames) < n:
        f = rng.choice(bases)
        for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
            f = mutate(rng, f)
        frames.append(f.hex())
    for i in range(0, n, BATCH):
        print(" ".join(frames[i:i + BATCH]))


def read_pcap(name):
    with open(name, "rb") as f:
        data = f.read()
    if not data:
        return []
    order = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    ofs, frames = 24, []
    while ofs + 16 <= len(data):
        incl = struct.unpack(order + "I", data[ofs + 8:ofs + 12])[0]
        frames.append(data[ofs + 16:ofs + 16 + incl])
        ofs += 16 + incl
    return frames


def check_frame(f, first_fragments):
    """None if 'f' is the allowed tuple, else why not."""
    ofs, n_vlans = 12, 0
    while f[ofs:ofs + 2] in (b"\x81\x00", b"\x88\xa8"):
        n_vlans += 1
        if n_vlans > 2:
            return "more than two VLAN tags"
        ofs += 4
    ethertype, ofs = f[ofs:ofs + 2], ofs + 2
    if (ethertype < b"\x06\x00" and f[ofs:ofs + 6] == b"\xaa\xaa\x03\0\0\0"
            and len(f) >= ofs + 8):
        # 802.3 with LLC/SNAP, which OVS follows to the Ethernet type.
        ethertype, ofs = f[ofs + 6:ofs + 8], ofs + 8
    if ethertype != b"\x08\x00":
        return "not IPv4"
    ip = f[ofs:]
    if len(ip) < 20 or ip[0] >> 4 != 4:
        return "bad IPv4 header"
    ihl, tot = (ip[0] & 0xf) * 4, struct.unpack("!H", ip[2:4])[0]
    if ihl < 20 or tot < ihl or tot > len(ip):
        return "bad IPv4 lengths"
    src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
    key = (src, dst, ip[9], ip[4:6])
    if (src, dst, ip[9]) != ALLOWED[:3]:
        return "not the allowed addresses and protocol"
    frag = struct.unpack("!H", ip[6:8])[0]
    if frag & 0x1fff:
        return (None if key in first_fragments
                else "a later fragment of no allowed datagram")
    l4 = ip[ihl:tot]
    if len(l4) < 8:
        return "truncated UDP header"
    if struct.unpack("!HH", l4[:4]) != ALLOWED[3:]:
        return "not the allowed ports"
    if frag & 0x2000:
        first_fragments.add(key)
    return None


def blocked_source(f):
    """Why 'f' would be from a blocked source, or None."""
    ofs, n_vlans = 12, 0
    while f[ofs:ofs + 2] in (b"\x81\x00", b"\x88\xa8"):
        n_vlans += 1
        ofs += 4
    if n_vlans > 2:
        return "more than two VLAN tags"
    ethertype, ofs = f[ofs:ofs + 2], ofs + 2
    if ethertype < b"\x06\x00" and f[ofs:ofs + 6] == b"\xaa\xaa\x03\0\0\0":
        ethertype, ofs = f[ofs + 6:ofs + 8], ofs + 8
    if ethertype == b"\x08\x00" and f[ofs + 12:ofs + 16] == \
            socket.inet_aton(ALLOWED[0]):
        return "from blocked 192.0.2.7"
    if ethertype == b"\x86\xdd" and f[ofs + 8:ofs + 24] == \
            socket.inet_pton(socket.AF_INET6, "2001:db8::7"):
        return "from blocked 2001:db8::7"
    return None


def check_blocked(name):
    frames = read_pcap(name)
    bad = 0
    for i, f in enumerate(frames):
        why = blocked_source(f)
        if why:
            bad += 1
            print("frame %d: %s: %s" % (i, why, f.hex()))
    print("%d frames, %d from a blocked source" % (len(frames), bad))
    return 1 if bad else 0


def check(name):
    first_fragments = set()
    frames = read_pcap(name)
    bad = 0
    for i, f in enumerate(frames):
        why = check_frame(f, first_fragments)
        if why:
            bad += 1
            print("frame %d: %s: %s" % (i, why, f.hex()))
    print("%d frames, %d not allowed" % (len(frames), bad))
    return 1 if bad else 0


def main(args):
    if args[:1] == ["generate"]:
        generate(int(args[1]), int(args[2]) if len(args) > 2 else 1)
        return 0
    if args[:1] in (["generate-vxlan"], ["generate-nvgre"]):
        encap = ((vxlan, mutate_outer) if args[0] == "generate-vxlan"
                 else (nvgre, mutate_nvgre))
        generate_tunnel(int(args[1]), int(args[2]) if len(args) > 2 else 1,
                        *encap)
        return 0
    if args[:1] == ["check"]:
        return check(args[1])
    if args[:1] == ["check-blocked"]:
        return check_blocked(args[1])
    sys.exit("usage: vfp-fuzz.py generate N [SEED] "
             "| generate-vxlan N [SEED] | generate-nvgre N [SEED] "
             "| check PCAP | check-blocked PCAP")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
