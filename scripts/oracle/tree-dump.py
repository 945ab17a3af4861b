#!/usr/bin/env python3
"""Ask real BitBake about every target of a build directory; print what `kiln query --all --json`
prints, so the two can be compared line by line.

usage: tree-dump.py BITBAKE_CHECKOUT NAME...   (run inside the build directory, as a normal user)

Prints one JSON object per target: {"file": F, "pn": PN, "values": {NAME: value}} or
{"file": F, "skipped": REASON}, then a final {"summary": {...}} with BitBake's parse counts.
NAME is VAR or VAR[flag]. Only BitBake's public tinfoil API is used.
"""
import json
import logging
import os
import sys

sys.path.insert(0, os.path.join(sys.argv[1], "lib"))
import bb.tinfoil  # noqa: E402

names = sys.argv[2:]


def value(d, name):
    try:
        if name.endswith("]") and "[" in name:
            var, flag = name[:-1].split("[", 1)
            v = d.getVarFlag(var, flag)
        else:
            v = d.getVar(name)
    except Exception as e:  # a variable that fails to expand
        return {"error": type(e).__name__}
    if v is None:
        return None
    if isinstance(v, (list, tuple)):
        return " ".join(str(x) for x in v)
    return str(v)


logging.getLogger("BitBake").setLevel(logging.CRITICAL)
with bb.tinfoil.Tinfoil(setup_logging=False) as tinfoil:
    tinfoil.prepare(quiet=3)
    cooker = tinfoil.cooker
    mcs = sorted(cooker.multiconfigs) if hasattr(cooker, "multiconfigs") else [""]
    for mc in mcs:
        cache = cooker.recipecaches[mc]
        for fn in sorted(cache.pkg_fn.keys()):
            out = {"file": fn, "pn": cache.pkg_fn[fn]}
            if names:
                d = tinfoil.parse_recipe_file(fn)
                out["values"] = {n: value(d, n) for n in names}
            print(json.dumps(out, sort_keys=True))
        for fn, skipped in sorted(tinfoil.get_skipped_recipes(mc).items()):
            print(json.dumps({"file": fn, "skipped": str(skipped.skipreason)}, sort_keys=True))
