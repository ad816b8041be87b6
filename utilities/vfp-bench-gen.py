#!/usr/bin/env python3
# Generates one benchmark case for utilities/vfp-bench.sh: a VFP policy
# description, and from it (1) the vfp-ctl commands that program it on a VFP
# bridge, (2) the equivalent OpenFlow pipeline for an upstream ofproto-dpif
# bridge (one table per layer and direction, ct() with a zone per stateful
# layer, VXLAN through a tunnel port), and (3) the traffic as pcap files.
#
#   vfp-bench-gen.py SCENARIO [--conns N] [--layers N] [--rules N]
#                    [--stateful] [--syn] [--inbound-only] [--passes K]
#                    --out DIR
#
# SCENARIO: "4layer" (the paper's VNET, SLB NAT, ACL, metering example, both
# directions), "layers" (N layers of --rules rules, inbound), "classify" (one
# group of --rules rules, inbound).  Writes into DIR:
#
#   policy.json    the description (layers, groups, rules in vfp-ctl terms)
#   vfp.sh         vfp-ctl commands (sourced with $VFP_CTL set), large
#                  groups as replace-group files group-*.rules
#   of.flows       ovs-ofctl add-flows input for bridge "brof"
#   ofphy.flows    flows for "vb-phy" (the VXLAN underlay bridge), if tunneled
#   topo           shell variables: TUNNEL=0|1, SOURCES="up" or "up vm",
#                  CONNS=N, PASSES=K (0: the pcaps hold one pass, replayed
#                  from memory forever; K: K passes, read once from the file)
#   up.pcap, vm.pcap       traffic entering from the uplink / from the VM
#                  (--inbound-only: up.pcap alone)
#   up-sample.pcap, vm-sample.pcap  a few packets for the correctness check
#
# Python 3 standard library only.

import argparse
import json
import os
import socket
import struct
import sys

# The fixed topology every case shares.
VM_MAC = '00:00:00:00:00:01'
GW_MAC = '00:00:00:00:00:fe'    # the VM's gateway: outbound dst, inbound src
VM_IP = '10.0.0.1'              # the VM's CA (the SLB's DIP)
VIP = '10.0.0.100'
LOCAL_PA, LOCAL_PA_MAC = '192.168.0.1', 'aa:aa:aa:aa:aa:01'
REMOTE_PA, REMOTE_PA_MAC = '192.168.0.2', 'aa:aa:aa:aa:aa:02'
VNI = 5000
# OpenFlow port numbers (ofport_request) on the ofproto-dpif bridges.
OF_VM, OF_UP, OF_VX = 1, 2, 3


# ---------------------------------------------------------------- packets --

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def mac(m):
    return bytes(int(x, 16) for x in m.split(':'))


def ipv4(src, dst, proto, payload, df=False):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 0,
                    0x4000 if df else 0, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + payload


def l4sum(src, dst, proto, seg):
    pseudo = struct.pack('!4s4sBBH', socket.inet_aton(src),
                         socket.inet_aton(dst), 0, proto, len(seg))
    return csum(pseudo + seg)


def tcp(src, dst, sport, dport, flags, payload=b''):
    seg = struct.pack('!HHIIBBHHH', sport, dport, 1000, 2000 if flags & 0x10
                      else 0, 5 << 4, flags, 65535, 0, 0) + payload
    c = l4sum(src, dst, 6, seg)
    return ipv4(src, dst, 6, seg[:16] + struct.pack('!H', c) + seg[18:])


def eth(dst, src, payload, ethertype=0x0800):
    frame = mac(dst) + mac(src) + struct.pack('!H', ethertype) + payload
    return frame + b'\0' * max(0, 60 - len(frame))


def vxlan(inner, sport):
    vx = struct.pack('!II', 0x08000000, VNI << 8) + inner
    udp = struct.pack('!HHHH', sport, 4789, 8 + len(vx), 0) + vx
    return eth(LOCAL_PA_MAC, REMOTE_PA_MAC,
               ipv4(REMOTE_PA, LOCAL_PA, 17, udp, df=True))


def write_pcap(name, pkts, passes=1):
    body = b''.join(struct.pack('<IIII', 0, 0, len(p), len(p)) + p
                    for p in pkts)
    with open(name, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for _ in range(passes):
            f.write(body)


NCLIENTS = 1000


def client(i):
    """The i'th connection's remote endpoint: one of NCLIENTS addresses in
    10.1.0.0/16 (the VNET's CA -> PA map has one entry each) and a port."""
    k = i % NCLIENTS
    return '10.1.%d.%d' % (k // 250, k % 250 + 1), 1024 + i // NCLIENTS


# ----------------------------------------------------------------- policy --

def layer(name, prio, in_default='allow', out_default='allow'):
    return {'name': name, 'priority': prio, 'in_default': in_default,
            'out_default': out_default, 'groups': []}


def group(name, direction, prio, rules):
    return {'name': name, 'dir': direction, 'priority': prio,
            'rules': rules}


def rule(name, prio, match, action, stateful=False):
    r = {'name': name, 'priority': prio, 'match': match, 'action': action}
    if stateful:
        r['stateful'] = True
        r['ttl'] = 300
    return r


def policy_4layer(args):
    """VFP Figure 4 on one VM port: VNET (encap to the remote host's PA,
    decap of our VNI), SLB (VIP -> DIP inbound, DIP -> VIP outbound), an ACL
    (web in, replies out, default block), metering (count both ways).
    Stateful: the SLB's VIP rule and the ACL's inbound rule are stateful and
    the outbound rules are left to their pairs."""
    st = args.stateful
    filler = [rule('deny%d' % i, 100 + i,
                   'proto=tcp src-ip=172.%d.%d.0/24' % (16 + i // 256,
                                                        i % 256), 'block')
              for i in range(args.rules)]
    vnet = layer('vnet', 40, in_default='block')
    if st:
        # Stateful: the outer destination from a CA -> PA mapping resource
        # (VFP section 5.5), one entry per remote CA.
        encap = ('encap(vxlan,key=%d,src-ip=%s,src-mac=%s,map=ca2pa)'
                 % (VNI, LOCAL_PA, LOCAL_PA_MAC))
        vnet['resources'] = {'ca2pa': {'type': 'map', 'entries': [
            {'address': client(i)[0], 'dst-ip': REMOTE_PA,
             'dst-mac': REMOTE_PA_MAC}
            for i in range(min(args.conns, NCLIENTS))]}}
    else:
        encap = ('encap(vxlan,key=%d,src-ip=%s,dst-ip=%s,src-mac=%s,'
                 'dst-mac=%s)' % (VNI, LOCAL_PA, REMOTE_PA, LOCAL_PA_MAC,
                                  REMOTE_PA_MAC))
    vnet['groups'] = [
        group('enc', 'out', 1, [rule('remote', 1, 'dst-ip=10.1.0.0/16',
                                     encap)]),
        group('dec', 'in', 1, [rule('vni', 1, 'tun-id=%d tun-src=%s'
                                    % (VNI, REMOTE_PA), 'decap')])]
    slb = layer('slb', 30)
    slb['groups'] = [
        group('vip', 'in', 1, [rule('web', 1, 'proto=tcp dst-ip=%s '
                                    'dst-port=80' % VIP,
                                    'nat(dst-ip=%s)' % VM_IP, st)])]
    if not st:
        slb['groups'].append(
            group('snat', 'out', 1, [rule('web', 1, 'proto=tcp src-ip=%s '
                                          'src-port=80' % VM_IP,
                                          'nat(src-ip=%s)' % VIP)]))
    acl = layer('acl', 20, in_default='block', out_default='block')
    acl['groups'] = [
        group('in', 'in', 1, filler + [rule('web', 1, 'proto=tcp dst-ip=%s '
                                            'dst-port=80' % VM_IP, 'allow',
                                            st)])]
    if not st:
        acl['groups'].append(
            group('out', 'out', 1, [rule('web', 1, 'proto=tcp src-ip=%s '
                                         'src-port=80' % VM_IP, 'allow')]))
    meter = layer('meter', 10)
    meter['groups'] = [
        group('in', 'in', 1, [rule('all', 1, '', 'count(in)')]),
        group('out', 'out', 1, [rule('all', 1, '', 'count(out)')])]
    return [meter, acl, slb, vnet]


def acl_rules(n, tag):
    """n rules on destination /24s and the web port: the first half allow
    the traffic's destinations, the rest block others (never hit)."""
    rules = []
    for j in range(n):
        if j < n // 2 or n < 2:
            net = '10.1.%d.0/24' % (j % 256) if j < 256 else \
                  '10.%d.%d.0/24' % (2 + j // 256, j % 256)
            rules.append(rule('%s%d' % (tag, j), j + 1, 'proto=tcp dst-port=80 '
                              'src-ip=%s' % net, 'allow'))
        else:
            rules.append(rule('%s%d' % (tag, j), j + 1, 'proto=tcp dst-port=%d '
                              'src-ip=172.16.%d.0/24' % (1000 + j % 1000,
                                                         j % 256), 'block'))
    return rules


def policy_layers(args):
    """--layers layers of --rules rules each, inbound (VFP Figure 9)."""
    return [dict(layer('l%d' % i, 10 * (i + 1)),
                 groups=[group('g', 'in', 1, acl_rules(args.rules, 'r'))])
            for i in range(args.layers)]


def policy_classify(args):
    """One group of --rules rules: /32 sources with the web port, plus /24s;
    the traffic hits rules spread over the whole group."""
    rules = []
    for j in range(args.rules):
        if j % 2 == 0:
            rules.append(rule('r%d' % j, j + 1, 'proto=tcp dst-port=80 '
                              'src-ip=10.1.%d.%d' % ((j >> 8) & 0xff, j & 0xff)
                              if j < 65536 else 'proto=tcp dst-port=80 '
                              'src-ip=10.2.%d.%d' % ((j >> 8) & 0xff, j & 0xff),
                              'allow'))
        else:
            rules.append(rule('r%d' % j, j + 1, 'proto=tcp dst-port=%d '
                              'src-ip=172.%d.%d.0/24' % (80 + j % 7,
                                                         16 + (j >> 16),
                                                         (j >> 8) & 0xff),
                              'block'))
    return [dict(layer('acl', 10, in_default='block'),
                 groups=[group('g', 'in', 1, rules)])]


# --------------------------------------------------------------- vfp-ctl --

def vfp_commands(layers, outdir):
    lines = ['# vfp-ctl commands for the benchmark policy (generated).']
    for l in layers:
        for name, res in sorted(l.get('resources', {}).items()):
            lines.append('$VFP_CTL add-resource vm %s type=%s'
                         % (name, res['type']))
            for e in res['entries']:
                lines.append('$VFP_CTL add-entry vm %s %s dst-ip=%s dst-mac=%s'
                             % (name, e['address'], e['dst-ip'],
                                e['dst-mac']))
        lines.append('$VFP_CTL add-layer vm %s priority=%d in-default=%s '
                     'out-default=%s' % (l['name'], l['priority'],
                                         l['in_default'], l['out_default']))
        for g in l['groups']:
            lines.append('$VFP_CTL add-group vm %s %s dir=%s priority=%d'
                         % (l['name'], g['name'], g['dir'], g['priority']))
            fname = 'group-%s-%s.rules' % (l['name'], g['name'])
            with open(os.path.join(outdir, fname), 'w') as f:
                for r in g['rules']:
                    f.write(rule_args(r) + '\n')
            lines.append('$VFP_CTL replace-group vm %s %s "$CASE/%s"'
                         % (l['name'], g['name'], fname))
    return '\n'.join(lines) + '\n'


def rule_args(r):
    s = '%s priority=%d' % (r['name'], r['priority'])
    if r['match']:
        s += ' match="%s"' % r['match']
    s += ' action="%s"' % r['action']
    if r.get('stateful'):
        s += ' stateful ttl=%d' % r['ttl']
    return s


# -------------------------------------------------------------- OpenFlow --
#
# Table 0 sends packets from the VM to the outbound pipeline (tables 10...,
# layers in ascending priority) and packets from the network (the uplink,
# or the VXLAN port once the underlay bridge popped the outer header) to the
# inbound pipeline (tables 100..., descending).  Each layer is two tables:
# T does ct(zone=Z,nat,table=T+1) when the layer is stateful, else jumps to
# T+1; T+1 holds the rules.  VFP priorities (lower first) become OpenFlow
# priorities 60000 - N.  Forwarding is table 200 (out) and 201 (in).

OUT_BASE, IN_BASE, FWD_OUT, FWD_IN = 10, 100, 200, 201


def prefix_ranges(lo, hi):
    """Covers [lo, hi] with value/mask pairs on 16 bits."""
    out = []
    while lo <= hi:
        size = 1
        while lo % (size * 2) == 0 and lo + size * 2 - 1 <= hi and size < 65536:
            size *= 2
        out.append((lo, 0xffff & ~(size - 1)))
        lo += size
    return out


def cond_alternatives(match):
    """VFP conditions -> list of OpenFlow match strings (the cross product
    of OR-ed values).  IPv4 only."""
    protos = [None]
    fields = []
    for cond in match.split():
        key, vals = cond.split('=', 1)
        vals = vals.split(',')
        if key == 'proto':
            protos = vals
            continue
        alts = []
        for v in vals:
            if key in ('src-port', 'dst-port'):
                f = 'tp_src' if key == 'src-port' else 'tp_dst'
                if '-' in v:
                    a, b = map(int, v.split('-'))
                    alts += ['%s=0x%x/0x%x' % (f, x, m)
                             for x, m in prefix_ranges(a, b)]
                else:
                    alts.append('%s=%s' % (f, v))
            elif key in ('src-ip', 'dst-ip'):
                f = 'nw_src' if key == 'src-ip' else 'nw_dst'
                alts.append('%s=%s' % (f, v))
            elif key in ('src-mac', 'dst-mac'):
                alts.append('%s=%s' % ('dl_src' if key == 'src-mac'
                                       else 'dl_dst', v))
            elif key == 'tun-id':
                alts.append('tun_id=%s' % v)
            elif key == 'tun-src':
                alts.append('tun_src=%s' % v)
            elif key == 'tun-dst':
                alts.append('tun_dst=%s' % v)
            else:
                sys.exit('vfp-bench-gen: no OpenFlow translation for %s' % key)
        fields.append(alts)
    has_ports = any(a.startswith('tp_') for alts in fields for a in alts)
    has_ip = any(a.startswith('nw_') for alts in fields for a in alts)
    if protos == [None]:
        protos = ['tcp', 'udp', 'sctp'] if has_ports else \
                 (['ip'] if has_ip else [None])
    combos = [[p] if p else [] for p in protos]
    for alts in fields:
        combos = [c + [a] for c in combos for a in alts]
    return [','.join(c) for c in combos]


def of_actions(action, rule_, zone, nxt):
    """A VFP action list -> OpenFlow actions, ending with goto nxt (or
    drop).  Stateful rules commit to the layer's zone, with NAT there."""
    acts, nat = [], None
    depth, cur, ops = 0, '', []
    for ch in action:              # split on commas outside parentheses
        if ch == ',' and depth == 0:
            ops.append(cur)
            cur = ''
            continue
        depth += ch == '('
        depth -= ch == ')'
        cur += ch
    ops.append(cur)
    for op in ops:
        name, _, arg = op.partition('(')
        arg = arg.rstrip(')')
        kv = dict(x.split('=', 1) for x in arg.split(',') if '=' in x)
        if name == 'block':
            return 'drop'
        if name in ('allow', 'count', 'decap'):
            continue       # counters: OpenFlow flow stats; decap: the port
        if name in ('set', 'nat'):
            if rule_.get('stateful') and name == 'nat':
                nat = ','.join('%s=%s' % ('dst' if k == 'dst-ip' else 'src',
                                          v) for k, v in kv.items()
                               if k in ('dst-ip', 'src-ip'))
                continue
            for k, v in kv.items():
                acts.append({'src-ip': 'mod_nw_src:', 'dst-ip': 'mod_nw_dst:',
                             'src-port': 'mod_tp_src:',
                             'dst-port': 'mod_tp_dst:',
                             'src-mac': 'mod_dl_src:',
                             'dst-mac': 'mod_dl_dst:'}[k] + v)
        elif name == 'encap':
            # Outer addresses come from the route and ARP cache of the
            # underlay bridge, as OVS's native tunneling works.
            acts += ['set_field:%s->tun_id' % kv['key'],
                     'set_field:%s->tun_dst' % kv['dst-ip'],
                     'load:1->NXM_NX_REG0[0]']
        else:
            sys.exit('vfp-bench-gen: no OpenFlow translation for %s' % op)
    if rule_.get('stateful'):
        acts.insert(0, 'ct(commit,zone=%d%s)'
                    % (zone, ',nat(%s)' % nat if nat else ''))
    acts.append('goto_table:%d' % nxt)
    return ','.join(acts)


def of_flows(layers, tunnel):
    flows = []
    net_port = OF_VX if tunnel else OF_UP
    flows.append('table=0,priority=10,in_port=%d,actions=goto_table:%d'
                 % (OF_VM, OUT_BASE))
    flows.append('table=0,priority=10,in_port=%d,actions=goto_table:%d'
                 % (net_port, IN_BASE))
    flows.append('table=0,priority=0,actions=drop')
    for direction, base, order, fwd in (
            ('out', OUT_BASE, sorted(layers, key=lambda l: l['priority']),
             FWD_OUT),
            ('in', IN_BASE, sorted(layers, key=lambda l: -l['priority']),
             FWD_IN)):
        for i, l in enumerate(order):
            t = base + 2 * i
            nxt = base + 2 * (i + 1) if i + 1 < len(order) else fwd
            zone = layers.index(l) + 1
            stateful = any(r.get('stateful') for g in l['groups']
                           for r in g['rules'])
            if stateful:
                flows.append('table=%d,priority=10,ip,actions=ct(zone=%d,nat,'
                             'table=%d)' % (t, zone, t + 1))
                flows.append('table=%d,priority=0,actions=goto_table:%d'
                             % (t, t + 1))
                flows.append('table=%d,priority=60001,ct_state=+trk+est,'
                             'actions=goto_table:%d' % (t + 1, nxt))
                flows.append('table=%d,priority=60001,ct_state=+trk+rel,'
                             'actions=goto_table:%d' % (t + 1, nxt))
            else:
                flows.append('table=%d,priority=0,actions=goto_table:%d'
                             % (t, t + 1))
            groups = [g for g in l['groups'] if g['dir'] == direction]
            if len(groups) > 1:
                sys.exit('vfp-bench-gen: one group per layer and direction')
            maps = {}
            for ll in layers:
                maps.update(ll.get('resources', {}))
            for g in groups:
                for r in g['rules']:
                    entries = [None]
                    if 'map=' in r['action']:
                        name = r['action'].split('map=')[1].split(')')[0]
                        entries = maps[name]['entries']
                    for e in entries:
                        # A mapping entry: the CA matched, the PA set.
                        action = r['action']
                        match = r['match']
                        if e:
                            action = action.replace('map=%s' % name,
                                                    'dst-ip=%s' % e['dst-ip'])
                            match = ' '.join(
                                [c for c in match.split()
                                 if not c.startswith('dst-ip=')]
                                + ['dst-ip=%s' % e['address']])
                        acts = of_actions(action, r, zone, nxt)
                        for m in cond_alternatives(match):
                            flows.append('table=%d,priority=%d%s,actions=%s'
                                         % (t + 1, 60000 - r['priority'],
                                            ',' + m if m else '', acts))
            default = l['%s_default' % direction]
            flows.append('table=%d,priority=0,actions=%s'
                         % (t + 1, 'drop' if default == 'block'
                            else 'goto_table:%d' % nxt))
    # Forwarding, as VFP's: encapsulated -> the tunnel port, else the
    # uplink; inbound by destination MAC to the VM.
    if tunnel:
        flows.append('table=%d,priority=10,reg0=0x1/0x1,actions=output:%d'
                     % (FWD_OUT, OF_VX))
    flows.append('table=%d,priority=0,actions=output:%d' % (FWD_OUT, OF_UP))
    flows.append('table=%d,priority=10,dl_dst=%s,actions=output:%d'
                 % (FWD_IN, VM_MAC, OF_VM))
    flows.append('table=%d,priority=0,actions=drop' % FWD_IN)
    return flows


def of_phy_flows():
    """The underlay bridge of OVS native tunneling: the uplink to the
    bridge's own port (where the datapath pops VXLAN) and back."""
    return ['priority=10,in_port=%d,actions=LOCAL' % OF_UP,
            'priority=10,in_port=LOCAL,udp,tp_dst=4789,actions=output:%d' % OF_UP,
            'priority=0,actions=drop']


# --------------------------------------------------------------- traffic --

def traffic(scenario, args):
    """-> (up packets, vm packets): the first packets of each connection in
    each direction.  TCP ACKs (established), or SYNs with --syn."""
    up, vm = [], []
    flags = 0x02 if args.syn else 0x10
    for i in range(args.conns):
        cip, cport = client(i)
        if scenario == '4layer':
            inner = eth(VM_MAC, GW_MAC, tcp(cip, VIP, cport, 80, flags))
            up.append(vxlan(inner, 49152 + i % 16384))
            if not args.syn and not args.inbound_only:
                vm.append(eth(GW_MAC, VM_MAC,
                              tcp(VM_IP, cip, 80, cport, 0x10)))
        elif scenario == 'layers':
            # Sources spread over the allowed /24s of every layer.
            nets = min(max(1, args.rules // 2), 256)
            src = '10.1.%d.%d' % (i % nets, 1 + (i // nets) % 250)
            up.append(eth(VM_MAC, GW_MAC, tcp(src, VM_IP,
                                              1024 + i // (nets * 250), 80,
                                              flags)))
        elif scenario == 'classify':
            # Sources are the /32s of the allowed rules, spread over the
            # whole group; several connections per rule.
            nallow = (args.rules + 1) // 2
            j = 2 * (i % nallow)
            src = ('10.1.%d.%d' if j < 65536 else '10.2.%d.%d') \
                % ((j >> 8) & 0xff, j & 0xff)
            up.append(eth(VM_MAC, GW_MAC,
                          tcp(src, VM_IP, 1024 + i // nallow, 80, flags)))
    return up, vm


def read_pcap(name):
    pkts = []
    try:
        with open(name, 'rb') as f:
            data = f.read()
    except FileNotFoundError:
        return pkts
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack('<IIII', data[off:off + 16])[2]
        pkts.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return pkts


def compare(a_dir, b_dir):
    """The packets that left each port in two sample runs: the same
    multiset, byte for byte?  Exit status 1 if not."""
    ok = True
    for port in sorted(set(os.listdir(a_dir)) | set(os.listdir(b_dir))):
        a = read_pcap(os.path.join(a_dir, port))
        b = read_pcap(os.path.join(b_dir, port))
        same = sorted(a) == sorted(b)
        print('check %s: vfp %d packets, ofdpif %d packets: %s'
              % (port, len(a), len(b), 'same' if same else 'DIFFERENT'))
        if not same:
            ok = False
            for x, y in zip(sorted(a), sorted(b)):
                if x != y:
                    print('  first difference:\n  vfp    %s\n  ofdpif %s'
                          % (x.hex(), y.hex()))
                    break
    if not any(read_pcap(os.path.join(a_dir, p)) for p in os.listdir(a_dir)):
        print('check: nothing left any port')
        ok = False
    return 0 if ok else 1


# One run in runs.txt: SCENARIO CASE SETUP ROUND, then these.  From
# pmd-perf-show: kpps .. hz; memory of ovs-vswitchd (kB) at the end (rss),
# before the first packet (rss0, huge0 hugetlb pages of the process,
# sysh0 hugepages in use on the machine), at the end (huge1, sysh1); from
# pmd-stats-show over the window: srx packets received, recirc
# recirculations; conns the case's connections; flows0, ct0 datapath flows
# and conntrack entries before the first packet (0 0: a fresh datapath).
FIELDS = ('kpps', 'cyc', 'passes', 'emc', 'smc', 'mf', 'upcalls', 'us',
          'rx', 'hz', 'rss', 'rss0', 'huge0', 'sysh0', 'huge1', 'sysh1',
          'srx', 'recirc', 'conns', 'flows0', 'ct0')
SETUP_ORDER = ('vfp', 'ofdpif', 'normal')
SEEN = []                       # setups in the order runs.txt has them


def setup_key(s):
    base = s.split(':')[0]
    if s not in SEEN:
        SEEN.append(s)
    return (SETUP_ORDER.index(base) if base in SETUP_ORDER else 9,
            SEEN.index(s))


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if not n:
        return float('nan')
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def report(argv):
    """runs.txt from vfp-bench.sh -> a markdown report on stdout (medians,
    ratios, targets) and gnuplot PNGs in --docs."""
    ap = argparse.ArgumentParser(prog='vfp-bench-gen.py report')
    ap.add_argument('runs')
    ap.add_argument('--checks')
    ap.add_argument('--memory')
    ap.add_argument('--load')
    ap.add_argument('--docs')
    a = ap.parse_args(argv)
    runs = {}
    order = []
    setups = []
    for line in open(a.runs):
        w = line.split()
        if len(w) != 4 + len(FIELDS):
            continue
        key = (w[0], w[1], w[2])
        if (w[0], w[1]) not in order:
            order.append((w[0], w[1]))
        if w[2] not in setups:
            setups.append(w[2])
            setup_key(w[2])
        r = dict(zip(FIELDS, map(float, w[4:])))
        # Memory per connection, both directions: RSS growth plus the
        # process's hugetlb growth (not in RSS), over the run.
        r['bpc'] = ((r['rss'] - r['rss0']) + (r['huge1'] - r['huge0'])) \
            * 1024 / r['conns'] if r['conns'] else 0
        r['hbpc'] = (r['huge1'] - r['huge0']) * 1024 / r['conns'] \
            if r['conns'] else 0
        # Datapath passes per packet, (rx + recirculations) / rx.
        r['spasses'] = (r['srx'] + r['recirc']) / r['srx'] if r['srx'] \
            else 0
        runs.setdefault(key, []).append(r)
    setups.sort(key=setup_key)
    vfps = [s for s in setups if s.split(':')[0] == 'vfp']

    def med(scen, label, setup, field):
        rs = runs.get((scen, label, setup), [])
        return median([r[field] for r in rs]) if rs else None

    def nrounds(scen, label, setup):
        return len(runs.get((scen, label, setup), []))

    def fmt(x, f='%.0f'):
        return '-' if x is None else f % x

    def ratio(x, y):
        return '-' if not x or not y else '%.2fx' % (x / y)

    out = []
    w = out.append
    checks = {}
    if a.checks and os.path.exists(a.checks):
        for line in open(a.checks):
            s = line.split()
            checks[(s[0], s[1])] = s[3]
    allruns = [r for rs in runs.values() for r in rs]
    stale = [r for r in allruns if r['flows0'] or r['ct0']]
    w('Every run (each round of each setup of each case) started from a '
      'fresh ovs-vswitchd: the previous one stopped and waited for, its '
      'bridges, taps and hugepages gone, conntrack flushed; %d of %d runs '
      'had no datapath flow and no conntrack entry before the first '
      'packet%s.' % (len(allruns) - len(stale), len(allruns),
                     '' if not stale else ' (the others are NOT fresh)'))
    w('')
    w('Medians of every setup\'s runs (rounds alternate %s).  Kpps and '
      'cycles/packet from pmd-perf-show over the measured window; passes '
      '(rx + recirculations) / rx from pmd-stats-show; bytes/conn: growth '
      'of ovs-vswitchd\'s VmRSS plus its hugetlb pages (not in VmRSS) from '
      'before the first packet to the end of the run, per connection, both '
      'directions.' % ', '.join(setups))
    w('')
    w('| scenario | case | setup | runs | Kpps | cycles/pkt | passes/pkt | '
      'EMC % | megaflow % | upcalls | us/upcall | bytes/conn | '
      'vs ofdpif | vs normal | check |')
    w('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|')
    for scen, label in order:
        for setup in setups:
            if not nrounds(scen, label, setup):
                continue
            base = setup.split(':')[0]
            k = med(scen, label, setup, 'kpps')
            w('| %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | '
              '%s | %s | %s |' % (
                  scen, label, setup, nrounds(scen, label, setup), fmt(k),
                  fmt(med(scen, label, setup, 'cyc')),
                  fmt(med(scen, label, setup, 'spasses'), '%.2f'),
                  fmt(med(scen, label, setup, 'emc'), '%.1f'),
                  fmt(med(scen, label, setup, 'mf'), '%.1f'),
                  fmt(med(scen, label, setup, 'upcalls')),
                  fmt(med(scen, label, setup, 'us'), '%.1f'),
                  fmt(med(scen, label, setup, 'bpc')),
                  ratio(k, med(scen, label, 'ofdpif', 'kpps'))
                  if base == 'vfp' else '',
                  ratio(k, med(scen, label, 'normal', 'kpps'))
                  if base != 'normal' else '',
                  checks.get((scen, label), '') if base == 'vfp' else ''))
    w('')

    # Inbound VXLAN: datapath passes per packet.
    drows = [(l, s) for sc, l in order if sc == 'decap' for s in setups
             if nrounds('decap', l, s)]
    if drows:
        w('Inbound VXLAN (decap scenario, uplink traffic only): datapath '
          'passes per packet, (rx + recirculations) / rx from '
          'pmd-stats-show over the window.')
        w('')
        w('| case | setup | rx | recirculations | passes/pkt | cycles/pkt |')
        w('|---|---|---|---|---|---|')
        for l, s in drows:
            w('| %s | %s | %s | %s | %s | %s |' % (
                l, s, fmt(med('decap', l, s, 'srx')),
                fmt(med('decap', l, s, 'recirc')),
                fmt(med('decap', l, s, 'spasses'), '%.2f'),
                fmt(med('decap', l, s, 'cyc'))))
        w('')

    # New connections: busy cycles per packet over the first pass.
    setup_rows = []
    for scen, label in order:
        if not (scen.startswith('setup') or scen == 'classify-first'):
            continue
        for setup in vfps + ['ofdpif']:
            cyc = med(scen, label, setup, 'cyc')
            hz = med(scen, label, setup, 'hz')
            if cyc:
                setup_rows.append((scen, label, setup, cyc, hz / cyc / 1000,
                                   med(scen, label, setup, 'us'),
                                   med(scen, label, setup, 'upcalls'),
                                   med(scen, label, setup, 'bpc')))
    if setup_rows:
        w('New connections (every packet of the window a first packet; '
          'window = the pcap\'s first pass): busy cycles per packet, the '
          'rate they allow on one PMD, and the slow path\'s own us/upcall '
          '(ofdpif upcalls only for new megaflows).')
        w('')
        w('| scenario | case | setup | cycles/new conn | k new conns/s | '
          'us/upcall | upcalls | bytes/conn |')
        w('|---|---|---|---|---|---|---|---|')
        for r in setup_rows:
            w('| %s | %s | %s | %.0f | %.0f | %.1f | %.0f | %.0f |' % r)
        w('')

    mem = {}
    if a.memory and os.path.exists(a.memory):
        for line in open(a.memory):
            s = line.split()
            if len(s) > 4 and s[0].startswith('memory'):
                kv = dict(x.split('=') for x in s[4:])
                mem.setdefault((s[0], s[1], s[2]), []).append(kv)
    if mem:
        w('Memory: growth of ovs-vswitchd\'s VmRSS and of its hugetlb pages '
          '(/proc/PID/smaps_rollup; DPDK\'s hugepages are not in VmRSS) from '
          'before the first packet to all connections installed, per '
          'connection (both directions); datapath flows at the end; each '
          'run on a fresh ovs-vswitchd.')
        w('')
        w('| scenario | case | setup | runs | RSS bytes/conn | '
          'hugepage bytes/conn | bytes/conn | datapath flows |')
        w('|---|---|---|---|---|---|---|---|')
        for (scen, label, setup), kvs in sorted(
                mem.items(), key=lambda kv: (kv[0][0], kv[0][1],
                                             setup_key(kv[0][2]))):
            w('| %s | %s | %s | %d | %.0f | %.0f | %.0f | %.0f |' % (
                scen, label, setup, len(kvs),
                median([float(k['rss_bytes_per_conn']) for k in kvs]),
                median([float(k['huge_bytes_per_conn']) for k in kvs]),
                median([float(k['bytes_per_conn']) for k in kvs]),
                median([float(k['dp_flows'] or 0) for k in kvs])))
        w('')

    # Targets.
    t = []

    def target(name, value, goal, ok):
        t.append('| %s | %s | %s | %s |' % (name, value, goal,
                                            '-' if ok is None else
                                            ('met' if ok else 'MISSED')))
    for label in ('1000conns', '100000conns', '1000000conns'):
        v = med('established', label, 'vfp', 'kpps')
        o = med('established', label, 'ofdpif', 'kpps')
        n = med('established', label, 'normal', 'kpps')
        if v and o:
            target('1 (stateless) %s vfp/ofdpif' % label, '%.2fx' % (v / o),
                   '>= 2x', v / o >= 2)
        if v and n:
            target('1 (stateless) %s vfp/normal' % label, '%.2fx' % (v / n),
                   '>= 0.85x', v / n >= 0.85)
    v1 = med('layers', '1layers', 'vfp', 'kpps')
    v10 = med('layers', '10layers', 'vfp', 'kpps')
    if v1 and v10:
        target('2 vfp 10 layers / 1 layer', '%.2fx' % (v10 / v1), '>= 0.9x',
               v10 / v1 >= 0.9)
    for vs, os_, what in (('setup', 'setup-stateful', ''),
                          ('setup', 'setup-ct',
                           ' (provisional: vfp stateless, ofdpif with ct)')):
        v = med(vs, 'syn', 'vfp', 'cyc') or med(os_, 'syn', 'vfp', 'cyc')
        o = med(os_, 'syn', 'ofdpif', 'cyc')
        if v and o:
            target('3 vfp/ofdpif+ct new conns/s%s' % what,
                   '%.2fx' % (o / v), '>= 1.5x', o / v >= 1.5)
    for scen, field, what in (('classify', 'cyc', 'established cycles/pkt'),
                              ('classify-first', 'cyc',
                               'first-packet cycles/pkt'),
                              ('classify-first', 'us', 'us/upcall')):
        c200 = med(scen, '200rules', 'vfp', field)
        c50k = med(scen, '50000rules', 'vfp', field)
        if c200 and c50k:
            target('4 vfp 50k/200 rules, %s' % what, '%.2fx' % (c50k / c200),
                   '<= 2x', c50k / c200 <= 2)
    for (scen, label, setup), kvs in mem.items():
        if setup.split(':')[0] == 'vfp':
            b = median([float(k['bytes_per_conn']) for k in kvs])
            target('5 %s %s RSS + hugepage bytes per connection'
                   % (scen, setup), '%.0f' % b, '<= 1024', b <= 1024)
    if t:
        w('| target | measured | goal | |')
        w('|---|---|---|---|')
        out.extend(t)
        w('')
    if a.load and os.path.exists(a.load):
        w('Load average before and after: ' +
          '; '.join(l.strip() for l in open(a.load)))
        w('')

    if a.docs:
        plots(a.docs, med, setup_rows)
    print('\n'.join(out))
    return 0


def plots(docs, med, setup_rows):
    import subprocess
    import tempfile
    tmp = tempfile.mkdtemp()
    rows = []
    for l in (1, 2, 4, 8, 10):
        v = med('layers', '%dlayers' % l, 'vfp', 'kpps')
        o = med('layers', '%dlayers' % l, 'ofdpif', 'kpps')
        if v or o:
            rows.append('%d %s %s' % (l, (v or 0) / 1000, (o or 0) / 1000))
    scripts = []
    if rows:
        with open(os.path.join(tmp, 'layers.dat'), 'w') as f:
            f.write('\n'.join(rows) + '\n')
        scripts.append('''
set terminal pngcairo size 800,500 noenhanced
set output "%s/bench-layers.png"
set title "Layer scaling: layers of 200 rules, 1000 established connections"
set xlabel "layers"
set ylabel "Mpps, one PMD"
set yrange [0:*]
set key bottom left
set grid
plot "%s/layers.dat" using 1:2 with linespoints lw 2 title "VFP", \\
     "%s/layers.dat" using 1:3 with linespoints lw 2 title "ofproto-dpif"
''' % (docs, tmp, tmp))
    srows = [r for r in setup_rows if r[0].startswith('setup')]
    if srows:
        with open(os.path.join(tmp, 'setup.dat'), 'w') as f:
            for i, r in enumerate(srows):
                label = {'setup': '%s, stateless policy',
                         'setup-ct': '%s with ct()',
                         'setup-stateful': '%s, stateful policy'}.get(
                             r[0], r[0] + ' %s') % r[2]
                f.write('%d "%s" %.1f\n' % (i, label, r[4]))
        scripts.append('''
set terminal pngcairo size 800,500 noenhanced
set output "%s/bench-setup.png"
set title "Connection setup: unique SYNs through the 4-layer policy"
set ylabel "thousand new connections/s, one PMD"
set yrange [0:*]
set style fill solid 0.6
set boxwidth 0.6
set grid ytics
set xrange [-0.5:%g]
plot "%s/setup.dat" using 1:3:xtic(2) with boxes notitle
''' % (docs, len(srows) - 0.5, tmp))
    crows = []
    for n in (200, 5000, 50000):
        c = med('classify-first', '%drules' % n, 'vfp', 'us')
        e = med('classify', '%drules' % n, 'vfp', 'cyc')
        if c or e:
            crows.append('%d %s %s' % (n, c or 0, e or 0))
    if crows:
        with open(os.path.join(tmp, 'classify.dat'), 'w') as f:
            f.write('\n'.join(crows) + '\n')
        scripts.append('''
set terminal pngcairo size 800,500 noenhanced
set output "%s/bench-classify.png"
set title "Classification scale: one group of N rules (VFP)"
set xlabel "rules"
set logscale x
set ylabel "us per upcall (first packet)"
set y2label "cycles/packet (established)"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key bottom right
set grid
plot "%s/classify.dat" using 1:2 axes x1y1 with linespoints lw 2 title "first packet, us/upcall", \\
     "%s/classify.dat" using 1:3 axes x1y2 with linespoints lw 2 title "established, cycles/packet"
''' % (docs, tmp, tmp))
    for s in scripts:
        subprocess.run(['gnuplot'], input=s.encode(), check=False)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == 'compare':
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    if len(sys.argv) > 1 and sys.argv[1] == 'report':
        sys.exit(report(sys.argv[2:]))
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('scenario', choices=['4layer', 'layers', 'classify'])
    ap.add_argument('--conns', type=int, default=1000)
    ap.add_argument('--layers', type=int, default=1)
    ap.add_argument('--rules', type=int, default=200)
    ap.add_argument('--stateful', action='store_true')
    ap.add_argument('--syn', action='store_true',
                    help='every packet a new connection\'s SYN')
    ap.add_argument('--inbound-only', action='store_true',
                    help='no traffic from the VM (4layer)')
    ap.add_argument('--passes', type=int, default=0,
                    help='write K passes of the traffic, for cases whose '
                    'packets do not fit in the replaying port\'s mbufs')
    ap.add_argument('--sample', type=int, default=16)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    layers = {'4layer': policy_4layer, 'layers': policy_layers,
              'classify': policy_classify}[args.scenario](args)
    tunnel = args.scenario == '4layer'
    with open(os.path.join(args.out, 'policy.json'), 'w') as f:
        json.dump({'scenario': args.scenario, 'args': vars(args),
                   'tunnel': tunnel, 'layers': layers}, f, indent=1)
    with open(os.path.join(args.out, 'vfp.sh'), 'w') as f:
        f.write(vfp_commands(layers, args.out))
    with open(os.path.join(args.out, 'of.flows'), 'w') as f:
        f.write('\n'.join(of_flows(layers, tunnel)) + '\n')
    if tunnel:
        with open(os.path.join(args.out, 'ofphy.flows'), 'w') as f:
            f.write('\n'.join(of_phy_flows()) + '\n')
    up, vm = traffic(args.scenario, args)
    write_pcap(os.path.join(args.out, 'up.pcap'), up, max(1, args.passes))
    write_pcap(os.path.join(args.out, 'up-sample.pcap'), up[:args.sample])
    sources = 'up'
    if vm:
        write_pcap(os.path.join(args.out, 'vm.pcap'), vm, max(1, args.passes))
        write_pcap(os.path.join(args.out, 'vm-sample.pcap'), vm[:args.sample])
        sources = 'up vm'
    with open(os.path.join(args.out, 'topo'), 'w') as f:
        f.write('TUNNEL=%d\nSOURCES="%s"\nCONNS=%d\nPASSES=%d\n'
                % (tunnel, sources, args.conns, args.passes))


if __name__ == '__main__':
    main()
