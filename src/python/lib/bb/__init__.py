"""kiln's `bb` package: the names BitBake metadata Python expects to find under `bb`.

Written for kiln (not derived from BitBake's source). Every message goes through one replaceable
handler, fn(level, message), so the host decides where it appears; the default writes to stderr.
Levels: debug, note, plain, verbnote, warn, error, fatal.

As in BitBake, message parts are joined with "" (so they must be strings), and bb.fatal()
reports and then raises BBHandledException.
"""

import sys

__version__ = "2.19.0"


class BBHandledException(Exception):
    """An error that has already been reported to the user; callers show no traceback."""


# ---- the log handler -----------------------------------------------------------------------

_TAGS = {"debug": "DEBUG", "note": "NOTE", "verbnote": "NOTE", "warn": "WARNING",
         "error": "ERROR", "fatal": "ERROR"}


def _stderr_handler(level, message):
    tag = _TAGS.get(level)
    sys.stderr.write("%s: %s\n" % (tag, message) if tag else message + "\n")


_handler = _stderr_handler

# Messages already shown by warnonce()/erroronce(). BitBake filters repeats in its UI; kiln has
# no separate UI process, so the filter lives here.
_said_once = set()


def _set_log_handler(fn):
    """Send every message to fn(level, message); None restores the stderr default."""
    global _handler
    _handler = fn if fn is not None else _stderr_handler


def _emit(level, message):
    _handler(level, message)


# ---- the functions metadata calls ----------------------------------------------------------


def plain(*args):
    _emit("plain", "".join(args))


def note(*args):
    _emit("note", "".join(args))


def verbnote(*args):
    _emit("verbnote", "".join(args))


def debug(lvl, *args):
    # A string first argument is a mistake BitBake tolerates: it warns, then treats it as text.
    if isinstance(lvl, str):
        _emit("warn", "Passed invalid debug level '%s' to bb.debug" % lvl)
        args = (lvl,) + args
    _emit("debug", "".join(args))


def warn(*args):
    _emit("warn", "".join(args))


def error(*args, **kwargs):
    _emit("error", "".join(args))


def fatal(*args, **kwargs):
    _emit("fatal", "".join(args))
    raise BBHandledException()


def _once(level, message):
    if (level, message) not in _said_once:
        _said_once.add((level, message))
        _emit(level, message)


def warnonce(*args):
    _once("warn", "".join(args))


def erroronce(*args):
    _once("error", "".join(args))


from bb._deprecation import deprecate_import, deprecated  # noqa: E402


class MultiprocessingContext(object):
    """`bb.multiprocessing`: the multiprocessing module, preferring its "fork" context where
    one exists (metadata imports it with `from bb import multiprocessing`). The module is
    imported on first use; under Pyodide processes cannot be started at all."""

    def _context(self):
        import multiprocessing as mp
        try:
            return mp, mp.get_context("fork")
        except ValueError:
            return mp, None

    def __getattr__(self, name):
        mp, ctx = self._context()
        if ctx is not None and hasattr(ctx, name):
            return getattr(ctx, name)
        return getattr(mp, name)

    def __setattr__(self, name, value):
        raise AttributeError("Unable to set attribute %s" % name)


multiprocessing = MultiprocessingContext()

# Submodules import the names above, so they come last.
from bb import build, data, event, filter, parse, process, utils  # noqa: E402
from bb import fetch2 as fetch  # noqa: E402

# `bb.fetch` is another name for bb.fetch2, as in BitBake.
sys.modules["bb.fetch"] = sys.modules["bb.fetch2"]
