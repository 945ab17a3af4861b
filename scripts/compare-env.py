#!/usr/bin/env python3
"""Compare one recipe's variables: BitBake's (scripts/oracle/env-dump.py) and kiln's
(`kiln env --json TARGET`).

Differences that cannot be equal between two processes are reported apart, not counted:
- values that hold the time or the process id (DATE, TIME, DATETIME, log file names, the
  message fifo in the bb* shell functions), and those that name BitBake itself (BB_VERSION,
  BITBAKEPATH) or mirror its process (BB_ORIGENV, BB_CMDLINE, PATH);
- values whose words are the same but in another order, where the metadata builds them from a
  Python set (Python orders sets of strings differently in every process).

usage: compare-env.py BITBAKE.json KILN.json [--max N]
Exit status 1 if any other difference remains.
"""
import json
import re
import sys

IGNORED = {"BB_ORIGENV", "BB_CMDLINE", "PATH", "BBSERVER", "BB_TASKHASH"}
PROCESS_BOUND = {"DATE", "TIME", "DATETIME", "PID", "BB_CONSOLELOG", "BB_DEFAULT_EVENTLOG", "LOGFIFO", "BB_VERSION",
                 "BITBAKEPATH"}
FIFO = re.compile(r"fifo\.\d+")


def timeless(value, dump):
    """A value with this process's clock readings (DATETIME, DATE, TIME) and pid taken out."""
    value = FIFO.sub("fifo.PID", value)
    for name in ("DATETIME", "DATE", "TIME", "PID"):
        stamp = dump.get(name)
        if isinstance(stamp, str) and stamp:
            value = value.replace(stamp, "<%s>" % name)
    return value


def main():
    want = json.load(open(sys.argv[1], encoding="utf-8"))
    got = json.load(open(sys.argv[2], encoding="utf-8"))
    limit = int(sys.argv[sys.argv.index("--max") + 1]) if "--max" in sys.argv else 15
    names = sorted((set(want) | set(got)) - IGNORED)
    problems, process_bound, set_order = [], [], []
    for n in names:
        w, g = want.get(n), got.get(n)
        if n not in got:
            problems.append("missing in kiln: %s = %r" % (n, w))
        elif n not in want:
            problems.append("only in kiln: %s = %r" % (n, g))
        elif w == g or (isinstance(w, dict) and isinstance(g, dict)):
            continue
        elif n in PROCESS_BOUND or (isinstance(w, str) and isinstance(g, str) and
                                    timeless(w, want) == timeless(g, got)):
            process_bound.append(n)
        elif isinstance(w, str) and isinstance(g, str) and sorted(w.split()) == sorted(g.split()):
            set_order.append(n)
        else:
            problems.append("%s:\n    BitBake: %r\n    kiln:    %r" % (n, w, g))
    print("%d variables compared: %d differ; not comparable: %d bound to the process or time (%s), "
          "%d same words in another order (%s)" % (len(names), len(problems), len(process_bound),
                                                   " ".join(process_bound), len(set_order), " ".join(set_order)))
    for p in problems[:limit]:
        print(p)
    if len(problems) > limit:
        print("... and %d more" % (len(problems) - limit))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
