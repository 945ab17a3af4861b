"""Shared by the bb tests: kiln's bb on sys.path, a small datastore, and the BitBake oracle.

Differential tests send the same job (see _jobs.py) to kiln's bb, in this process, and to
BitBake's, in a subprocess, and compare the answers. Without a BitBake checkout they are
skipped (reported as skipped, never as passed). Set KILN_BITBAKE to use another checkout.
"""

import atexit
import contextlib
import json
import os
import re
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LIB = os.path.join(ROOT, "src", "python", "lib")
if LIB not in sys.path:
    sys.path.insert(0, LIB)

import bb  # noqa: E402  (kiln's)
import bb.utils  # noqa: E402

from . import _jobs  # noqa: E402

BITBAKE = os.environ.get("KILN_BITBAKE", "/opt/ref/bitbake")


# ---- a dict-backed datastore ------------------------------------------------------------

_VARREF = re.compile(r"\$\{[a-zA-Z0-9\-_+./~:]+?\}")


class FakeData:
    """Enough of BitBake's DataSmart for these tests: values and flags, ${VAR} expansion (no
    inline Python), getVar returning the stored object as BitBake does."""

    def __init__(self):
        self.dict = {}

    # values
    def setVar(self, var, value, **loginfo):
        self.dict.setdefault(var, {})["_content"] = value

    def getVar(self, var, expand=True, noweakdefault=False, parsing=False):
        return self.getVarFlag(var, "_content", expand)

    def delVar(self, var, **loginfo):
        self.dict.pop(var, None)

    def appendVar(self, var, value, **loginfo):
        self.setVar(var, (self.getVar(var, False) or "") + value)

    def prependVar(self, var, value, **loginfo):
        self.setVar(var, value + (self.getVar(var, False) or ""))

    def initVar(self, var):
        self.dict.setdefault(var, {})

    def keys(self):
        # Like DataSmart: a name known only through initVar() (no value, no flags) is not listed.
        return [name for name, entry in self.dict.items() if entry]

    # flags
    def setVarFlag(self, var, flag, value, **loginfo):
        self.dict.setdefault(var, {})[flag] = value

    def getVarFlag(self, var, flag, expand=True, noweakdefault=False, parsing=False):
        value = self.dict.get(var, {}).get(flag)
        if expand and isinstance(value, str):
            value = self.expand(value)
        return value

    def delVarFlag(self, var, flag, **loginfo):
        self.dict.get(var, {}).pop(flag, None)

    def getVarFlags(self, var, expand=False, internalflags=False):
        flags = {k: v for k, v in self.dict.get(var, {}).items()
                 if internalflags or not k.startswith(("_", ":"))}
        return flags or None

    # expansion
    def expand(self, s, varname=None):
        if not isinstance(s, str):
            return s
        while True:
            new = _VARREF.sub(self._expand_ref, s)
            if new == s:
                return s
            s = new

    def _expand_ref(self, match):
        value = self.getVar(match.group(0)[2:-1], False)
        return match.group(0) if value is None else str(value)

    def createCopy(self):
        copy = FakeData()
        copy.dict = {k: dict(v) for k, v in self.dict.items()}
        return copy


# ---- kiln's side ------------------------------------------------------------------------


@contextlib.contextmanager
def capture_kiln_logs(sink):
    bb._set_log_handler(lambda level, message: sink.append([level, message]))
    try:
        yield
    finally:
        bb._set_log_handler(None)


def run_kiln(job):
    # Round-trip through JSON so both sides' answers have exactly the same form.
    return json.loads(json.dumps(_jobs.run_job(bb, FakeData, capture_kiln_logs, json.loads(json.dumps(job)))))


# ---- BitBake's side ---------------------------------------------------------------------


class _Oracle:
    """A long-lived subprocess running BitBake's functions (see _oracle.py)."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "_oracle.py"), BITBAKE],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        atexit.register(self.close)

    def ask(self, request):
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the BitBake oracle stopped")
        return json.loads(line)

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait()
        self.proc.stdout.close()


_oracle = None


def oracle():
    """The shared oracle, or SkipTest when there is no BitBake checkout."""
    global _oracle
    if not os.path.isfile(os.path.join(BITBAKE, "lib", "bb", "utils.py")):
        raise unittest.SkipTest("no BitBake checkout at %s (set KILN_BITBAKE)" % BITBAKE)
    if _oracle is None:
        _oracle = _Oracle()
    return _oracle


def run_bitbake(job):
    return oracle().ask(job)


class DifferentialCase(unittest.TestCase):
    """A test case whose every test compares kiln's bb with BitBake's."""

    # Levels of logged messages compared by default (debug output is not).
    LOG_LEVELS = ("warn", "error", "fatal")

    @classmethod
    def setUpClass(cls):
        oracle()  # skips the whole class when BitBake is absent

    def same(self, job, compare_logs=True, msg=None):
        """Run job on both sides; assert identical answers; return kiln's."""
        mine = run_kiln(job)
        theirs = run_bitbake(job)
        for answer in (mine, theirs):
            for entry in answer["ops"]:
                if compare_logs:
                    entry["logs"] = [m for m in entry["logs"] if m[0] in self.LOG_LEVELS]
                else:
                    del entry["logs"]
        self.assertEqual(mine, theirs, msg or json.dumps(job)[:2000])
        return mine

    def same_calls(self, call, arg_lists, compare_logs=True):
        """Compare call(*args) for many argument lists, in one round trip."""
        job = {"ops": [{"call": call, "args": list(args)} for args in arg_lists]}
        mine = run_kiln(job)
        theirs = run_bitbake(job)
        for args, a, b in zip(arg_lists, mine["ops"], theirs["ops"]):
            for entry in (a, b):
                if compare_logs:
                    entry["logs"] = [m for m in entry["logs"] if m[0] in self.LOG_LEVELS]
                else:
                    del entry["logs"]
            self.assertEqual(a, b, "%s%r" % (call, tuple(args)))


def op(call, *args, **kwargs):
    """An op for a job."""
    entry = {"call": call, "args": list(args)}
    if kwargs:
        entry["kwargs"] = kwargs
    return entry
