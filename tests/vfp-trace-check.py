#!/usr/bin/env python3
# The trace/datapath differential: reads the JSON of "vfp-ctl -f json trace
# PORT out packet=HEX" for a packet that was just injected on PORT and
# checks that the datapath did what trace says:
#   - if a datapath flow matches the packet, its actions are trace's;
#   - if none does, trace says the packet is not cached ("per-packet").
# Prints what was compared; exits 1 on a disagreement.
import json
import sys


def main():
    t = json.load(sys.stdin)
    want = t["datapath_actions"]
    flow = t.get("datapath_flow")
    if flow is None:
        if t.get("cache") != "per-packet":
            sys.exit("trace says '%s' and caches a UF, but the datapath "
                     "has no flow for the packet" % want)
        print("per packet: %s" % want)
    elif flow["actions"] != want:
        sys.exit("trace says '%s', the datapath flow %s does '%s'"
                 % (want, flow["ufid"], flow["actions"]))
    else:
        print("flow: %s" % want)


if __name__ == "__main__":
    main()
