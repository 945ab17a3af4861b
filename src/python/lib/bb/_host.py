"""kiln's runtime as the bb package reaches it: new datastores and the host's services.

Only inside kiln's embedded Python (kiln_runtime attached to the TypeScript side); the plain
Python unit tests import bb without it, so nothing here is imported at module level.
"""

import builtins
import json


def _runtime():
    """The kiln_runtime module, attached to kiln; RuntimeError outside kiln."""
    import kiln_runtime

    if kiln_runtime._bridge is None:
        raise RuntimeError("this part of bb needs kiln's runtime (kiln's datastore and parser)")
    return kiln_runtime


def bridge():
    """The functions of kiln's bridge (src/python/runtime.ts)."""
    return _runtime()._bridge


def wrap(handle):
    """The `d` object of the datastore with this handle."""
    return _runtime().wrap(handle)


def new_datastore():
    """A new, empty datastore (its `d` object)."""
    return wrap(bridge().newStore())


def call(name, d, **args):
    """The host service `name` with datastore `d` (see PythonRuntime.provide)."""
    return _answer(bridge().host(name, d._h, json.dumps(args)))


def tool(name, **args):
    """The host service `name` that needs no datastore (see PythonRuntime.provideTool)."""
    return _answer(bridge().tool(name, json.dumps(args)))


def _answer(reply):
    """The service's value, or its failure raised as the class it names (in bb.fetch2, bb.build
    or bb, else a builtin, else Exception)."""
    reply = json.loads(reply)
    if "error" not in reply:
        return reply["value"]
    import bb
    import bb.build
    import bb.fetch2

    kind = reply.get("kind") or "Exception"
    for place in (bb.fetch2, bb.build, bb, builtins):
        cls = getattr(place, kind, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            break
    else:
        cls = Exception
    raise cls(reply["error"])
