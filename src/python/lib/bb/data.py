"""bb.data: small functions over a datastore that metadata and classes call."""


def createCopy(d):
    return d.createCopy()


def expand(s, d, varname=None):
    return d.expand(s, varname)


def keys(d):
    return d.keys()


def initVar(var, d):
    d.setVar(var, None)


def inherits_class(klass, d):
    """Whether the class named klass (from any classes*/ directory) has been inherited."""
    suffix = "/%s.bbclass" % klass
    return any(path.endswith(suffix) for path in (d.getVar("__inherit_cache", False) or []))
