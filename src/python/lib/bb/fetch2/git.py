"""bb.fetch2.git: the git fetch method (see methods.py)."""

from bb.fetch2.methods import Git  # noqa: F401
