"""bb.utils: the helpers BitBake metadata and classes call, written for kiln.

The work is done in small private modules (one job each); this module gathers their functions
under BitBake's names and holds the global context metadata Python runs in. Behaviour, corner
cases included, is BitBake's; what BitBake does with its server, cooker or subprocesses is left
out (see the list at the end of this file).

better_compile/better_exec/better_eval belong to kiln's runtime (kiln_runtime), not here.
"""

import os
import time

import bb
from bb._deps import explode_dep_versions, explode_dep_versions2, explode_deps, join_deps
from bb._environ import (
    approved_variables,
    build_environment,
    clean_environment,
    cpu_count,
    empty_environment,
    environment,
    filter_environment,
    is_local_uid,
    preserved_envvars,
    preserved_envvars_exported,
)
from bb._files import (
    break_hardlinks,
    copyfile,
    mkdirhier,
    mkstemp,
    movefile,
    path_is_descendant,
    prune_suffix,
    prunedir,
    remove,
    rename,
    to_filemode,
    umask,
    which,
)
from bb._hashes import goh1_file, md5_file, sha1_file, sha256_file, sha384_file, sha512_file
from bb._layers import get_collection_res, get_file_layer
from bb._locks import fileslocked, lockfile, nonblockingfd, unlockfile
from bb._version import (
    VersionStringException,
    explode_version,
    is_semver,
    split_version,
    vercmp,
    vercmp_part,
    vercmp_string,
    vercmp_string_op,
)
from bb._words import contains, contains_any, filter, filter_string, to_boolean  # noqa: A004

# ---- the global names metadata Python sees -------------------------------------------------


def clean_context():
    """A fresh context holding only the modules every piece of metadata Python may use."""
    return {"os": os, "bb": bb, "time": time}


# One dict for the whole process: kiln's runtime adds the metadata's `def` functions to it and
# runs inline Python, anonymous functions and tasks with it as their globals.
_context = clean_context()


def get_context():
    return _context


def set_context(ctx):
    # Deliberately does nothing. BitBake's set_context() binds a local name and so has no
    # effect; kiln keeps that, which also keeps the runtime's reference to _context valid.
    pass


def exec_flat_python_func(func, *args, **kwargs):
    """Call the metadata function named func (a `def` in the context) and return its result.
    Positional arguments reach it as arg_1, arg_2, ... and keywords by name, all as locals."""
    local = {}
    names = []
    for index, value in enumerate(args, 1):
        local["arg_%s" % index] = value
        names.append("arg_%s" % index)
    local.update(kwargs)
    names.extend("%s=%s" % (key, key) for key in kwargs)
    code = "retval = %s(%s)" % (func, ", ".join(names))
    # The runtime may install better_compile/better_exec (BitBake's error-reporting wrappers);
    # without them this is the plain exec they wrap: context as globals, `local` as locals.
    compile_fn = globals().get("better_compile")
    exec_fn = globals().get("better_exec")
    if compile_fn is not None and exec_fn is not None:
        exec_fn(compile_fn(code, "<string>", "<string>"), local, code, "<string>")
    else:
        exec(compile(code, "<string>", "exec"), get_context(), local)
    return local["retval"]


# Not provided (they need BitBake's server, cooker, code parser, ctypes or process control):
# better_compile, better_exec, better_eval, simple_exec (kiln's runtime); get_referenced_vars
# (an empty datastore and the code parser); edit_metadata, edit_metadata_file,
# edit_bblayers_conf (layer tooling, not metadata); export_proxies (bb.fetch2);
# check_system_locale, profile_function, process_profilelog, signal_on_parent_exit, ioprio_set,
# set_process_name, enable_loopback_networking, disable_network, load_plugins, LogCatcher,
# lock_timeout, lock_timeout_nocheck, is_path_on_nfs (process and server machinery).

__all__ = [
    "VersionStringException", "approved_variables", "break_hardlinks", "build_environment",
    "clean_context", "clean_environment", "contains", "contains_any", "copyfile", "cpu_count",
    "empty_environment", "environment", "exec_flat_python_func", "explode_dep_versions",
    "explode_dep_versions2", "explode_deps", "explode_version", "fileslocked", "filter",
    "filter_environment", "filter_string", "get_collection_res", "get_context", "get_file_layer",
    "goh1_file", "is_local_uid", "is_semver", "join_deps", "lockfile", "md5_file", "mkdirhier",
    "mkstemp", "movefile", "nonblockingfd", "path_is_descendant", "preserved_envvars",
    "preserved_envvars_exported", "prune_suffix", "prunedir", "remove", "rename", "set_context",
    "sha1_file", "sha256_file", "sha384_file", "sha512_file", "split_version", "to_boolean",
    "to_filemode", "umask", "unlockfile", "vercmp", "vercmp_part", "vercmp_string",
    "vercmp_string_op", "which",
]
