"""bb.parse: what metadata calls at parse time: recipe names from file names, the skip
exceptions, file-dependency tracking (__depends), the vardeps decorators, and handle() to
evaluate a file into a datastore.

The file parsers themselves are kiln's TypeScript (src/parse); handle() asks them through the
runtime (src/parse/python-services.ts). BBHandler, ConfHandler, init and supports are not here.
"""

import builtins
import errno
import os

import bb
from bb import _host


class ParseError(Exception):
    """A problem in a metadata file, with its location (lineno 0 when unknown)."""

    def __init__(self, msg, filename, lineno=0):
        self.msg = msg
        self.filename = filename
        self.lineno = lineno
        Exception.__init__(self, msg, filename, lineno)

    def __str__(self):
        if self.lineno:
            return "ParseError at %s:%d: %s" % (self.filename, self.lineno, self.msg)
        return "ParseError in %s: %s" % (self.filename, self.msg)


class SkipRecipe(Exception):
    """Raised by metadata to make a recipe unavailable; the message says why."""


class SkipPackage(SkipRecipe):
    """The old name of SkipRecipe."""


def handle(fn, data, include=False, baseconfig=False):
    """Evaluate the file fn into the datastore data. A .conf file, an included file or a
    class changes data and returns it; a .bb or .inc file parsed on its own returns its
    finalised datastores by variant ("" for the recipe itself, then its BBCLASSEXTEND
    variants). ParseError for a file that is not BitBake's or does not parse."""
    try:
        cwd = os.getcwd()
    except FileNotFoundError:
        cwd = None  # a removed working directory: only absolute names can be found, as in BitBake
    answer = _host.call("parse.handle", data, fn=fn, include=bool(include), baseconfig=bool(baseconfig),
                        cwd=cwd)
    failure = answer.get("failure")
    if failure:
        if failure["kind"] == "ParseError":
            raise ParseError(failure["msg"], failure.get("file") or fn, failure.get("line") or 0)
        if failure["kind"] == "ExpansionError":
            cause = getattr(builtins, failure["type"], None)
            if not (isinstance(cause, type) and issubclass(cause, Exception)):
                cause = Exception
            raise bb.data_smart.ExpansionError(failure["variable"], failure["expression"], cause(failure["msg"]))
        raise getattr(bb, failure["kind"])(failure["msg"])
    if "variants" in answer:
        return {name: _host.wrap(h) for name, h in answer["variants"].items()}
    return data


# ---- name_version_revision.bb ------------------------------------------------------------

# Keyed by path. Holds the very list returned (callers share it), and it is stored before the
# underscore check, so a bad name raises only the first time; later calls return its parts.
__pkgsplit_cache__ = {}


def vars_from_file(mypkg, d):
    """[name, version, revision] from ".../name_version_revision.bb" (or .bbappend), missing
    parts None; (None, None, None) for anything else. More than two "_" raise ParseError."""
    if not mypkg or not mypkg.endswith((".bb", ".bbappend")):
        return (None, None, None)
    if mypkg in __pkgsplit_cache__:
        return __pkgsplit_cache__[mypkg]
    parts = os.path.splitext(os.path.basename(mypkg))[0].split("_")
    __pkgsplit_cache__[mypkg] = parts
    if len(parts) > 3:
        raise ParseError("Unable to generate default variables from filename (too many underscores)",
                         mypkg)
    parts.extend([None] * (3 - len(parts)))
    return parts


# ---- files the parse depends on ----------------------------------------------------------

# path -> (mtime_ns, size, inode): how a file looked when first seen, so a later change shows.
_mtime_cache = {}


def _signature(path):
    st = os.stat(path)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def cached_mtime(f):
    if f not in _mtime_cache:
        _mtime_cache[f] = _signature(f)
    return _mtime_cache[f]


def cached_mtime_noerror(f):
    """cached_mtime(), but 0 (not cached) for a file that cannot be stat'ed."""
    if f not in _mtime_cache:
        try:
            _mtime_cache[f] = _signature(f)
        except OSError:
            return 0
    return _mtime_cache[f]


def check_mtime(f, mtime):
    """Whether f still has the signature mtime (0 meaning missing); refreshes the cache."""
    try:
        current = _signature(f)
        _mtime_cache[f] = current
    except OSError:
        current = 0
    return current == mtime


def update_mtime(f):
    """Re-read f's signature into the cache; 0 (and forgotten) when it cannot be stat'ed."""
    try:
        _mtime_cache[f] = _signature(f)
    except OSError:
        _mtime_cache.pop(f, None)
        return 0
    return _mtime_cache[f]


def update_cache(f):
    """Refresh f's signature if it is cached."""
    if f in _mtime_cache:
        bb.debug(1, "Updating mtime cache for %s" % f)
        update_mtime(f)


def clear_cache():
    _mtime_cache.clear()


def mark_dependency(d, f):
    """Record that the parse of d depends on file f: (f, signature) joins __depends once.
    A leading "./" is replaced by the current directory."""
    if f.startswith("./"):
        f = "%s/%s" % (os.getcwd(), f[2:])
    deps = d.getVar("__depends", False) or []
    entry = (f, cached_mtime_noerror(f))
    if entry not in deps:
        deps.append(entry)
        d.setVar("__depends", deps)


def check_dependency(d, f):
    """Whether (f, its cached signature) is recorded in __depends."""
    return (f, cached_mtime_noerror(f)) in (d.getVar("__depends", False) or [])


def get_file_depends(d):
    """The absolute paths in __base_depends then __depends, space-separated."""
    depends = (d.getVar("__base_depends", False) or []) + (d.getVar("__depends", False) or [])
    return " ".join(os.path.abspath(fn) for fn, _ in depends)


def resolve_file(fn, d):
    """The path of fn: relative names are searched along BBPATH (every candidate tried is
    marked as a dependency, so creating one later invalidates the parse). IOError (ENOENT) when
    no regular file is found."""
    if not os.path.isabs(fn):
        bbpath = d.getVar("BBPATH")
        found, tried = bb.utils.which(bbpath, fn, history=True)
        for candidate in tried:
            mark_dependency(d, candidate)
        if not found:
            raise IOError(errno.ENOENT, "file %s not found in %s" % (fn, bbpath))
        fn = found
    else:
        mark_dependency(d, fn)
    if not os.path.isfile(fn):
        raise IOError(errno.ENOENT, "file %s not found" % fn)
    return fn


# ---- decorators for metadata Python functions -------------------------------------------


def vardeps(*varnames):
    """Decorator: the function's signature also depends on these variables."""
    def mark(f):
        if not hasattr(f, "bb_vardeps"):
            f.bb_vardeps = set()
        f.bb_vardeps |= set(varnames)
        return f
    return mark


def vardepsexclude(*varnames):
    """Decorator: the function's signature ignores these variables."""
    def mark(f):
        if not hasattr(f, "bb_vardepsexclude"):
            f.bb_vardepsexclude = set()
        f.bb_vardepsexclude |= set(varnames)
        return f
    return mark
