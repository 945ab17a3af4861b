#!/usr/bin/env python3
"""Compare what `bitbake-layers CMD` and `kiln layers CMD` printed (two files), ignoring
BitBake's server/parse chatter and warnings, and sorting where BitBake's order follows the order
its parser processes finished in. Prints the differences; exit 1 if any.
usage: compare-layers.py CMD BITBAKE_OUTPUT KILN_OUTPUT"""
import re
import sys

CHATTER = re.compile(r"^(NOTE: |Loading cache|Loaded \d+ entries|Parsing recipes|Parsing of |WARNING: )")


QUOTED = re.compile(r"'([^']*)'")


def normalise(cmd, text):
    # Skip reasons built from Python sets list their words in a random order (hash seeds).
    text = QUOTED.sub(lambda m: "'%s'" % " ".join(sorted(m.group(1).split(" "))), text)
    lines = [l for l in text.split("\n") if l and not CHATTER.match(l)]
    if cmd == "show-cross-depends":
        return sorted(lines)
    if cmd == "show-appends":
        blocks = []
        for l in lines[1:]:
            if l.startswith("  ") and blocks:
                blocks[-1] += "\n" + l
            else:
                blocks.append(l)
        return lines[:1] + sorted(blocks)
    out, run = [], []

    def flush():
        keep = 1 if out and out[-1].endswith(":") else 0
        out.extend(run[:keep] + sorted(run[keep:]))
        run.clear()

    for l in lines:
        if l.startswith("  "):
            run.append(l)
        else:
            flush()
            out.append(l)
    flush()
    return out


cmd, a, b = sys.argv[1:]
bb = normalise(cmd, open(a).read())
kl = normalise(cmd, open(b).read())
if bb == kl:
    print("%s: identical (%d lines)" % (cmd, len(bb)))
    sys.exit(0)
import difflib
diff = list(difflib.unified_diff(bb, kl, "bitbake-layers", "kiln layers", lineterm="", n=1))
print("%s: %d lines differ" % (cmd, sum(1 for d in diff if d[:1] in "+-" and d[:3] not in ("+++", "---"))))
print("\n".join(diff[:60]))
sys.exit(1)
