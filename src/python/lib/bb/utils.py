"""bb.utils: the helpers BitBake metadata and classes call (kiln's own implementation).

Versions, dependency strings, word-set tests on variables, files and hashes, paths. Behaviour
matches BitBake's functions of the same names, corner cases included; modules that may be
missing under Pyodide (fcntl, multiprocessing) are imported only where needed.
"""

import contextlib
import errno
import hashlib
import os
import re
import shutil
import stat

import bb

# ---- the global names metadata Python sees -------------------------------------------------


def clean_context():
    import time
    return {"os": os, "bb": bb, "time": time}


_context = clean_context()


def get_context():
    return _context


def set_context(ctx):
    global _context
    _context = ctx


# ---- versions ------------------------------------------------------------------------------


class VersionStringException(Exception):
    """A version or dependency string could not be understood."""


def explode_version(s):
    """Split a version into typed pieces: (0, number), (1, letters), (-1, '~'), (2, other char)."""
    pieces = []
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch in "0123456789":
            j = i
            while j < n and s[j].isdecimal():
                j += 1
            pieces.append((0, int(s[i:j])))
            i = j
        elif ("a" <= ch <= "z") or ("A" <= ch <= "Z"):
            j = i
            while j < n and (("a" <= s[j] <= "z") or ("A" <= s[j] <= "Z")):
                j += 1
            pieces.append((1, s[i:j]))
            i = j
        else:
            pieces.append((-1 if ch == "~" else 2, ch))
            i += 1
    return pieces


def split_version(s):
    """"E:V-R" into (epoch as int, version, revision); epoch 0 and revision "" when absent."""
    s = s.strip(" <>=")
    epoch = 0
    if ":" in s:
        epoch = int(s.split(":")[0])
        s = s.split(":")[1]
    revision = ""
    if "-" in s:
        s, revision = s.rsplit("-", 1)
    return (epoch, s, revision)


def vercmp_part(a, b):
    left, right = explode_version(a), explode_version(b)
    while True:
        oa, ca = left.pop(0) if left else (0, None)
        ob, cb = right.pop(0) if right else (0, None)
        if (oa, ca) == (0, None) and (ob, cb) == (0, None):
            return 0
        if oa != ob:
            return -1 if oa < ob else 1
        if ca is None:
            return -1
        if cb is None:
            return 1
        if ca != cb:
            return -1 if ca < cb else 1


def vercmp(ta, tb):
    """Compare (epoch, version, revision) triples: <0, 0 or >0."""
    result = int(ta[0] or 0) - int(tb[0] or 0)
    if result == 0:
        result = vercmp_part(ta[1], tb[1])
    if result == 0:
        result = vercmp_part(ta[2], tb[2])
    return result


def vercmp_string(a, b):
    return vercmp(split_version(a), split_version(b))


_OPS = {
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
    test = _OPS.get(op)
    if test is None:
        raise VersionStringException('Unsupported comparison operator "%s"' % op)
    return test(vercmp_string(a, b))


def is_semver(version):
    """Whether version follows Semantic Versioning 2.0.0."""
    ident = r"(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
    pattern = (
        r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
        r"(?:-(" + ident + r"(?:\." + ident + r")*))?"
        r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
    )
    return re.match(pattern, version) is not None


# ---- dependency strings --------------------------------------------------------------------


def explode_deps(s):
    """Names from "a (>= 1) b c (= 2)", version constraints dropped."""
    names = []
    in_version = False
    for word in s.split():
        if word[0] == "(":
            in_version = True
        if not in_version:
            names.append(word)
        if in_version and word.endswith(")"):
            in_version = False
    return names


_TWO_CHAR_OPS = ("<=", "=<", "<<", "==", "!=", ">=", "=>", ">>")


def explode_dep_versions2(s, *, sort=True):
    """Dependency string into {name: ["op version", ...]} (sorted by name unless sort=False).
    A version spread over several words yields one constraint per word, as in BitBake."""
    result = {}
    name = None
    op = ""
    version = ""
    expecting_op = False
    in_version = False
    for word in s.replace(",", "").split():
        if word[0] == "(":
            expecting_op = True
            word = word[1:].strip()
            if not word:
                continue
        if expecting_op:
            expecting_op = False
            in_version = True
            if word.startswith(_TWO_CHAR_OPS):
                op, word = word[:2], word[2:]
            elif word.startswith(("<", ">", "=")):
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
        return dict(sorted(result.items(), key=lambda item: item[0]))
    return result


def explode_dep_versions(s):
    """Like explode_dep_versions2 but one constraint (or None) per name."""
    deps = explode_dep_versions2(s)
    for name, versions in deps.items():
        if not versions:
            deps[name] = None
            continue
        if len(versions) > 1:
            bb.warn("explode_dep_versions(): Item %s appeared in dependency string '%s' multiple times "
                    "with different values.  explode_dep_versions cannot cope with this." % (name, s))
        deps[name] = versions[0]
    return deps


def join_deps(deps, commasep=True):
    """The inverse of explode_dep_versions(2): "a (>= 1), b"."""
    items = []
    for name, versions in deps.items():
        if not versions:
            items.append(name)
        elif isinstance(versions, list):
            items.extend("%s (%s)" % (name, v) for v in versions)
        else:
            items.append("%s (%s)" % (name, versions))
    return (", " if commasep else " ").join(items)


# ---- word sets in variables ----------------------------------------------------------------


def _as_set(values):
    return set(values.split()) if isinstance(values, str) else set(values)


def contains(variable, checkvalues, truevalue, falsevalue, d):
    """truevalue if every word of checkvalues is in the variable's value, else falsevalue."""
    value = d.getVar(variable)
    if not value:
        return falsevalue
    return truevalue if _as_set(checkvalues).issubset(value.split()) else falsevalue


def contains_any(variable, checkvalues, truevalue, falsevalue, d):
    """truevalue if any word of checkvalues is in the variable's value, else falsevalue."""
    value = d.getVar(variable)
    if not value:
        return falsevalue
    return truevalue if _as_set(checkvalues) & set(value.split()) else falsevalue


def filter_string(val, checkvalues):
    """The words of val that are in checkvalues, sorted, space-separated."""
    if not val:
        return ""
    return " ".join(sorted(_as_set(checkvalues) & set(val.split())))


def filter(variable, checkvalues, d):
    return filter_string(d.getVar(variable), checkvalues)


def to_boolean(string, default=None):
    """True for y/yes/1/true, False for n/no/0/false (any case); default for empty values."""
    if not string:
        return default
    if isinstance(string, int):
        return string != 0
    lowered = string.lower()
    if lowered in ("y", "yes", "1", "true"):
        return True
    if lowered in ("n", "no", "0", "false"):
        return False
    raise ValueError("Invalid value for to_boolean: %s" % string)


def get_referenced_vars(start_expr, d):
    """Variables referenced by an expression, breadth first, nearest references first."""
    seen = set()
    ordered = []
    level = [start_expr]
    while level:
        found = set()
        for expr in level:
            if expr is None:
                continue
            parsed = d.expandWithRefs(expr, None)
            found |= parsed.references
        new = found - seen
        ordered.extend(sorted(new))
        seen |= new
        level = [d.getVar(v, False) for v in sorted(new)]
    return ordered


# ---- environment ---------------------------------------------------------------------------


def preserved_envvars_exported():
    return ["BB_TASKHASH", "HOME", "LOGNAME", "PATH", "PWD", "SHELL", "USER", "LC_ALL", "BBSERVER"]


def preserved_envvars():
    return ["BBPATH", "BB_PRESERVE_ENV", "BB_ENV_PASSTHROUGH_ADDITIONS"] + preserved_envvars_exported()


def approved_variables():
    if "BB_PRESERVE_ENV" in os.environ:
        return list(os.environ.keys())
    if "BB_ENV_PASSTHROUGH" in os.environ:
        approved = os.environ["BB_ENV_PASSTHROUGH"].split() + ["BB_ENV_PASSTHROUGH"]
    else:
        approved = preserved_envvars()
    if "BB_ENV_PASSTHROUGH_ADDITIONS" in os.environ:
        approved.extend(os.environ["BB_ENV_PASSTHROUGH_ADDITIONS"].split())
        if "BB_ENV_PASSTHROUGH_ADDITIONS" not in approved:
            approved.append("BB_ENV_PASSTHROUGH_ADDITIONS")
    return approved


def cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# ---- files ---------------------------------------------------------------------------------


def which(path, item, direction=0, history=False, executable=False):
    """First "dir/item" along a colon-separated path that exists (or is executable).
    With history=True returns (found or "", every candidate tried)."""
    if executable:
        def usable(p):
            return os.path.isfile(p) and os.access(p, os.X_OK)
    else:
        usable = os.path.exists
    tried = []
    dirs = (path or "").split(":")
    if direction != 0:
        dirs.reverse()
    for directory in dirs:
        candidate = os.path.join(directory, item)
        tried.append(candidate)
        if usable(candidate):
            if not os.path.isabs(candidate):
                candidate = os.path.abspath(candidate)
            return (candidate, tried) if history else candidate
    return ("", tried) if history else ""


def mkdirhier(directory):
    """Create a directory and its parents; an existing directory is fine."""
    if "${" in str(directory):
        bb.fatal("Directory name {} contains unexpanded bitbake variable. This may cause build failures "
                 "and WORKDIR polution.".format(directory))
    try:
        os.makedirs(directory)
    except OSError as e:
        if e.errno != errno.EEXIST or not os.path.isdir(directory):
            raise


def _refuse_unsafe_delete(path):
    if os.path.abspath(path) in ("/", os.path.expanduser("~")):
        raise Exception("Refusing to recursively delete %s" % path)


def remove(path, recurse=False, ionice=False):
    """Remove files matching a glob pattern; directories too when recurse is set."""
    import glob
    if not path:
        return
    for name in glob.glob(path):
        if recurse and os.path.isdir(name) and not os.path.islink(name):
            _refuse_unsafe_delete(name)
            shutil.rmtree(name)
            continue
        try:
            os.unlink(name)
        except OSError as e:
            if e.errno == errno.EISDIR and recurse:
                shutil.rmtree(name)
            elif e.errno != errno.ENOENT:
                raise


def prunedir(topdir, ionice=False):
    """Remove a directory tree (refusing / and the home directory)."""
    _refuse_unsafe_delete(topdir)
    remove(topdir, recurse=True, ionice=ionice)


def prune_suffix(var, suffixes, d):
    for suffix in suffixes:
        if suffix and var.endswith(suffix):
            return var[:-len(suffix)]
    return var


def movefile(src, dest, newmtime=None, sstat=None):
    """Move a file (across filesystems too), keeping symlinks as links. Returns the new mtime."""
    if sstat is None:
        sstat = os.lstat(src)
    if os.path.isdir(dest) and not os.path.islink(dest):
        dest = os.path.join(dest, os.path.basename(src))
    if stat.S_ISLNK(sstat.st_mode):
        target = os.readlink(src)
        if os.path.lexists(dest):
            os.unlink(dest)
        os.symlink(target, dest)
        os.unlink(src)
        return os.lstat(dest).st_mtime
    shutil.move(src, dest)
    if newmtime is not None:
        os.utime(dest, (newmtime, newmtime))
        return newmtime
    return os.lstat(dest).st_mtime


def copyfile(src, dest, newmtime=None, sstat=None):
    """Copy a file keeping its mode and times; symlinks are copied as links."""
    if sstat is None:
        sstat = os.lstat(src)
    if os.path.isdir(dest) and not os.path.islink(dest):
        dest = os.path.join(dest, os.path.basename(src))
    if stat.S_ISLNK(sstat.st_mode):
        if os.path.lexists(dest):
            os.unlink(dest)
        os.symlink(os.readlink(src), dest)
        return os.lstat(dest).st_mtime
    shutil.copy2(src, dest)
    if newmtime is not None:
        os.utime(dest, (newmtime, newmtime))
        return newmtime
    return os.lstat(dest).st_mtime


def rename(src, dst):
    os.rename(src, dst)


def to_filemode(value):
    """A file mode given as an octal string (or already a number)."""
    if isinstance(value, int):
        return value
    return int(value, 8)


@contextlib.contextmanager
def umask(new_mask):
    old = os.umask(new_mask)
    try:
        yield
    finally:
        os.umask(old)


def path_is_descendant(descendant, ancestor):
    """Whether descendant is ancestor or lies below it (compared by inode, not by spelling)."""
    target = os.stat(ancestor)
    current = os.path.abspath(descendant)
    while True:
        if os.path.samestat(os.stat(current), target):
            return True
        parent = os.path.dirname(current)
        if parent == current:
            return False
        current = parent


def _hash_file(algorithm, filename):
    h = hashlib.new(algorithm)
    with open(filename, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def md5_file(filename):
    return _hash_file("md5", filename)


def sha1_file(filename):
    return _hash_file("sha1", filename)


def sha256_file(filename):
    return _hash_file("sha256", filename)


def sha384_file(filename):
    return _hash_file("sha384", filename)


def sha512_file(filename):
    return _hash_file("sha512", filename)


def lockfile(name, shared=False, retry=True, block=False):
    """Take a lock file (fcntl). Returns a file object to pass to unlockfile(), or None if
    retry is False and the lock is held elsewhere."""
    import fcntl
    dirname = os.path.dirname(name)
    if dirname:
        mkdirhier(dirname)
    if not os.access(dirname or ".", os.W_OK):
        bb.fatal("Unable to write to directory %s when taking lock %s" % (dirname, name))
    op = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    if not retry and not block:
        op |= fcntl.LOCK_NB
    while True:
        f = open(name, "a+")
        try:
            fcntl.flock(f.fileno(), op)
        except OSError:
            f.close()
            if not retry:
                return None
            continue
        # The file may have been removed and recreated while we waited for it.
        try:
            if os.path.samestat(os.fstat(f.fileno()), os.stat(name)):
                return f
        except OSError:
            pass
        f.close()


def unlockfile(lf):
    import fcntl
    try:
        # Remove the file only if nobody else holds it.
        fcntl.flock(lf.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.unlink(lf.name)
    except (OSError, IOError):
        pass
    fcntl.flock(lf.fileno(), fcntl.LOCK_UN)
    lf.close()
