"""bb.fetch2.gitsm: the gitsm fetch method (see methods.py)."""

from bb.fetch2.methods import GitSM  # noqa: F401
