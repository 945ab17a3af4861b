"""Parse-time helpers metadata calls: recipe names from file names, and the skip exceptions."""

import os


class ParseError(Exception):
    """A located problem in a metadata file."""

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
    """Raised by metadata to make a recipe unavailable (with the reason as its message)."""


class SkipPackage(SkipRecipe):
    """Older name for SkipRecipe."""


_split_cache = {}


def vars_from_file(path, d):
    """(name, version, revision) from "name_version_revision.bb"; missing parts are None."""
    if not path or not path.endswith((".bb", ".bbappend")):
        return (None, None, None)
    cached = _split_cache.get(path)
    if cached is not None:
        return cached
    stem = os.path.splitext(os.path.basename(path))[0]
    parts = stem.split("_")
    # BitBake caches the list before checking it, so a bad name fails only on its first use.
    _split_cache[path] = parts
    if len(parts) > 3:
        raise ParseError("Unable to generate default variables from filename (too many underscores)", path)
    parts.extend([None] * (3 - len(parts)))
    return parts


def vardeps(*names):
    """Decorator recording extra variable dependencies of a Python function."""
    def mark(fn):
        fn.bb_vardeps = set(getattr(fn, "bb_vardeps", set())) | set(names)
        return fn
    return mark


def vardepsexclude(*names):
    """Decorator recording variables a Python function's signature must ignore."""
    def mark(fn):
        fn.bb_vardepsexclude = set(getattr(fn, "bb_vardepsexclude", set())) | set(names)
        return fn
    return mark
