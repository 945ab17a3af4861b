#!/usr/bin/env python3
"""Compare real BitBake's recipe cache (oracle/cache-dump.py) with kiln's recipe summaries
(`kiln query --all --json --deps`): the dependency and package lists of every target.

usage: compare-cache.py BITBAKE.jsonl KILN.jsonl [--max=N]
Prints the differing targets (at most N of them, 20 by default) and a count per field.
"""
import json
import sys


def load(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                entry = json.loads(line)
                if "file" in entry and "skipped" not in entry:
                    out[entry["file"]] = entry
    return out


def main():
    limit = 20
    args = []
    for a in sys.argv[1:]:
        if a.startswith("--max="):
            limit = int(a[6:])
        else:
            args.append(a)
    theirs, mine = load(args[0]), load(args[1])
    fields = ("depends", "provides", "packages", "rdepends", "rrecommends")
    counts = {f: 0 for f in fields}
    missing = sorted(set(theirs) ^ set(mine))
    shown = 0
    for fn in sorted(set(theirs) & set(mine)):
        for field in fields:
            a, b = theirs[fn].get(field), mine[fn].get(field)
            if a == b:
                continue
            counts[field] += 1
            if shown < limit:
                shown += 1
                print("%s %s\n  BitBake: %s\n  kiln:    %s" % (fn, field, json.dumps(a)[:400], json.dumps(b)[:400]))
    print("targets compared: %d; only on one side: %d" % (len(set(theirs) & set(mine)), len(missing)))
    print("differences: " + ", ".join("%s %d" % (f, n) for f, n in counts.items()))
    return 1 if any(counts.values()) or missing else 0


sys.exit(main())
