"""The process environment: which variables survive, exporting variables, temporary changes."""

import contextlib
import os

import bb


def preserved_envvars_exported():
    """Variables taken from the environment and exported again to tasks."""
    return ["BB_TASKHASH", "HOME", "LOGNAME", "PATH", "PWD", "SHELL", "USER", "LC_ALL", "BBSERVER"]


def preserved_envvars():
    """Variables taken from the environment into the metadata."""
    return ["BBPATH", "BB_PRESERVE_ENV", "BB_ENV_PASSTHROUGH_ADDITIONS"] + preserved_envvars_exported()


def approved_variables():
    """Names allowed to stay in the environment: everything under BB_PRESERVE_ENV (as a keys
    view), else BB_ENV_PASSTHROUGH (plus itself) or the preserved list, plus the words of
    BB_ENV_PASSTHROUGH_ADDITIONS (plus itself)."""
    if "BB_PRESERVE_ENV" in os.environ:
        return os.environ.keys()
    if "BB_ENV_PASSTHROUGH" in os.environ:
        approved = os.environ["BB_ENV_PASSTHROUGH"].split() + ["BB_ENV_PASSTHROUGH"]
    else:
        approved = preserved_envvars()
    if "BB_ENV_PASSTHROUGH_ADDITIONS" in os.environ:
        approved.extend(os.environ["BB_ENV_PASSTHROUGH_ADDITIONS"].split())
        if "BB_ENV_PASSTHROUGH_ADDITIONS" not in approved:
            approved.append("BB_ENV_PASSTHROUGH_ADDITIONS")
    return approved


def filter_environment(good_vars):
    """Drop every environment variable not in good_vars and set LC_ALL=en_US.UTF-8 (child
    Pythons need a UTF-8 locale). Returns {name: value} of what was dropped."""
    removed = {}
    for key in list(os.environ):
        if key in good_vars:
            continue
        removed[key] = os.environ[key]
        del os.environ[key]
    os.environ["LC_ALL"] = "en_US.UTF-8"
    if removed:
        bb.debug(1, "Removed the following variables from the environment: %s" % ", ".join(removed))
    return removed


def clean_environment():
    """filter_environment(approved_variables()) unless BB_PRESERVE_ENV is set (then {})."""
    if "BB_PRESERVE_ENV" in os.environ:
        return {}
    return filter_environment(approved_variables())


def empty_environment():
    """Remove every variable from the environment."""
    for key in list(os.environ):
        os.unsetenv(key)
        del os.environ[key]


def build_environment(d):
    """Put every variable with a true [export] flag into os.environ (its value, or "")."""
    for var in bb.data.keys(d):
        if d.getVarFlag(var, "export", False):
            os.environ[var] = d.getVar(var) or ""


@contextlib.contextmanager
def environment(**envvars):
    """Set the given environment variables for the with-block, then restore each of them
    (deleting those that did not exist before)."""
    before = dict(os.environ)
    try:
        os.environ.update(envvars)
        yield
    finally:
        for var in envvars:
            if var in before:
                os.environ[var] = before[var]
            elif var in os.environ:
                del os.environ[var]


def is_local_uid(uid=""):
    """Whether uid (default: ours) has an entry in /etc/passwd (not NSS: local users only)."""
    if not uid:
        uid = os.getuid()
    with open("/etc/passwd", "r") as f:
        for line in f:
            fields = line.split(":")
            if len(fields) >= 3 and fields[2] == str(uid):
                return True
    return False


def cpu_count():
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        # No affinity call here (e.g. under Pyodide): count all CPUs.
        return os.cpu_count() or 1
