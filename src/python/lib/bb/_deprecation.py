"""Marking functions as deprecated (bb.deprecated, bb.deprecate_import)."""

import sys


def deprecated(func, name=None, advice=""):
    """A wrapper of func that issues a DeprecationWarning, attributed to the caller, on each call:
    "Call to deprecated function <name>[: <advice>]." (name defaults to func's own)."""
    import warnings

    suffix = ": %s" % advice if advice else ""
    shown = func.__name__ if name is None else name

    def wrapper(*args, **kwargs):
        warnings.warn("Call to deprecated function %s%s." % (shown, suffix),
                      category=DeprecationWarning, stacklevel=2)
        return func(*args, **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    wrapper.__dict__.update(func.__dict__)
    return wrapper


def deprecate_import(current, modulename, fromlist, renames=None):
    """Give module `current` deprecated aliases of the names fromlist in module modulename
    (called renames[i] there when renames is given)."""
    source = __import__(modulename, fromlist=fromlist)
    target = sys.modules[current]
    for index, objname in enumerate(fromlist):
        wrapped = deprecated(getattr(source, objname), "{0}.{1}".format(current, objname),
                             "Please use {0}.{1} instead".format(modulename, objname))
        setattr(target, renames[index] if renames else objname, wrapped)
