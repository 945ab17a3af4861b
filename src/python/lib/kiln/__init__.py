"""kiln: services of the kiln build system that meta-kiln's classes call from Python.

These are kiln built-ins where OpenEmbedded-Core has large Python functions of its own.
"""

import kiln_runtime


def apply_patches(d, urls=None, source_dir=None):
    """Apply the patches among SRC_URI (or `urls`) in order, in ${S} (or `source_dir`):
    *.patch / *.diff or apply=yes; striplevel= and patchdir= honoured; patches found already
    applied are skipped, so a rerun after an interruption is safe."""
    urls = urls if urls is not None else (d.getVar("SRC_URI") or "").split()
    kiln_runtime.host_call("fetch.patch", d, urls=list(urls), sourceDir=source_dir or d.getVar("S"))
