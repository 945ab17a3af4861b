"""Tests on the words of a variable's value (contains, filter) and yes/no values (to_boolean)."""


def _word_set(values):
    # A string is split on whitespace; any other iterable is taken item by item.
    return set(values.split()) if isinstance(values, str) else set(values)


def contains(variable, checkvalues, truevalue, falsevalue, d):
    """truevalue when every word of checkvalues is among the (expanded) variable's words."""
    value = d.getVar(variable)
    if not value:
        return falsevalue
    if _word_set(checkvalues).issubset(value.split()):
        return truevalue
    return falsevalue


def contains_any(variable, checkvalues, truevalue, falsevalue, d):
    """truevalue when at least one word of checkvalues is among the variable's words."""
    value = d.getVar(variable)
    if not value:
        return falsevalue
    if _word_set(checkvalues) & set(value.split()):
        return truevalue
    return falsevalue


def filter_string(val, checkvalues):
    """The words of val that are in checkvalues: de-duplicated, sorted, space-separated."""
    if not val:
        return ""
    return " ".join(sorted(_word_set(checkvalues) & set(val.split())))


def filter(variable, checkvalues, d):
    """filter_string() applied to the variable's expanded value."""
    return filter_string(d.getVar(variable), checkvalues)


_TRUE = ("y", "yes", "1", "true")
_FALSE = ("n", "no", "0", "false")


def to_boolean(string, default=None):
    """True or False from a yes/no word (any case); default for None, "", 0 or False.
    Integers count as true unless 0; any other word raises ValueError."""
    if not string:
        return default
    if isinstance(string, int):
        return string != 0
    word = string.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError("Invalid value for to_boolean: %s" % string)
