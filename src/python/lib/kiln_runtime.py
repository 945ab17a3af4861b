"""kiln's side of the Python bridge.

Metadata Python sees `d`, an object with BitBake's datastore API, whose methods call into kiln's
TypeScript datastore through `_bridge` (a JavaScript module registered by the runtime). This
module also compiles and runs metadata code: inline `${@...}` expressions, anonymous functions
and top-level `def` functions, in the shared global context BitBake calls `bb.utils._context`.

Errors leave Python as a JSON description (take_error) so the TypeScript side can turn them into
located, user-facing messages.
"""

import builtins
import collections
import copy
import json
import os
import sys
import time
import traceback
import types
import weakref

from kiln_ffi import JsException, to_js, to_py

# Programs run through kiln's synchronous spawn (Pyodide cannot fork; and kiln puts its
# sandbox before every program a task runs): installed before anything (bb included) defines
# subclasses of subprocess.Popen.
import kiln_subprocess  # noqa: E402
kiln_subprocess.install(None)

import bb  # noqa: E402
import bb.utils  # noqa: E402

_bridge = None  # set by attach()
# The bridge functions metadata calls most, looked up once (each lookup crosses into JavaScript).
_get_expanded = _get_var = _get_var_flag = _set_var = _set_var_flag = None

# The names every piece of metadata Python sees as globals (BitBake's bb.utils context).
_context = bb.utils.get_context()
_context.update({"os": os, "bb": bb, "time": time})


def attach(bridge):
    """Connect to the JavaScript bridge (called once after start-up)."""
    global _bridge, _get_expanded, _get_var, _get_var_flag, _set_var, _set_var_flag
    if isinstance(bridge, dict):  # the native addon converts a plain JavaScript object
        bridge = types.SimpleNamespace(**bridge)
    _bridge = bridge
    _get_expanded = bridge.getExpanded
    _get_var = bridge.getVar
    _get_var_flag = bridge.getVarFlag
    _set_var = bridge.setVar
    _set_var_flag = bridge.setVarFlag
    bb._set_log_handler(_log)
    # BitBake makes `bb` and `os` builtins (its bb.build does, on import); OpenEmbedded's
    # libraries rely on it (lib/oe/patch.py uses bb without importing it).
    builtins.bb = bb
    builtins.os = os
    kiln_subprocess.install(bridge.spawn)
    if sys.platform == "emscripten":
        import kiln_host
        kiln_host.install(json.loads(bridge.hostInfo()))


def _log(level, msg):
    msg = str(msg)
    if level in ("fatal", "error"):
        where = _calling_metadata()
        if where:
            msg = "%s:%d: %s" % (where[0], where[1], msg)
    _bridge.log(level, msg)


def _calling_metadata():
    """The innermost stack frame running metadata code (a recipe, class or include file)."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith("/") and not name.startswith(_own_dir):
            return name, frame.f_lineno
        frame = frame.f_back
    return None


# ---- values crossing the bridge ------------------------------------------------------------

_PLAIN = (str, int, float, bool, type(None))


def _plain_tree(value):
    """Plain values, or lists/tuples nesting only plain values."""
    if isinstance(value, _PLAIN):
        return True
    return isinstance(value, (list, tuple)) and all(_plain_tree(v) for v in value)


def _to_js(value):
    """Lists and tuples of plain values (nested too, like __depends) travel as JavaScript arrays,
    sets of plain values as sets; anything else stays a Python object the datastore keeps."""
    if type(value) is str:
        return value
    if isinstance(value, (list, tuple)) and _plain_tree(value):
        return to_js(value)
    if isinstance(value, (set, frozenset)) and all(isinstance(v, _PLAIN) for v in value):
        return to_js(set(value))
    return value


def _from_js(value):
    """Containers read from the datastore arrive as fresh Python objects (BitBake copies too)."""
    if value is None or type(value) is str or isinstance(value, _PLAIN):
        return value
    convert = getattr(value, "to_py", None)
    if convert is not None:
        return convert()
    if isinstance(value, (list, dict, set)):
        return copy.copy(value)
    return value


# ---- the datastore object ------------------------------------------------------------------

_wrappers = weakref.WeakValueDictionary()
# The latest `d` objects made, kept alive: JavaScript hands the same datastore over again and
# again (every ${@...} of a recipe), and a `d` that died in between would cost a release and a
# new handle each time.
_recent_wrappers = collections.deque(maxlen=16)


def wrap(handle):
    """The `d` object for datastore `handle` (one live object per datastore)."""
    d = _wrappers.get(handle)
    if d is None:
        d = DataSmart(handle)
        _wrappers[handle] = d
        _recent_wrappers.append(d)
    return d


class _VarHistory:
    """The part of BitBake's variable history that metadata reads."""

    def __init__(self, handle):
        self._h = handle

    def variable(self, var):
        return json.loads(_bridge.history(self._h, var))

    def record(self, *args, **kwargs):
        pass


class DataSmart:
    """BitBake's datastore API over a kiln datastore."""

    __slots__ = ("_h", "__weakref__")

    def __init__(self, handle):
        self._h = handle

    def __del__(self):
        if _bridge is not None:
            _bridge.release(self._h)

    # reading
    def getVar(self, var, expand=True, noweakdefault=False, parsing=False):
        try:
            if expand and not noweakdefault and not parsing:
                value = _get_expanded(self._h, var)
            else:
                value = _get_var(self._h, var, bool(expand), bool(noweakdefault), bool(parsing))
        except JsException as e:
            raise _python_error(e) from None
        # Most values are strings or None (the hottest call of all: no further call for those).
        if value is None or type(value) is str:
            return value
        return _from_js(value)

    def getVarFlag(self, var, flag, expand=True, noweakdefault=False, parsing=False):
        try:
            value = _get_var_flag(self._h, var, flag, bool(expand), bool(noweakdefault))
        except JsException as e:
            raise _python_error(e) from None
        if value is None or type(value) is str:
            return value
        return _from_js(value)

    def getVarFlags(self, var, expand=False, internalflags=False):
        if expand is True or expand is False:
            names = bool(expand)
        else:
            names = to_js(list(expand))
        try:
            result = _bridge.getVarFlags(self._h, var, names, bool(internalflags))
        except JsException as e:
            raise _python_error(e) from None
        if result is None:
            return None
        return {k: _from_js(v) for k, v in to_py(result, depth=1).items()}

    def expand(self, s, varname=None):
        try:
            return _from_js(_bridge.expand(self._h, s, varname))
        except JsException as e:
            raise _python_error(e) from None

    def expandWithRefs(self, s, varname):
        try:
            value, found = to_py(_bridge.parseValue(self._h, s, varname))
        except JsException as e:
            raise _python_error(e) from None
        refs, execs, contains = json.loads(found)
        parsed = _Parsed(_from_js(value), set(refs))
        parsed.execs = set(execs)
        parsed.contains = {var: set(items) for var, items in contains}
        return parsed

    def keys(self):
        return list(to_py(_bridge.keys(self._h)))

    def keys_with_flag(self, flag):
        """The keys whose expanded `flag` is true, in keys() order (one call, not one per key)."""
        return list(to_py(_bridge.keysWithFlag(self._h, flag)))

    def any_item_ends_with(self, var, suffix):
        """Whether some item of the list held by `var` (unexpanded) ends with `suffix`; None
        when the value is not a list kept in JavaScript."""
        return _bridge.anyItemEndsWith(self._h, var, suffix)

    def localkeys(self):
        return iter(to_py(_bridge.localKeys(self._h)))

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())

    def __contains__(self, var):
        return self.getVar(var, False) is not None

    def __getitem__(self, var):
        value = self.getVar(var, False)
        if value is None:
            raise KeyError(var)
        return value

    def __setitem__(self, var, value):
        self.setVar(var, value)

    def __delitem__(self, var):
        self.delVar(var)

    def items(self):
        return [(k, self.getVar(k, False)) for k in self.keys()]

    def initVar(self, var):
        _bridge.initVar(self._h, var)

    def hasOverrides(self, var):
        return bool(_bridge.hasOverrides(self._h, var))

    @property
    def overrides(self):
        return list(to_py(_bridge.overrides(self._h)))

    def need_overrides(self):
        _bridge.overrides(self._h)

    # writing
    def setVar(self, var, value, **loginfo):
        _set_var(self._h, var, _to_js(value), "parsing" in loginfo)

    def setVarFlag(self, var, flag, value, **loginfo):
        _set_var_flag(self._h, var, flag, _to_js(value))

    def setVarFlags(self, var, flags, **loginfo):
        for k, v in flags.items():
            if k != "_content":
                self.setVarFlag(var, k, v)

    def delVar(self, var, **loginfo):
        _bridge.delVar(self._h, var)

    def delVarFlag(self, var, flag, **loginfo):
        _bridge.delVarFlag(self._h, var, flag)

    def delVarFlags(self, var, **loginfo):
        _bridge.delVarFlags(self._h, var)

    def appendVar(self, var, value, **loginfo):
        _bridge.appendVar(self._h, var, _to_js(value))

    def prependVar(self, var, value, **loginfo):
        _bridge.prependVar(self._h, var, _to_js(value))

    def appendVarFlag(self, var, flag, value, **loginfo):
        _bridge.appendVarFlag(self._h, var, flag, value)

    def prependVarFlag(self, var, flag, value, **loginfo):
        _bridge.prependVarFlag(self._h, var, flag, value)

    def renameVar(self, key, newkey, **loginfo):
        _bridge.renameVar(self._h, key, newkey)

    def expandVarref(self, variable, parents=False):
        _bridge.expandVarref(self._h, variable)

    def setVarFilter(self, var, filter):
        """Pass `var`'s expanded value through the bb.filter expression `filter` at every
        expanded read (BitBake 2.16 and later); an empty filter removes it."""
        _bridge.setVarFilter(self._h, var, filter or None)

    def __reduce__(self):
        # The datastore lives in kiln (TypeScript): an unpickled copy of the handle would be a
        # second owner, releasing the datastore under this one when collected.
        raise TypeError("a kiln datastore cannot be pickled")

    # copies and history
    def createCopy(self):
        return wrap(_bridge.createCopy(self._h))

    @property
    def varhistory(self):
        return _VarHistory(self._h)

    def getVarHistory(self, var):
        return _VarHistory(self._h).variable(var)

    def enableTracking(self):
        _bridge.tracking(self._h, True)

    def disableTracking(self):
        _bridge.tracking(self._h, False)


def _python_error(e):
    """A JavaScript error from kiln's datastore as metadata catches it: a failed expansion is
    bb.data_smart.ExpansionError (keeping kiln's error, which is what leaves Python again, see
    take_error); any other error unchanged."""
    js = getattr(e, "js_error", None)
    if js is None or getattr(js, "name", None) != "ExpansionError":
        return e
    import bb.data_smart
    failure = to_py(js.failure)
    kind = getattr(builtins, failure["type"], None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        kind = Exception
    error = bb.data_smart.ExpansionError(js.variable, js.expression, kind(failure["message"]))
    error.varlist = list(to_py(js.varlist))
    error.js_error = js
    return error


class _Parsed:
    def __init__(self, value, references):
        self.value = value
        self.references = references
        self.execs = set()
        self.contains = {}


def caller_location():
    """File and line of the metadata code writing to the datastore, for variable history.
    JavaScript asks (only when history is kept) while the write is in progress: above this
    frame is the DataSmart method that called into JavaScript, above that the metadata."""
    frame = sys._getframe(2)
    return "%s\0%d" % (frame.f_code.co_filename, frame.f_lineno)


# ---- running metadata code -----------------------------------------------------------------

class DataContext(dict):
    """Local names for inline Python: unknown names are looked up as datastore variables."""

    excluded = frozenset([n for n in dir(builtins) if not n.startswith("_")] + ["oe"])

    def __init__(self, d):
        dict.__init__(self, d=d)
        self._d = d

    def __missing__(self, key):
        if key in self.excluded or key in _context:
            raise KeyError(key)
        value = self._d.getVar(key)
        if value is None:
            raise KeyError(key)
        return value


_expr_cache = {}
_exec_cache = {}


def eval_inline(code, varname, handle):
    """Evaluate `${@code}` for variable `varname` and return str() of the result."""
    d = wrap(handle)
    label = "Var <%s>" % varname if varname else "<expansion>"
    key = (code, label)
    compiled = _expr_cache.get(key)
    if compiled is None:
        compiled = compile(code.strip(), label, "eval")
        _expr_cache[key] = compiled
    scope = dict(_context)
    scope["d"] = d
    return str(eval(compiled, scope, DataContext(d)))


def apply_filter(value, expression):
    """A variable's value after its filter (see bb.filter), for the datastore."""
    return _to_js(bb.filter.apply_filters(_from_js(value), [expression]))


def insert_method(name, text, filename, lineno, remember=False):
    """Define metadata functions (`def` blocks, anonymous functions) in the shared context.
    Line numbers are kept by padding, so tracebacks point into the metadata file. With
    `remember`, returns an index for insert_compiled() to define them again."""
    key = (text, filename, lineno)
    compiled = _exec_cache.get(key)
    if compiled is None:
        compiled = compile("\n" * int(lineno) + text, filename, "exec")
        _exec_cache[key] = compiled
    exec(compiled, _context)
    if remember:
        _compiled_methods.append(compiled)
        return len(_compiled_methods) - 1
    return None


_compiled_methods = []


def insert_compiled(index):
    """Define again the functions of an earlier insert_method(..., remember=True)."""
    exec(_compiled_methods[index], _context)


def run_anonymous(names, handle):
    """Run anonymous functions in order, each called with `d`."""
    d = wrap(handle)
    for name in names:
        _context[name](d)


def run_function(name, handle):
    """Run the metadata function `python name() {...}` with `d`, as a task or a pre/postfunc.
    Its body is compiled as `def name(d):` at the line where the metadata defines it."""
    d = wrap(handle)
    body = d.getVar(name, False)
    if body is None:
        raise bb.BBHandledException("function %s is not defined" % name) from None
    filename = d.getVarFlag(name, "filename", False) or "<%s>" % name
    lineno = int(d.getVarFlag(name, "lineno", False) or 1)
    insert_method(name, "def %s(d):\n%s\n" % (name, body), filename, max(lineno - 1, 0))
    _context[name](d)


def host_call(name, d, **args):
    """Ask kiln (the TypeScript side) for a service with datastore `d` (see bb._host.call)."""
    from bb import _host
    return _host.call(name, d, **args)


def exec_code(text, handle, filename="<code>"):
    """Run a block of Python statements with `d` available."""
    compiled = compile(text, filename, "exec")
    exec(compiled, _context, {"d": wrap(handle)})


def run_extra_depends(funcname, body, deps, world, pn):
    """A recipe's calculate_extra_depends: called with its DEPENDS list (which it extends), the
    world target names and its own PN; returns the list as JSON."""
    params = {"deps": list(to_py(deps)), "world_target": set(to_py(world)), "self_pn": pn}
    code = "def %s(%s):\n%s\n\n%s(%s)" % (funcname, ", ".join(params), body, funcname, ", ".join(params))
    exec(compile(code, funcname, "exec"), _context, params)
    return json.dumps(params["deps"])


def add_pylib(libdir, namespace, global_modules):
    """Make a layer's Python library importable and visible to metadata (BitBake's addpylib)."""
    import importlib
    for m in global_modules:
        if m not in _context:
            _context[m] = importlib.import_module(m)
    if libdir not in sys.path:
        sys.path.append(libdir)
    _hash_checked_bytecode(libdir, namespace)
    # A long-lived process (kiln's server) parses the configuration again when a file changed:
    # a library edited since it was imported is imported afresh, not taken from sys.modules.
    if _library_changed(namespace):
        for name in _library_module_names(namespace):
            del sys.modules[name]
        importlib.invalidate_caches()
    _context[namespace] = __import__(namespace)
    for sub in getattr(_context[namespace], "BBIMPORTS", []):
        _context[namespace] = __import__(namespace + "." + sub)
    _note_library(namespace)


def _hash_checked_bytecode(libdir, namespace):
    """Python trusts cached bytecode while the source keeps its mtime (in whole seconds) and size,
    so an edit within the same second that keeps the size would run the old code. The library's
    bytecode is written hash-checked instead (PEP 552): every import compares the source's content,
    and importing after an edit writes hash-checked bytecode again."""
    import importlib.util
    import py_compile
    pkg = os.path.join(libdir, namespace)
    if os.path.isdir(pkg):
        sources = [os.path.join(root, f) for root, _, files in os.walk(pkg) for f in files if f.endswith(".py")]
    else:
        sources = [pkg + ".py"]
    for source in sources:
        if not os.path.isfile(source):
            continue
        cached = importlib.util.cache_from_source(source)
        try:
            with open(cached, "rb") as f:
                header = f.read(8)
            # Flags after the magic number: bit 0 hash-based, bit 1 check the source.
            if len(header) == 8 and int.from_bytes(header[4:8], "little") & 0b11 == 0b11:
                continue
        except OSError:
            pass
        try:
            py_compile.compile(source, cfile=cached, doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
        except Exception:  # noqa: BLE001 - a file that does not compile fails at import, as it would
            pass


# For each layer library (namespace): the stats of its modules' source files when imported.
_library_stamps = {}


def _file_stamp(path):
    """The file's stat as the parse cache compares it (None when missing): an edit that puts
    back the size and the modification time still changes the inode's change time."""
    try:
        st = os.stat(path)
        return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    except OSError:
        return None


def _library_module_names(namespace):
    return [n for n in list(sys.modules) if n == namespace or n.startswith(namespace + ".")]


def _note_library(namespace):
    files = [getattr(sys.modules[n], "__file__", None) for n in _library_module_names(namespace)]
    _library_stamps[namespace] = {f: _file_stamp(f) for f in files if f}


def _library_changed(namespace):
    stamps = _library_stamps.get(namespace)
    if stamps is None:
        return False
    return any(_file_stamp(f) != stamp for f, stamp in stamps.items())


# ---- events -------------------------------------------------------------------------------

def register_handlers(handle):
    """Register the handlers named by `addhandler` so far (BitBake does this for the
    configuration and at each recipe's finalisation)."""
    import bb.event
    d = wrap(handle)
    # Most handlers (the configuration's) are registered already: only the others' code and
    # details cross over, in one call.
    names = []
    for name, located in json.loads(_bridge.handlerNames(handle)):
        if not located:
            bb.fatal("Undefined event handler function '%s'" % name)
        names.append(name)
    prefix = bb.event.mc_prefix(d)
    known = bb.event.get_handlers()
    fresh = [name for name in names if prefix + name not in known]
    details = {}
    if fresh:
        for name, filename, lineno, mask, body in json.loads(_bridge.handlers(handle, json.dumps(fresh))):
            details[name] = (body, (mask or "").split(), filename, int(lineno))
    bb.event.register_all([(name,) + details.get(name, (None, None, None, None)) for name in names], d)


def fire_event(name, args, handle):
    """Fire bb.event.<name>(*args) with datastore `handle`."""
    import bb.event
    cls = getattr(bb.event, name)
    bb.event.fire(cls(*to_py(args)), wrap(handle))


def fire_multiconfig_parsed(names, handles, handle):
    import bb.event
    mcdata = {name: wrap(h) for name, h in zip(to_py(names), to_py(handles))}
    bb.event.fire(bb.event.MultiConfigParsed(mcdata), wrap(handle))


_saved_handlers = []


def save_handlers():
    import bb.event
    _saved_handlers.append(bb.event.get_handlers().copy())


def restore_handlers():
    import bb.event
    bb.event.set_handlers(_saved_handlers.pop())


# ---- errors --------------------------------------------------------------------------------

_last_error = None
_pending_js_error = None
_own_dir = os.path.dirname(os.path.abspath(__file__))


# What guard() returns for a failed call. Returning it, rather than letting the exception cross
# into JavaScript, spares the traceback Pyodide would format for every skipped recipe.
FAILED = "\0kiln: the Python call failed\0"


def guard(fn, *args):
    """Call fn; on failure remember the exception for take_error() and return FAILED."""
    global _last_error
    try:
        return fn(*args)
    except BaseException as e:  # noqa: BLE001 - every failure must reach the TypeScript side
        _last_error = e
        return FAILED


def _metadata_location(e):
    """The innermost traceback frame that belongs to a metadata file (not kiln's own code)."""
    file = line = None
    for frame, lineno in traceback.walk_tb(e.__traceback__):
        name = frame.f_code.co_filename
        if name.startswith("/") and not name.startswith(_own_dir):
            file, line = name, lineno
    if isinstance(e, SyntaxError) and e.filename and str(e.filename).startswith("/"):
        file, line = e.filename, e.lineno
    return file, line


def take_error():
    """Describe the last failure as JSON: type, message, metadata location, traceback.
    A failure that came from JavaScript is kept for take_js_error()."""
    global _last_error, _pending_js_error
    e, _last_error = _last_error, None
    if e is None:
        return json.dumps({"type": "Exception", "message": "unknown Python failure"})
    if type(e).__name__ == "JsException" or getattr(e, "js_error", None) is not None:
        _pending_js_error = e
        return json.dumps({"type": "JsException", "message": str(e)})
    if type(e).__name__ in ("SkipRecipe", "SkipPackage", "BBHandledException"):
        # Expected outcomes: the TypeScript side needs neither place nor traceback.
        return json.dumps({"type": type(e).__name__, "message": str(e)})
    file, line = _metadata_location(e)
    tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    message = e.msg if isinstance(e, SyntaxError) else str(e)
    return json.dumps({"type": type(e).__name__, "message": message, "file": file, "line": line, "traceback": tb})


def take_js_error():
    """The JavaScript error object behind the last failure described as JsException."""
    global _pending_js_error
    e, _pending_js_error = _pending_js_error, None
    return getattr(e, "js_error", e)
