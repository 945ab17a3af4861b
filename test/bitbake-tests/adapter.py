"""Runs test modules of a BitBake checkout (lib/bb/tests/<name>.py) inside kiln's Python.

The test files are loaded from the checkout by path; every `bb` they import is kiln's (the
checkout's lib/ is never put on sys.path, and run() fails if any other file of the checkout
was imported). What the tests need of BitBake that metadata never uses is supplied here:

- bb.siggen.init(d): BitBake's cooker makes the signature generator; parse tests assign one
  to bb.parse.siggen. kiln computes signatures itself and never reads it: a "noop" generator.
- BitBake's UI shows messages logged to the "BitBake" logger, and tests look for them there;
  kiln sends them to its host instead, so the runner forwards them back with log().
- A parse test runs `bitbake -e TARGET`: bin/bitbake, first on PATH, runs `kiln env TARGET`.
"""

import importlib.util
import json
import logging
import os
import sys
import traceback
import unittest

import bb
import bb.siggen

_LEVELS = {"debug": logging.DEBUG, "note": logging.INFO, "plain": logging.INFO,
           "verbnote": logging.INFO, "warn": logging.WARNING, "error": logging.ERROR,
           "fatal": logging.CRITICAL}


def log(level, message):
    """kiln's log messages, as BitBake logs them (the "BitBake" logger)."""
    logging.getLogger("BitBake").log(_LEVELS.get(level, logging.INFO), message)


def _supply():
    if not hasattr(bb.siggen, "init"):
        bb.siggen.init = lambda d: bb.siggen.SignatureGenerator(d)
    stand_ins = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin")
    os.environ["PATH"] = stand_ins + os.pathsep + os.environ.get("PATH", "")


class _Record(unittest.TestResult):
    """Every test's outcome: pass, fail, error, skip (expected failures count as passes)."""

    def __init__(self):
        super().__init__()
        self.outcomes = {}

    def _put(self, test, outcome, detail=""):
        self.outcomes[test.id()] = {"outcome": outcome, "detail": detail}

    def addSuccess(self, test):
        self._put(test, "pass")

    def addFailure(self, test, err):
        self._put(test, "fail", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        # An error in setUpClass and the like is reported with a placeholder "test".
        self._put(test, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        self._put(test, "skip", reason)

    def addExpectedFailure(self, test, err):
        self._put(test, "pass")

    def addUnexpectedSuccess(self, test):
        self._put(test, "fail", "unexpected success")

    def addSubTest(self, test, subtest, err):
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self._put(test, "fail" if failed else "error", self._exc_info_to_string(err, test))


def _load(checkout, name):
    path = os.path.join(checkout, "lib", "bb", "tests", name + ".py")
    spec = importlib.util.spec_from_file_location("bb.tests." + name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _checkout_code_imported(checkout, loaded):
    """Files of the checkout imported as modules, other than the test modules themselves."""
    lib = os.path.realpath(os.path.join(checkout, "lib")) + os.sep
    found = []
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and os.path.realpath(path).startswith(lib) and module not in loaded:
            found.append(path)
    return sorted(found)


def run(checkout, names):
    """Run the named test modules; their outcomes as JSON {test id: {outcome, detail}}."""
    _supply()
    record = _Record()
    loaded = []
    here = os.getcwd()
    for name in json.loads(names):
        try:
            module = _load(checkout, name)
        except Exception:  # noqa: BLE001 - a module that does not load is one failed "test"
            record.outcomes["bb.tests.%s" % name] = {"outcome": "error", "detail": traceback.format_exc()}
            continue
        loaded.append(module)
        unittest.defaultTestLoader.loadTestsFromModule(module).run(record)
        os.chdir(here)
    intruders = _checkout_code_imported(checkout, loaded)
    if intruders:
        raise RuntimeError("BitBake's own code was imported: %s" % ", ".join(intruders))
    return json.dumps(record.outcomes)
