"""bb.data: functions over a datastore that metadata and classes call.

init(), init_db(), expandKeys() and the signature functions (build_dependencies,
generate_dependencies) reach kiln's datastore and task signatures through kiln's runtime
(bb/_host.py); emit_func and emit_func_python are not here.
"""

import re
import sys
from itertools import groupby

import bb
from bb import _host, codeparser, data_smart  # noqa: F401  (reached as bb.codeparser, bb.data_smart)


def init():
    """A new, empty datastore."""
    return _host.new_datastore()


def init_db(parent=None):
    """A copy of parent, or a new datastore."""
    return parent.createCopy() if parent is not None else init()


def expandKeys(alterdata, readdata=None):
    """Rename every variable whose name holds ${...} to its expansion (a warning when that
    replaces a set variable), as the parser does at the end of a recipe."""
    if readdata is not None and readdata is not alterdata:
        raise NotImplementedError("kiln expands keys with the datastore they are in (readdata)")
    _host.bridge().expandKeys(alterdata._h)


def createCopy(source):
    """A copy-on-write child of source."""
    return source.createCopy()


def initVar(var, d):
    """Make var known to d without changing an existing value."""
    d.initVar(var)


def keys(d):
    return d.keys()


def expand(s, d, varname=None):
    return d.expand(s, varname)


def inherits_class(klass, d):
    """Whether a class named klass has been inherited: some path in __inherit_cache ends with
    "/<klass>.bbclass" (so classes/, classes-recipe/, classes-global/ and any layer count)."""
    needle = "/%s.bbclass" % klass
    ends_with = getattr(d, "any_item_ends_with", None)
    found = ends_with("__inherit_cache", needle) if ends_with is not None else None
    if found is not None:
        # kiln's datastore answered without copying the list into Python.
        return found
    for path in d.getVar("__inherit_cache", False) or []:
        if path.endswith(needle):
            return True
    return False


def inheritFromOS(d, savedenv, permitted):
    """Copy the permitted variables of savedenv (a datastore of the original environment)
    into d, exporting those on the preserved-and-exported list."""
    exported = bb.utils.preserved_envvars_exported()
    for name in savedenv.keys():
        if name not in permitted:
            continue
        try:
            d.setVar(name, savedenv.getVar(name), op="from env")
            if name in exported:
                d.setVarFlag(name, "export", True, op="auto env export")
        except TypeError:
            pass


def _shell_quote(value):
    # For a double-quoted shell string: escape " ` and $, continue lines with a backslash.
    value = value.replace('"', '\\"').replace("`", "\\`")
    value = value.replace("\n", " \\\n")
    return value.replace("$", "\\$")


_NOT_SHELL_NAME = re.compile(r"[-.{}+]")


def emit_var(var, o=sys.__stdout__, d=None, all=False):
    """Write var to o as shell (an assignment, export, unset or function definition).
    Returns True/1 when it wrote a function (so callers add a blank line), else False.
    d is required (BitBake's default is an empty datastore, which emits nothing)."""
    func = d.getVarFlag(var, "func", False)
    if d.getVarFlag(var, "python", False) and func:
        return False

    export = bb.utils.to_boolean(d.getVarFlag(var, "export"))
    unexport = bb.utils.to_boolean(d.getVarFlag(var, "unexport"))
    if not all and not export and not unexport and not func:
        return False

    try:
        if all:
            unexpanded = d.getVar(var, False)
        val = d.getVar(var)
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        o.write("# expansion of %s threw %s: %s\n" % (var, exc.__class__.__name__, str(exc)))
        return False

    if all:
        _emit_history(var, unexpanded, o, d)

    # Names a shell cannot assign are skipped (unless dumping everything with all=True).
    if _NOT_SHELL_NAME.search(var) and not all:
        return False

    name = d.expand(var)
    if unexport:
        o.write("unset %s\n" % name)
        return False
    if val is None:
        return False
    val = str(val)

    if name.startswith("BASH_FUNC_"):
        # An exported bash function as the environment spells it: BASH_FUNC_name%% = "() body".
        name = name[10:-2]
        val = val[3:]
        o.write("%s() %s\n" % (name, val))
        o.write("export -f %s\n" % name)
        return True

    if func:
        # The location comment is also how task logs point back at the metadata.
        o.write("# line: {0}, file: {1}\n".format(
            d.getVarFlag(var, "lineno", False), d.getVarFlag(var, "filename", False)))
        o.write("%s() {\n%s\n}\n" % (name, val.rstrip("\n")))
        return 1

    if export:
        o.write("export ")
    o.write('%s="%s"\n' % (name, _shell_quote(val)))
    return False


def _emit_history(var, unexpanded, o, d):
    """The comment lines `bitbake -e` puts before a variable: every operation of its history
    (where, and the value it gave), then the value before expansion; or that none was kept."""
    history = d.varhistory.variable(var)
    shown = str(unexpanded).replace("\n", "\n#")
    if not history:
        o.write("#\n# $%s\n#   [no history recorded]\n#\n" % var)
        o.write('#   "%s"\n' % shown)
        return
    count = " [%d operations]" % len(history) if len(history) > 1 else ""
    o.write("#\n# $%s%s\n" % (var, count))
    for event in history:
        where = "%s:%s" % (event.get("file"), event.get("line"))
        if "func" in event:
            # Set by code, not a metadata file: the file's name is enough.
            where = "%s:%s [%s]" % (str(event.get("file")).rsplit("/", 1)[-1], event.get("line"), event["func"])
        flag = "[%s] " % event["flag"] if "flag" in event else ""
        detail = str(event.get("detail")).replace("\n", "\n#     ")
        o.write('#   %s %s\n#     %s"%s"\n' % (event.get("op"), where, flag, detail))
    if len(history) > 1:
        o.write('# pre-expansion value:\n#   "%s"\n' % shown)


def emit_env(o=sys.__stdout__, d=None, all=False):
    """Write every variable not starting with "__" as shell: plain variables first, then
    functions, each group sorted by name."""
    def is_func(key):
        return bool(d.getVarFlag(key, "func", False))

    names = sorted((key for key in d.keys() if not key.startswith("__")), key=is_func)
    for func_group, group in groupby(names, is_func):
        for key in sorted(group):
            emit_var(key, o, d, all and not func_group) and o.write("\n")


def exported_keys(d):
    """Generator of the names with a true [export] and no true [unexport] flag."""
    return (key for key in d.keys()
            if not key.startswith("__")
            and bb.utils.to_boolean(d.getVarFlag(key, "export"))
            and not bb.utils.to_boolean(d.getVarFlag(key, "unexport")))


def exported_vars(d):
    """Generator of (name, value as str) for exported variables that have a value; a value that
    fails to expand is skipped with a warning."""
    for key in list(exported_keys(d)):
        try:
            value = d.getVar(key)
        except Exception as err:
            bb.warn("%s: Unable to export ${%s}: %s" % (d.getVar("FILE"), key, err))
            continue
        if value is not None:
            yield key, str(value)


# ---- task signatures (kiln's src/tasks/signatures.ts does the work) --------------------------


def build_dependencies(key, keys, mod_funcs, shelldeps, varflagsexcl, ignored_vars, d, codeparsedata):
    """(frozenset of the names key's value depends on, the text its signature hashes) for one
    variable, function or "VAR[flag]"; codeparsedata is d with BB_HASH_CODEPARSER_VALS forced.
    mod_funcs (Python module functions, BitBake's codeparser cache) are not tracked by kiln."""
    deps, value = _host.call("data.build_dependencies", d, key=key, keys=sorted(keys),
                             shelldeps=sorted(shelldeps),
                             varflagsexcl=varflagsexcl if isinstance(varflagsexcl, str) else list(varflagsexcl or ()),
                             ignored=sorted(ignored_vars), codedata=codeparsedata._h)
    return frozenset(deps), value


def generate_dependencies(d, ignored_vars):
    """(tasks, {name: frozenset of deps}, {name: hashed text}) for every task of d and every
    name they reach."""
    tasks, deps, values = _host.call("data.generate_dependencies", d, ignored=sorted(ignored_vars))
    return tasks, {k: frozenset(v) for k, v in deps.items()}, values


def generate_dependency_hash(tasklist, gendeps, lookupcache, ignored_vars, fn):
    """({task: frozenset of every name it reaches}, {"fn:task": its base hash}) from
    generate_dependencies()' answer."""
    for task in tasklist:
        if lookupcache[task] is None:
            bb.error("Task %s from %s seems to be empty?!" % (task, fn))
    taskdeps, basehash = _host.tool(
        "data.dependency_hash", tasks=list(tasklist),
        deps={k: sorted(v) for k, v in gendeps.items()},
        values={k: None if v is None else str(v) for k, v in lookupcache.items()})
    return ({k: frozenset(v) for k, v in taskdeps.items()},
            {fn + ":" + k: v for k, v in basehash.items()})
