"""What a piece of metadata Python uses, for dependency tracking and task signatures.

Given the text of a python function or of an inline ``${@...}`` expression, report:
- references: variables read by name (d.getVar("X") and friends with a literal name; a flag read
  as "X[flag]"),
- execs: dotted names of everything called (so calls to other metadata functions become
  dependencies),
- contains: for bb.utils.contains-style checks with literal arguments, the variable and the items
  looked for (the signature then records whether each item is set instead of the whole value).

Only calls matter; the rules follow BitBake's codeparser (see docs/signatures.md).
"""

import ast

# Calls whose first argument names a variable that is read.
_VAR_SUFFIXES = (".getVar", ".appendVar", ".prependVar", "oe.utils.conditional")
_FLAG_SUFFIXES = (".getVarFlag", ".appendVarFlag", ".prependVarFlag")
_CONTAINS_ONE = ("bb.utils.contains", "base_contains")
_CONTAINS_WORDS = ("bb.utils.contains_any", "bb.utils.filter")
_EXEC_FUNCS = ("bb.build.exec_func", "bb.build.exec_task")

_cache = {}


def _dotted(node):
    """The dotted name of a call target ("a.b.c"), or None if it is not a plain name chain."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _literal(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_var_call(name):
    return name.endswith(_VAR_SUFFIXES) or name == "oe.utils.conditional"


def _is_flag_call(name):
    return name.endswith(_FLAG_SUFFIXES)


def _wrap_indented(code):
    """Indented code (a function body) becomes the block of an `if 1:` so that it compiles."""
    start = len(code) - len(code.lstrip("\n\t "))
    if start == 0 or start == len(code) or code[start - 1] not in " \t":
        return code
    return "if 1:\n" + (code[1:] if code.startswith("\n") else code)


def analyse(code, expand_refs=None):
    """(references, execs, contains) of a piece of Python, as sorted lists / dict of sorted lists.

    expand_refs(text) -> (references, execs, contains) handles d.expand("literal") arguments.
    """
    cached = _cache.get(code)
    if cached is not None:
        return cached
    references, execs, contains = set(), set(), {}
    text = _wrap_indented(code)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        tree = None
    if tree is not None:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _dotted(node.func)
            if name is None:
                continue
            args = node.args
            first = _literal(args[0]) if args else None
            if _is_var_call(name) or _is_flag_call(name) or name in _CONTAINS_ONE or name in _CONTAINS_WORDS:
                if first is None:
                    continue
                second = _literal(args[1]) if len(args) > 1 else None
                if name in _CONTAINS_ONE and second is not None:
                    contains.setdefault(first, set()).add(second)
                elif name in _CONTAINS_WORDS and second is not None:
                    contains.setdefault(first, set()).update(second.split())
                elif _is_flag_call(name):
                    if second is not None:
                        references.add("%s[%s]" % (first, second))
                else:
                    references.add(first)
            elif name.endswith(".expand") and args and _literal(args[0]) is not None and expand_refs:
                refs, calls, checks = expand_refs(_literal(args[0]))
                references.update(refs)
                execs.update(calls)
                for var, items in checks.items():
                    contains.setdefault(var, set()).update(items)
            elif name in _EXEC_FUNCS and first is not None:
                execs.add(first)
            elif isinstance(node.func, (ast.Name, ast.Attribute)):
                execs.add(name)
    result = (sorted(references), sorted(execs), {k: sorted(v) for k, v in contains.items()})
    _cache[code] = result
    return result


_VAR_REF = __import__("re").compile(r"\$\{([A-Za-z0-9\-_+./~:]+)\}")
_PY_REF = __import__("re").compile(r"\$\{@(?:\{.*?\}|.)+?\}")


def literal_expansion_refs(text):
    """What expanding a literal string would reference, with no variables set."""
    references, execs, contains = set(_VAR_REF.findall(text)), set(), {}
    for match in _PY_REF.findall(text):
        refs, calls, checks = analyse(match[3:-1], literal_expansion_refs)
        references.update(refs)
        execs.update(calls)
        for var, items in checks.items():
            contains.setdefault(var, set()).update(items)
    return references, execs, contains


def analyse_json(code):
    """analyse() as JSON text, for the JavaScript side."""
    import json

    refs, calls, checks = analyse(code, literal_expansion_refs)
    return json.dumps([refs, calls, checks])
