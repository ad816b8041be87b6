#!/usr/bin/env python3
# Prints a port's whole state for VFP_CHECK_STATE (tests/vfp-macros.at):
# reads the JSON replies of "vfp-ctl -f json" commands from the files
# named NAME=FILE on the command line and prints them as one JSON object,
# keys sorted, one value per line, with the fields that depend on when
# the test looks (ages, expiry times, timestamps) replaced by "T".
import json
import re
import sys

TIMING = re.compile(r"(^|_)(used|expires|time|age|ago|ms)(_|$)")


def normalise(value):
    if isinstance(value, dict):
        return {k: ("T" if TIMING.search(k) else normalise(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"(expires in|used:?) ?[0-9.]+s", r"\1 T", value)
    return value


def main():
    state = {}
    for arg in sys.argv[1:]:
        name, path = arg.split("=", 1)
        with open(path) as f:
            state[name] = normalise(json.load(f))
    print(json.dumps(state, sort_keys=True, indent=1))


if __name__ == "__main__":
    main()
