"""Make the host machine visible to metadata Python inside Pyodide.

Pyodide presents a WebAssembly machine ("emscripten", "wasm32", uid 0, pid 42, one CPU).
OpenEmbedded derives the build system's identity from these (BUILD_ARCH from os.uname(),
parallelism from os.sched_getaffinity(), host user ids, ...), so kiln replaces them with the
real host's values, which the JavaScript side reports.
"""

import os
import sys


def _passwd_entries(path, width):
    entries = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split(":")
                if len(parts) >= width and not line.startswith("#"):
                    entries.append(parts)
    except OSError:
        pass
    return entries


def install(host):
    """host: dict with sysname, nodename, release, version, machine, cpus, uid, gid, pid,
    ppid, login, python (the host's python3, for sys.executable)."""
    uname = os.uname_result((host["sysname"], host["nodename"], host["release"], host["version"],
                             host["machine"]))
    os.uname = lambda: uname
    cpus = int(host["cpus"])
    os.sched_getaffinity = lambda pid: set(range(cpus))
    os.cpu_count = lambda: cpus
    os.getuid = os.geteuid = lambda: int(host["uid"])
    os.getgid = os.getegid = lambda: int(host["gid"])
    os.getpid = lambda: int(host["pid"])
    os.getppid = lambda: int(host["ppid"])
    os.getlogin = lambda: host["login"]
    if host.get("python"):
        sys.executable = host["python"]
    _install_user_database()


class _Record(tuple):
    """A tuple with named fields, like the records pwd and grp return."""

    _fields = ()

    def __new__(cls, values):
        return tuple.__new__(cls, values)

    def __getattr__(self, name):
        try:
            return self[self._fields.index(name)]
        except ValueError:
            raise AttributeError(name) from None


class struct_passwd(_Record):
    _fields = ("pw_name", "pw_passwd", "pw_uid", "pw_gid", "pw_gecos", "pw_dir", "pw_shell")


class struct_group(_Record):
    _fields = ("gr_name", "gr_passwd", "gr_gid", "gr_mem")


def _module(name):
    """The standard module, or (where Pyodide left it out) a new empty one registered in its place."""
    import importlib
    import types
    try:
        return importlib.import_module(name)
    except ImportError:
        mod = types.ModuleType(name)
        sys.modules[name] = mod
        return mod


def _install_user_database():
    """pwd and grp answered from the host's /etc/passwd and /etc/group."""
    pwd = _module("pwd")
    grp = _module("grp")

    def pw(parts):
        return struct_passwd((parts[0], parts[1], int(parts[2]), int(parts[3]), parts[4], parts[5], parts[6]))

    def gr(parts):
        return struct_group((parts[0], parts[1], int(parts[2]), [m for m in parts[3].split(",") if m]))

    def find(path, width, field, value, conv, what):
        for parts in _passwd_entries(path, width):
            if (int(parts[field]) if isinstance(value, int) else parts[field]) == value:
                return conv(parts)
        raise KeyError("%s not found: %r" % (what, value))

    pwd.struct_passwd = struct_passwd
    pwd.getpwuid = lambda uid: find("/etc/passwd", 7, 2, uid, pw, "getpwuid(): uid")
    pwd.getpwnam = lambda name: find("/etc/passwd", 7, 0, name, pw, "getpwnam(): name")
    pwd.getpwall = lambda: [pw(p) for p in _passwd_entries("/etc/passwd", 7)]
    grp.struct_group = struct_group
    grp.getgrgid = lambda gid: find("/etc/group", 4, 2, gid, gr, "getgrgid(): gid")
    grp.getgrnam = lambda name: find("/etc/group", 4, 0, name, gr, "getgrnam(): name")
    grp.getgrall = lambda: [gr(p) for p in _passwd_entries("/etc/group", 4)]
