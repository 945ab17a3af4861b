"""bb.event: events fired while parsing and building, and the metadata handlers that receive them.

Handlers are registered by name (from `addhandler` statements) with an optional mask of event
class names ("bb.event.RecipeParsed" ...). A handler runs for an event when the event's class is
in its mask (or it has no mask) and the datastore the event is fired with lists the handler in
__BBHANDLERS_MC (registration adds it there). kiln fires the parse events; build events come with
the build stages. There are no UI handlers: kiln's own UI does not listen here.
"""

import collections

import bb

worker_pid = 0
Registered = 10
AlreadyRegistered = 14

_handlers = collections.OrderedDict()
_event_handler_map = {}
_catchall_handlers = {}
_eventfilter = None


# ---- handler registry ----------------------------------------------------------------------

def get_class_handlers():
    return _handlers


def set_class_handlers(handlers):
    global _handlers
    _handlers = handlers


def clean_class_handlers():
    return collections.OrderedDict()


def get_handlers():
    return _handlers


def set_handlers(handlers):
    global _handlers
    _handlers = handlers


def set_eventfilter(func):
    global _eventfilter
    _eventfilter = func


def mc_prefix(data):
    """What handler names of the datastore's multiconfig are prefixed with ("" for the default)."""
    mc = data.getVar("BB_CURRENT_MC") if data is not None else None
    return mc.replace("-", "_") if mc else ""


def _mc_name(name, data):
    return mc_prefix(data) + name


def _note_handlers(names, data):
    """Add handler names to the datastore's __BBHANDLERS_MC (one read, one write)."""
    if names and data is not None:
        noted = data.getVar("__BBHANDLERS_MC") or set()
        noted.update(names)
        data.setVar("__BBHANDLERS_MC", noted)


_compiled_handlers = {}


def _compile_handler(name, code, filename, lineno):
    """A handler given as the text of a python function body becomes `def name(e, d)`.
    Every recipe registers the same handlers again: their code objects are compiled once."""
    source = "def %s(e, d):\n%s" % (name, code)
    if lineno is not None:
        # Pad so that tracebacks point at the metadata line of the body.
        source = "\n" * (int(lineno) - 1) + source
    where = filename or "%s(e, d)" % name
    compiled = _compiled_handlers.get((source, where))
    if compiled is None:
        compiled = compile(source, where, "exec")
        _compiled_handlers[(source, where)] = compiled
    scope = {}
    exec(compiled, bb.utils.get_context(), scope)
    return scope[name]


def register(name, handler, mask=None, filename=None, lineno=None, data=None):
    """Register a handler (a callable, or python code text) for the event classes in mask."""
    name = _mc_name(name, data)
    result, noted = _register(name, handler, mask, filename, lineno)
    if noted:
        _note_handlers([name], data)
    return result


def _register(name, handler, mask, filename, lineno):
    """register() without noting the handler in the datastore: (result, whether to note it)."""
    if name in _handlers:
        return AlreadyRegistered, True
    if handler is None:
        return Registered, False
    if isinstance(handler, str):
        try:
            _handlers[name] = _compile_handler(name, handler, filename, lineno)
        except SyntaxError as e:
            bb.error("Unable to register event handler '%s': %s" % (name, e))
            _handlers[name] = noop
            return None, False
    else:
        _handlers[name] = handler
    if not mask or "*" in mask:
        _catchall_handlers[name] = True
    else:
        for m in mask:
            _event_handler_map.setdefault(m, {})[name] = True
    return Registered, True


def register_all(handlers, data):
    """Register several (name, code, mask, filename, lineno) handlers for datastore `data`,
    noting them in __BBHANDLERS_MC with one write rather than one per handler. The code of a
    handler registered already may be None."""
    prefix = mc_prefix(data)
    noted = []
    for name, code, mask, filename, lineno in handlers:
        name = prefix + name
        if _register(name, code, mask, filename, lineno)[1]:
            noted.append(name)
    _note_handlers(noted, data)


def remove(name, handler, data=None):
    name = _mc_name(name, data)
    _handlers.pop(name, None)
    _catchall_handlers.pop(name, None)
    for names in _event_handler_map.values():
        names.pop(name, None)
    if data is not None:
        names = data.getVar("__BBHANDLERS_MC") or set()
        names.discard(name)
        data.setVar("__BBHANDLERS_MC", names)


def noop(*args):
    return None


def execute_handler(name, handler, event, d):
    event.data = d
    try:
        handler(event, d)
    except (bb.parse.SkipRecipe, bb.BBHandledException):
        raise
    except Exception:
        bb.error("Execution of event handler '%s' failed" % name)
        raise
    finally:
        del event.data


def fire_class_handlers(event, d):
    key = "%s.%s" % (type(event).__module__, type(event).__qualname__)
    for_event = _event_handler_map.get(key, {})
    active = d.getVar("__BBHANDLERS_MC") if d is not None else None
    for name, handler in list(_handlers.items()):
        if name not in _catchall_handlers and name not in for_event:
            continue
        if _eventfilter and not _eventfilter(name, handler, event, d):
            continue
        if d is not None and name not in (active or set()):
            continue
        execute_handler(name, handler, event, d)


def fire(event, d):
    """Run the class handlers interested in this event."""
    fire_class_handlers(event, d)


def fire_from_worker(event, d):
    fire(event, d)


def getName(e):
    """The name of an event class or instance."""
    return getattr(e, "__name__", None) or e.__class__.__name__


def check_for_interrupts():
    return None


# ---- the events ----------------------------------------------------------------------------

class Event(object):
    def __init__(self):
        self.pid = worker_pid


class HeartbeatEvent(Event):
    def __init__(self, time):
        Event.__init__(self)
        self.time = time


class OperationStarted(Event):
    def __init__(self, msg="Operation Started"):
        Event.__init__(self)
        self.msg = msg


class OperationCompleted(Event):
    def __init__(self, total, msg="Operation Completed"):
        Event.__init__(self)
        self.total = total
        self.msg = msg


class OperationProgress(Event):
    def __init__(self, current, total, msg="Operation in Progress"):
        Event.__init__(self)
        self.current = current
        self.total = total
        self.msg = msg + ": %s/%s" % (current, total)


class ConfigParsed(Event):
    """The configuration has been parsed."""


class MultiConfigParsed(Event):
    def __init__(self, mcdata):
        Event.__init__(self)
        self.mcdata = mcdata


class RecipeEvent(Event):
    def __init__(self, fn):
        Event.__init__(self)
        self.fn = fn


class RecipePreDeferredInherits(RecipeEvent):
    def __init__(self, fn, inherits):
        RecipeEvent.__init__(self, fn)
        self.inherits = inherits


class RecipePreFinalise(RecipeEvent):
    """A recipe is about to be finalised."""


class RecipePostKeyExpansion(RecipeEvent):
    """A recipe's variable names holding ${...} have been expanded."""


class RecipeTaskPreProcess(RecipeEvent):
    def __init__(self, fn, tasklist):
        RecipeEvent.__init__(self, fn)
        self.tasklist = tasklist


class RecipeParsed(RecipeEvent):
    """A recipe has been parsed."""


class BuildBase(Event):
    def __init__(self, n, p, failures=0):
        self._name = n
        self._pkgs = p
        Event.__init__(self)
        self._failures = failures

    def getPkgs(self):
        return self._pkgs

    def setPkgs(self, pkgs):
        self._pkgs = pkgs

    def getName(self):
        return self._name

    def setName(self, name):
        self._name = name

    def getFailures(self):
        return self._failures

    pkgs = property(getPkgs, setPkgs, None, "pkgs property")
    name = property(getName, setName, None, "name property")


class BuildInit(BuildBase):
    def __init__(self, p=[]):
        name = None
        BuildBase.__init__(self, name, p)


class BuildStarted(BuildBase, OperationStarted):
    def __init__(self, n, p, failures=0):
        OperationStarted.__init__(self, "Building Started")
        BuildBase.__init__(self, n, p, failures)


class BuildCompleted(BuildBase, OperationCompleted):
    def __init__(self, total, n, p, failures=0, interrupted=0):
        if not failures:
            OperationCompleted.__init__(self, total, "Building Succeeded")
        else:
            OperationCompleted.__init__(self, total, "Building Failed")
        self._interrupted = interrupted
        BuildBase.__init__(self, n, p, failures)


class DiskFull(Event):
    def __init__(self, dev, type, freespace, mountpoint):
        Event.__init__(self)
        self._dev = dev
        self._type = type
        self._free = freespace
        self._mountpoint = mountpoint


class DiskUsageSample:
    def __init__(self, available_bytes, free_bytes, total_bytes):
        self.available_bytes = available_bytes
        self.free_bytes = free_bytes
        self.total_bytes = total_bytes


class MonitorDiskEvent(Event):
    def __init__(self, disk_usage):
        Event.__init__(self)
        self.disk_usage = disk_usage


class NoProvider(Event):
    def __init__(self, item, runtime=False, dependees=None, reasons=None, close_matches=None):
        Event.__init__(self)
        self._item = item
        self._runtime = runtime
        self._dependees = dependees
        self._reasons = reasons
        self._close_matches = close_matches

    def getItem(self):
        return self._item

    def isRuntime(self):
        return self._runtime


class MultipleProviders(Event):
    def __init__(self, item, candidates, runtime=False):
        Event.__init__(self)
        self._item = item
        self._candidates = candidates
        self._is_runtime = runtime

    def isRuntime(self):
        return self._is_runtime

    def getItem(self):
        return self._item

    def getCandidates(self):
        return self._candidates


class ParseStarted(OperationStarted):
    def __init__(self, total):
        OperationStarted.__init__(self, "Recipe parsing Started")
        self.total = total


class ParseCompleted(OperationCompleted):
    def __init__(self, cached, parsed, skipped, masked, virtuals, errors, total):
        OperationCompleted.__init__(self, total, "Recipe parsing Completed")
        self.cached = cached
        self.parsed = parsed
        self.skipped = skipped
        self.virtuals = virtuals
        self.masked = masked
        self.errors = errors
        self.sofar = cached + parsed


class ParseProgress(OperationProgress):
    def __init__(self, current, total):
        OperationProgress.__init__(self, current, total, "Recipe parsing")


class CacheLoadStarted(OperationStarted):
    def __init__(self, total):
        OperationStarted.__init__(self, "Loading cache Started")
        self.total = total


class CacheLoadProgress(OperationProgress):
    def __init__(self, current, total):
        OperationProgress.__init__(self, current, total, "Loading cache")


class CacheLoadCompleted(OperationCompleted):
    def __init__(self, total, num_entries):
        OperationCompleted.__init__(self, total, "Loading cache Completed")
        self.num_entries = num_entries


class TreeDataPreparationStarted(OperationStarted):
    def __init__(self):
        OperationStarted.__init__(self, "Preparing tree data Started")


class TreeDataPreparationProgress(OperationProgress):
    def __init__(self, current, total):
        OperationProgress.__init__(self, current, total, "Preparing tree data")


class TreeDataPreparationCompleted(OperationCompleted):
    def __init__(self, total):
        OperationCompleted.__init__(self, total, "Preparing tree data Completed")


class DepTreeGenerated(Event):
    def __init__(self, depgraph):
        Event.__init__(self)
        self._depgraph = depgraph


class TargetsTreeGenerated(Event):
    def __init__(self, model):
        Event.__init__(self)
        self._model = model


class ReachableStamps(Event):
    def __init__(self, stamps):
        Event.__init__(self)
        self.stamps = stamps


class StaleSetSceneTasks(Event):
    def __init__(self, tasks):
        Event.__init__(self)
        self.tasks = tasks


class FilesMatchingFound(Event):
    def __init__(self, pattern, matches):
        Event.__init__(self)
        self._pattern = pattern
        self._matches = matches


class ConfigFilesFound(Event):
    def __init__(self, variable, values):
        Event.__init__(self)
        self._variable = variable
        self._values = values


class ConfigFilePathFound(Event):
    def __init__(self, path):
        Event.__init__(self)
        self.path = path


class MsgBase(Event):
    def __init__(self, msg):
        self._message = msg
        Event.__init__(self)


class MsgDebug(MsgBase):
    pass


class MsgNote(MsgBase):
    pass


class MsgWarn(MsgBase):
    pass


class MsgError(MsgBase):
    pass


class MsgFatal(MsgBase):
    pass


class MsgPlain(MsgBase):
    pass


class LogExecTTY(Event):
    def __init__(self, msg, prog, sleep_delay, retries):
        Event.__init__(self)
        self.msg = msg
        self.prog = prog
        self.sleep_delay = sleep_delay
        self.retries = retries


class MetadataEvent(Event):
    """Metadata-defined events carried to the user interface."""

    def __init__(self, eventtype, eventdata):
        Event.__init__(self)
        self.type = eventtype
        self._localdata = eventdata


class ProcessStarted(Event):
    def __init__(self, processname, total):
        Event.__init__(self)
        self.processname = processname
        self.total = total


class ProcessProgress(Event):
    def __init__(self, processname, progress):
        Event.__init__(self)
        self.processname = processname
        self.progress = progress


class ProcessFinished(Event):
    def __init__(self, processname):
        Event.__init__(self)
        self.processname = processname


class SanityCheck(Event):
    def __init__(self, generateevents=True):
        Event.__init__(self)
        self.generateevents = generateevents


class SanityCheckPassed(Event):
    """The sanity check passed."""


class SanityCheckFailed(Event):
    def __init__(self, msg, network_error=False):
        Event.__init__(self)
        self._msg = msg
        self._network_error = network_error


class NetworkTest(Event):
    def __init__(self, generateevents=True):
        Event.__init__(self)
        self.generateevents = generateevents


class NetworkTestPassed(Event):
    """The network test passed."""


class NetworkTestFailed(Event):
    """The network test failed."""


class FindSigInfoResult(Event):
    def __init__(self, result):
        Event.__init__(self)
        self.result = result


class GetTaskSignatureResult(Event):
    def __init__(self, sig):
        Event.__init__(self)
        self.sig = sig


class ParseError(Event):
    def __init__(self, msg):
        super().__init__()
        self._msg = msg
