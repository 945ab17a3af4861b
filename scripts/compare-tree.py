#!/usr/bin/env python3
"""Compare two per-target dumps: BitBake's (scripts/oracle/tree-dump.py) and kiln's
(`kiln query --all --json NAME...`). Both are JSON lines {"file", "pn", "values"} or
{"file", "skipped"}; paths may use different build directories (give each its TOPDIR so it is
replaced by @TOPDIR@).

usage: compare-tree.py BITBAKE.jsonl KILN.jsonl [BITBAKE_TOPDIR KILN_TOPDIR] [--max N]
Prints the differences and a summary; exit status 1 if there is any difference. Texts with the
same words in another order count as equal (metadata builds some from Python sets, whose order
differs between processes).
"""
import json
import re
import sys


def words(text):
    """The words of a text, ignoring order and the quotes around a quoted list."""
    return sorted(re.findall(r"[^\s'\"]+", text))


def load(path, topdir):
    targets = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line.startswith("{"):
            continue
        if topdir:
            line = line.replace(topdir, "@TOPDIR@")
        obj = json.loads(line)
        if "file" in obj:
            targets[obj["file"]] = obj
    return targets


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--max")]
    limit = 20
    for a in sys.argv[1:]:
        if a.startswith("--max="):
            limit = int(a.split("=", 1)[1])
    bb_top = args[2] if len(args) > 3 else None
    kiln_top = args[3] if len(args) > 3 else None
    want, got = load(args[0], bb_top), load(args[1], kiln_top)
    problems = []
    for f in sorted(set(want) - set(got)):
        problems.append("missing in kiln: %s" % f)
    for f in sorted(set(got) - set(want)):
        problems.append("only in kiln: %s" % f)
    value_diffs = {}
    # Words in another order: the metadata built the text from a Python set, whose order
    # differs between processes (in BitBake itself too).
    set_order = []
    for f in sorted(set(want) & set(got)):
        w, g = want[f], got[f]
        if ("skipped" in w) != ("skipped" in g):
            problems.append("%s: BitBake %s, kiln %s" % (
                f, "skips it (%s)" % w.get("skipped") if "skipped" in w else "parses it",
                "skips it (%s)" % g.get("skipped") if "skipped" in g else "parses it"))
            continue
        if "skipped" in w:
            if w["skipped"] != g["skipped"]:
                if words(w["skipped"]) == words(g["skipped"]):
                    set_order.append(f)
                else:
                    problems.append("%s: skip reason differs:\n    BitBake: %s\n    kiln:    %s" % (f, w["skipped"], g["skipped"]))
            continue
        if w.get("pn") != g.get("pn"):
            problems.append("%s: PN %r vs %r" % (f, w.get("pn"), g.get("pn")))
        for name, wv in (w.get("values") or {}).items():
            gv = (g.get("values") or {}).get(name)
            same = (isinstance(wv, dict) and isinstance(gv, dict)) or wv == gv or (
                isinstance(wv, str) and isinstance(gv, str) and words(wv) == words(gv))
            if not same:
                value_diffs.setdefault(name, []).append((f, wv, gv))
    for name, diffs in sorted(value_diffs.items()):
        problems.append("%s differs for %d targets, e.g. %s:\n    BitBake: %r\n    kiln:    %r" % (
            name, len(diffs), diffs[0][0], diffs[0][1], diffs[0][2]))
    skipped = sum(1 for t in want.values() if "skipped" in t)
    print("BitBake: %d targets (%d skipped); kiln: %d targets (%d skipped)" % (
        len(want), skipped, len(got), sum(1 for t in got.values() if "skipped" in t)))
    if set_order:
        print("%d skip reasons have the same words in another order (built from Python sets): %s" % (
            len(set_order), " ".join(set_order)))
    for p in problems[:limit]:
        print(p)
    if len(problems) > limit:
        print("... and %d more" % (len(problems) - limit))
    print("%d differences" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
