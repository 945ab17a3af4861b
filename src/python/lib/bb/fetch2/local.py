"""bb.fetch2.local: the local fetch method (see methods.py)."""

from bb.fetch2.methods import Local  # noqa: F401
