"""Dependency strings like "a (>= 1.0) b, c (<< 2)": splitting them up and joining them again."""

import collections

from bb._version import VersionStringException

import bb


def explode_deps(s):
    """The names in a dependency string, version constraints dropped.
    A word starting with "(" opens a constraint that lasts up to a word ending with ")"."""
    names = []
    in_constraint = False
    for word in s.split():
        if word[0] == "(":
            in_constraint = True
        if not in_constraint:
            names.append(word)
        elif word.endswith(")"):
            in_constraint = False
    return names


# Operators a constraint may start with, longest first (as deb, opkg and rpm spell them).
_TWO_CHAR_OPS = ("<=", "=<", "<<", "==", "!=", ">=", "=>", ">>")
_ONE_CHAR_OPS = ("<", ">", "=")


def explode_dep_versions2(s, *, sort=True):
    """{name: ["op version", ...]} for a dependency string; commas are ignored.

    Quirks kept from BitBake: a constraint spread over several words adds one entry per word,
    each holding the text gathered so far ("a (>= 1 2)" gives ['>= 1', '>= 1 2']); a name seen
    again keeps its constraints; the result is an OrderedDict sorted by name unless sort=False."""
    result = collections.OrderedDict()
    name = None
    op = ""
    version = ""
    want_op = False  # just saw "(": the next text is an operator
    in_version = False  # inside "( ... )", after the operator
    for word in s.replace(",", "").split():
        if word[0] == "(":
            want_op = True
            word = word[1:].strip()
            if not word:
                continue
        if want_op:
            want_op = False
            in_version = True
            if word.startswith(_TWO_CHAR_OPS):
                op, word = word[:2], word[2:]
            elif word.startswith(_ONE_CHAR_OPS):
                op, word = word[:1], word[1:]
            else:
                raise VersionStringException(
                    'Invalid version specification in "(%s" - invalid or missing operator' % word)
            if not word:
                continue
        if in_version:
            if word.endswith(")"):
                word = word[:-1]
                in_version = False
                if version and word:
                    version += " "
            if word:
                version += word
                result.setdefault(name, []).append(op + " " + version)
            continue
        name, version, op = word, "", ""
        if not result.get(word):
            result[word] = []
    if sort:
        result = collections.OrderedDict(sorted(result.items(), key=lambda item: item[0]))
    return result


def explode_dep_versions(s):
    """Like explode_dep_versions2, but each name maps to its first constraint or None
    (with a warning when a name carries several)."""
    deps = explode_dep_versions2(s)
    for name in deps:
        constraints = deps[name]
        if not constraints:
            deps[name] = None
            continue
        if len(constraints) > 1:
            bb.warn("explode_dep_versions(): Item %s appeared in dependency string '%s' multiple "
                    "times with different values.  explode_dep_versions cannot cope with this."
                    % (name, s))
        deps[name] = constraints[0]
    return deps


def join_deps(deps, commasep=True):
    """A dependency string from explode_dep_versions(2) output: "a (>= 1), b"."""
    items = []
    for name in deps:
        constraint = deps[name]
        if not constraint:
            items.append(name)
        elif isinstance(constraint, list):
            items.extend(name + " (" + c + ")" for c in constraint)
        else:
            items.append(name + " (" + constraint + ")")
    return (", " if commasep else " ").join(items)
