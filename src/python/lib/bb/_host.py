"""kiln's runtime as the bb package reaches it: new datastores and the host's services.

Only inside kiln's embedded Python (kiln_runtime attached to the TypeScript side); the plain
Python unit tests import bb without it, so nothing here is imported at module level.
"""

import builtins
import json


def runtime():
    """The kiln_runtime module, attached to kiln; RuntimeError outside kiln."""
    import kiln_runtime

    if kiln_runtime._bridge is None:
        raise RuntimeError("this part of bb needs kiln's runtime (kiln's datastore and parser)")
    return kiln_runtime


def new_datastore():
    """A new, empty datastore (its `d` object)."""
    rt = runtime()
    return rt.wrap(rt._bridge.newStore())


def call(name, d, errors=None, **args):
    """The host service `name` with datastore `d` (see PythonRuntime.provide)."""
    return _answer(runtime()._bridge.host(name, d._h, json.dumps(args)), errors)


def tool(name, errors=None, **args):
    """The host service `name` that needs no datastore (see PythonRuntime.provideTool)."""
    return _answer(runtime()._bridge.tool(name, json.dumps(args)), errors)


def _answer(reply, errors):
    """The service's value, or its failure raised as the class it names: looked up in the
    module `errors` first, then bb, then builtins."""
    reply = json.loads(reply)
    if "error" not in reply:
        return reply["value"]
    import bb

    kind = reply.get("kind") or "Exception"
    for place in (errors, bb, builtins):
        cls = getattr(place, kind, None) if place is not None else None
        if isinstance(cls, type) and issubclass(cls, BaseException):
            break
    else:
        cls = Exception
    raise cls(reply["error"])
