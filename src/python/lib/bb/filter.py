"""Variable filters (BitBake 2.16 and later): `d.setVarFilter(VAR, EXPRESSION)`.

A filter is a Python expression over `val`, the variable's expanded value, evaluated each time
the variable is read expanded. Expressions see only the functions registered here with
`@filter_proc()` (a few safe builtins, the helpers below, and whatever layers register, e.g.
OpenEmbedded's oe.classextend): no other builtins, so no file or process access. Because the
registered functions must be pure, a result is remembered per (value, expression) and never
computed twice.
"""

import builtins as _builtins

# The globals every filter expression runs with: registered names only, and no builtins.
FILTERS = {"__builtins__": {}}

# (value, expression) -> result.
CACHE = {}


def apply_filters(val, expressions):
    """`val` passed through each expression in turn (blank ones are skipped)."""
    scope = dict(FILTERS)
    for expression in expressions:
        expression = expression.strip()
        if not expression:
            continue
        key = (val, expression)
        try:
            val = CACHE[key]
            continue
        except KeyError:
            pass
        result = eval(expression, scope, {"val": val})
        CACHE[key] = result
        val = result
    return val


class Namespace:
    """A dotted prefix of registered names (`oe.filters.x`): readable as attributes, filled
    only through item assignment, so expressions cannot change it."""

    def __getitem__(self, name):
        return self.__dict__[name]

    def __setitem__(self, name, value):
        self.__dict__[name] = value

    def __contains__(self, name):
        return name in self.__dict__

    def __setattr__(self, name, value):
        raise AttributeError(f"Attribute {name!r} cannot be changed")

    def __delattr__(self, name):
        raise AttributeError(f"Attribute {name!r} cannot be deleted")


def filter_proc(*, name=None):
    """Decorator: make a function callable from filter expressions, under its own name or
    `name` (which may be dotted: "a.b.f" is reached as a.b.f(...))."""

    def register(func):
        parts = (name or func.__name__).split(".")
        scope = FILTERS
        for part in parts[:-1]:
            if part not in scope:
                scope[part] = Namespace()
            scope = scope[part]
        scope[parts[-1]] = func
        return func

    return register


# The builtins filter expressions may use.
for _name in ("all", "any", "bin", "bool", "chr", "enumerate", "float", "format", "hex", "int", "len",
              "map", "max", "min", "oct", "ord", "pow", "str", "sum"):
    filter_proc()(getattr(_builtins, _name))
del _name


@filter_proc()
def suffix(val, suffix):
    """Every word of val with `suffix` appended."""
    return " ".join(word + suffix for word in val.split())


@filter_proc()
def prefix(val, prefix):
    """Every word of val with `prefix` put before it."""
    return " ".join(prefix + word for word in val.split())


@filter_proc()
def sort(val):
    """The words of val in sorted order."""
    return " ".join(sorted(val.split()))


@filter_proc()
def remove(val, remove, sep=None):
    """val without the items in `remove` (a list, or a string split like val); items are split
    on `sep` (whitespace when None) and joined back with it (a space when None)."""
    unwanted = remove.split(sep) if isinstance(remove, str) else remove
    kept = [item for item in val.split(sep) if item not in unwanted]
    return (sep or " ").join(kept)
