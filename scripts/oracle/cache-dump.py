#!/usr/bin/env python3
"""Print what real BitBake's recipe cache holds for every target: the dependency and package
lists the providers and the runqueue work from, so that they can be compared for all targets
without parsing each recipe again (tree-dump.py does that, slowly).

usage: cache-dump.py BITBAKE_CHECKOUT   (run inside the build directory, as a normal user)

One JSON object per target: {"file": F, "pn": PN, "depends": [...], "provides": [...],
"packages": [...], "rdepends": {PKG: [...]}, "rrecommends": {PKG: [...]}} as BitBake's cache
keeps them (DEPENDS and PROVIDES exploded and de-duplicated, PN first among the provides,
PACKAGES in order or [PN] when empty; RDEPENDS of each package is RDEPENDS followed by
RDEPENDS:PKG). scripts/compare-cache.py compares it with kiln. Only public tinfoil API is used.
"""
import json
import logging
import os
import sys

sys.path.insert(0, os.path.join(sys.argv[1], "lib"))
import bb.tinfoil  # noqa: E402

logging.getLogger("BitBake").setLevel(logging.CRITICAL)
with bb.tinfoil.Tinfoil(setup_logging=False) as tinfoil:
    tinfoil.prepare(quiet=3)
    for mc in sorted(tinfoil.cooker.multiconfigs):
        cache = tinfoil.cooker.recipecaches[mc]
        for fn in sorted(cache.pkg_fn.keys()):
            print(json.dumps({
                "file": fn,
                "pn": cache.pkg_fn[fn],
                "depends": cache.deps[fn],
                "provides": cache.fn_provides[fn],
                "packages": list(cache.rundeps[fn].keys()),
                "rdepends": cache.rundeps[fn],
                "rrecommends": cache.runrecs[fn],
            }, sort_keys=True))
