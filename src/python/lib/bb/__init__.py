"""kiln's `bb` package: what BitBake metadata Python expects to find under the name `bb`.

Written for kiln. Messages from metadata go through one replaceable handler so the host decides
where they appear; bb.fatal() reports and then raises BBHandledException, as BitBake does.
"""

import sys

__version__ = "2.19.0"


class BBHandledException(Exception):
    """An error that has already been reported to the user."""


def _stderr_handler(level, message):
    tag = {"warn": "WARNING", "plain": ""}.get(level, level.upper())
    sys.stderr.write("%s: %s\n" % (tag, message) if tag else message + "\n")


_handler = _stderr_handler
_said_once = set()


def _set_log_handler(fn):
    """Route messages to fn(level, message); levels: debug note plain verbnote warn error fatal."""
    global _handler
    _handler = fn


def _join(args):
    return "".join(str(a) for a in args)


def plain(*args):
    _handler("plain", _join(args))


def note(*args):
    _handler("note", _join(args))


def verbnote(*args):
    _handler("verbnote", _join(args))


def debug(lvl, *args):
    # BitBake accepts debug("message") as well as debug(level, "message").
    if isinstance(lvl, str):
        args = (lvl,) + args
    _handler("debug", _join(args))


def warn(*args):
    _handler("warn", _join(args))


def warnonce(*args):
    msg = _join(args)
    if ("warn", msg) not in _said_once:
        _said_once.add(("warn", msg))
        _handler("warn", msg)


def error(*args, **kwargs):
    _handler("error", _join(args))


def erroronce(*args):
    msg = _join(args)
    if ("error", msg) not in _said_once:
        _said_once.add(("error", msg))
        _handler("error", msg)


def fatal(*args, **kwargs):
    _handler("fatal", _join(args))
    raise BBHandledException()


from bb import build, data, parse, utils  # noqa: E402  (submodules use the names above)
