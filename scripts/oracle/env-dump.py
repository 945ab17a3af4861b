#!/usr/bin/env python3
"""Every variable of a recipe (or of the global configuration) as real BitBake sees it, as one
JSON object {NAME: value}, comparable with `kiln env --json [TARGET]`.

usage: env-dump.py BITBAKE_CHECKOUT [TARGET]   (run inside the build directory, as a normal user)
Values are expanded; a variable that fails to expand gives {"error": TYPE}; Python functions and
internal names (starting with "__") are left out, as `bitbake -e` leaves them out.
"""
import json
import logging
import os
import sys

sys.path.insert(0, os.path.join(sys.argv[1], "lib"))
import bb.tinfoil  # noqa: E402

target = sys.argv[2] if len(sys.argv) > 2 else None
logging.getLogger("BitBake").setLevel(logging.CRITICAL)
with bb.tinfoil.Tinfoil(setup_logging=False) as tinfoil:
    tinfoil.prepare(quiet=3, config_only=target is None)
    d = tinfoil.parse_recipe(target) if target else tinfoil.finalizeData()
    out = {}
    for key in sorted(set(d.keys())):
        if key.startswith("__"):
            continue
        if d.getVarFlag(key, "python", False) and d.getVarFlag(key, "func", False):
            continue
        try:
            v = d.getVar(key)
        except Exception as e:
            out[key] = {"error": type(e).__name__}
            continue
        if v is None:
            continue
        out[key] = " ".join(str(x) for x in v) if isinstance(v, (list, tuple)) else str(v)
    print(json.dumps(out, sort_keys=True, indent=0))
