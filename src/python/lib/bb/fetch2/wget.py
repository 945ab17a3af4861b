"""bb.fetch2.wget: the wget fetch method (see methods.py)."""

from bb.fetch2.methods import Wget  # noqa: F401
