#!/usr/bin/env python3
"""Compare task signatures from BitBake (scripts/oracle/sig-dump.py) and kiln (kiln sigs --json):
base hashes per task, then the dependencies and hashed value of every variable either looked at.
usage: compare-sigs.py BITBAKE.json KILN.json [--max=N]"""
import json
import sys



def load(path, who):
    """A side's answer; None (said) when it gave none (a skipped recipe, a failed run)."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        print("no answer from %s (%s)" % (who, path))
        return None


a = load(sys.argv[1], "BitBake")
b = load(sys.argv[2], "kiln")
if a is None or b is None:
    sys.exit(0 if a is None and b is None else 1)
limit = int(next((x.split("=")[1] for x in sys.argv[3:] if x.startswith("--max=")), "20"))
same = [t for t in a["basehash"] if b["basehash"].get(t) == a["basehash"][t]]
print("tasks: %d, same base hash: %d" % (len(a["basehash"]), len(same)))
for t in sorted(set(a["basehash"]) ^ set(b["basehash"])):
    print("  task only in %s: %s" % ("BitBake" if t in a["basehash"] else "kiln", t))
shown = 0
for name in sorted(set(a["vars"]) | set(b["vars"])):
    va, vb = a["vars"].get(name), b["vars"].get(name)
    if va == vb:
        continue
    shown += 1
    if shown > limit:
        continue
    if va is None or vb is None:
        print("  %s: only in %s" % (name, "kiln" if va is None else "BitBake"))
        continue
    if va["deps"] != vb["deps"]:
        print("  %s deps: BitBake-only %s kiln-only %s" % (name, sorted(set(va["deps"]) - set(vb["deps"])), sorted(set(vb["deps"]) - set(va["deps"]))))
    if va["value"] != vb["value"]:
        print("  %s value:\n    BitBake %r\n    kiln    %r" % (name, str(va["value"] or "")[:300], str(vb["value"] or "")[:300]))
print("variables differing: %d" % shown)
sys.exit(0 if shown == 0 and len(same) == len(a["basehash"]) else 1)
