#!/usr/bin/env python3
"""A recipe's task signatures as real BitBake computes them at parse time, as JSON comparable with
`kiln sigs --json TARGET`: {"basehash": {task: hash}, "vars": {name: {"deps": [...], "value": v}}}.

usage: sig-dump.py BITBAKE_CHECKOUT TARGET   (run inside the build directory, as a normal user)
"""
import json
import logging
import os
import sys

sys.path.insert(0, os.path.join(sys.argv[1], "lib"))
import bb.tinfoil  # noqa: E402
import bb.data  # noqa: E402

logging.getLogger("BitBake").setLevel(logging.CRITICAL)
with bb.tinfoil.Tinfoil(setup_logging=False) as tinfoil:
    tinfoil.prepare(quiet=3)
    d = tinfoil.parse_recipe(sys.argv[2])
    ignored = set((d.getVar("BB_BASEHASH_IGNORE_VARS") or "").split())
    tasks, gendeps, values = bb.data.generate_dependencies(d, ignored)
    _, basehash = bb.data.generate_dependency_hash(tasks, gendeps, values, ignored, "")
    print(json.dumps({
        "basehash": {k[1:]: v for k, v in basehash.items()},
        # Values as they are hashed: str() of a flag's value (True becomes "True").
        "vars": {k: {"deps": sorted(gendeps[k]), "value": values[k] if values[k] is None else str(values[k])}
                 for k in sorted(gendeps)},
    }, sort_keys=True, indent=0))
