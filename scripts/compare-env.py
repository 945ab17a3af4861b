#!/usr/bin/env python3
"""Compare one recipe's variables: BitBake's (scripts/oracle/env-dump.py) and kiln's
(`kiln env --json TARGET`). Variables that only mirror the caller's environment or BitBake's own
process (BB_ORIGENV, BB_CMDLINE, PATH, ...) are left out.

usage: compare-env.py BITBAKE.json KILN.json [--max N]
"""
import json
import sys

IGNORED = {"BB_ORIGENV", "BB_CMDLINE", "PATH", "BBSERVER", "BB_TASKHASH"}


def main():
    want = json.load(open(sys.argv[1], encoding="utf-8"))
    got = json.load(open(sys.argv[2], encoding="utf-8"))
    limit = int(sys.argv[sys.argv.index("--max") + 1]) if "--max" in sys.argv else 15
    names = sorted((set(want) | set(got)) - IGNORED)
    problems = []
    for n in names:
        if n not in got:
            problems.append("missing in kiln: %s = %r" % (n, want[n]))
        elif n not in want:
            problems.append("only in kiln: %s = %r" % (n, got[n]))
        elif want[n] != got[n] and not (isinstance(want[n], dict) and isinstance(got[n], dict)):
            problems.append("%s:\n    BitBake: %r\n    kiln:    %r" % (n, want[n], got[n]))
    print("%d variables compared, %d differ" % (len(names), len(problems)))
    for p in problems[:limit]:
        print(p)
    if len(problems) > limit:
        print("... and %d more" % (len(problems) - limit))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
