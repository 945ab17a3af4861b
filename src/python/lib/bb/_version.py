"""Version strings: splitting "E:V-R", comparing them the way BitBake orders versions, semver.

Ordering rules (BitBake's): a version is cut into pieces, each with a rank: "~" ranks -1,
a run of digits ranks 0 (compared as a number), a run of ASCII letters ranks 1 (compared as
text), any other single character ranks 2. Pieces are compared rank first, then value. When
one side runs out it behaves as the piece (0, None): below every piece except "~".
"""

import re

_DIGITS = "0123456789"
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class VersionStringException(Exception):
    """A version or dependency string could not be understood."""


def _after_run(rest):
    # What BitBake goes on with after a digit or letter run is the `(.*)$` part of its pattern:
    # `.` stops at a newline and `$` matches only at the end or before one final newline. So a
    # newline ending the string is dropped, and any other newline after a run means the pattern
    # fails, which BitBake reports as this AttributeError.
    newline = rest.find("\n")
    if newline == -1:
        return rest
    if newline == len(rest) - 1:
        return rest[:-1]
    raise AttributeError("'NoneType' object has no attribute 'group'")


def explode_version(s):
    """The (rank, value) pieces of a version string (see the module comment)."""
    pieces = []
    while s:
        ch = s[0]
        if ch in _DIGITS:
            # A run starts with an ASCII digit but, like a regex \d, goes on over any
            # Unicode decimal digit; int() reads those too.
            j = 1
            while j < len(s) and s[j].isdecimal():
                j += 1
            pieces.append((0, int(s[:j])))
            s = _after_run(s[j:])
        elif ch in _LETTERS:
            j = 1
            while j < len(s) and s[j] in _LETTERS:
                j += 1
            pieces.append((1, s[:j]))
            s = _after_run(s[j:])
        else:
            pieces.append((-1 if ch == "~" else 2, ch))
            s = s[1:]
    return pieces


def split_version(s):
    """(epoch, version, revision) from "E:V-R"; epoch 0 and revision "" when absent.
    Surrounding spaces and <>= are ignored; with several ":" only the text between the first
    two is the version; the revision is what follows the last "-"."""
    s = s.strip(" <>=")
    epoch = 0
    if ":" in s:
        fields = s.split(":")
        epoch = int(fields[0])
        s = fields[1]
    revision = ""
    if "-" in s:
        s, revision = s.rsplit("-", 1)
    return (epoch, s, revision)


_END = (0, None)


def vercmp_part(a, b):
    """Compare two version (or revision) strings: -1, 0 or 1."""
    left = explode_version(a)
    right = explode_version(b)
    for k in range(max(len(left), len(right)) + 1):
        ra, va = left[k] if k < len(left) else _END
        rb, vb = right[k] if k < len(right) else _END
        if (ra, va) == _END and (rb, vb) == _END:
            return 0
        if ra != rb:
            return -1 if ra < rb else 1
        # Same rank: an exhausted side (value None) is the smaller one.
        if va is None:
            return -1
        if vb is None:
            return 1
        if va != vb:
            return -1 if va < vb else 1
    return 0


def vercmp(ta, tb):
    """Compare (epoch, version, revision) triples: negative, 0 or positive.
    Epochs may be numbers, numeric strings or empty (meaning 0); their difference is returned
    when they differ."""
    result = int(ta[0] or 0) - int(tb[0] or 0)
    if result == 0:
        result = vercmp_part(ta[1], tb[1])
    if result == 0:
        result = vercmp_part(ta[2], tb[2])
    return result


def vercmp_string(a, b):
    return vercmp(split_version(a), split_version(b))


# Operators understood by vercmp_string_op: each maps the comparison result to a verdict.
_OPERATORS = {
    "=": lambda r: r == 0,
    "==": lambda r: r == 0,
    "<=": lambda r: r <= 0,
    ">=": lambda r: r >= 0,
    ">": lambda r: r > 0,
    ">>": lambda r: r > 0,
    "<": lambda r: r < 0,
    "<<": lambda r: r < 0,
    "!=": lambda r: r != 0,
}


def vercmp_string_op(a, b, op):
    """Whether "a op b" holds for two version strings."""
    # BitBake compares first, so a malformed version fails before a bad operator does.
    result = vercmp_string(a, b)
    verdict = _OPERATORS.get(op) if isinstance(op, str) else None
    if verdict is None:
        raise VersionStringException('Unsupported comparison operator "%s"' % op)
    return verdict(result)


# Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH, optional -prerelease and +build parts.
_NUM = r"(?:0|[1-9]\d*)"
_PRE_ID = r"(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
_BUILD_ID = r"[0-9a-zA-Z-]+"
_SEMVER = re.compile(
    r"^(%s)\.(%s)\.(%s)" % (_NUM, _NUM, _NUM)
    + r"(?:-(%s(?:\.%s)*))?" % (_PRE_ID, _PRE_ID)
    + r"(?:\+(%s(?:\.%s)*))?$" % (_BUILD_ID, _BUILD_ID)
)


def is_semver(version):
    """Whether version is a Semantic Versioning 2.0.0 version."""
    return _SEMVER.match(version) is not None
