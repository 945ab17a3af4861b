"""Lock files, the environment helpers, layers, the metadata context, exec_flat_python_func."""

import os
import shutil
import sys
import tempfile
import unittest

from ._support import DifferentialCase, FakeData, bb, op


# Pyodide's flock() locks nothing, so exclusion can only be checked on a real OS.
REAL_FLOCK = sys.platform != "emscripten"


class LockFacts(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kiln-bbtest-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    @unittest.skipUnless(REAL_FLOCK, "flock does not lock under Pyodide")
    def test_lock_is_exclusive_and_removed_on_unlock(self):
        name = os.path.join(self.tmp, "sub", "x.lock")
        lf = bb.utils.lockfile(name)
        self.assertTrue(os.path.exists(name))  # its directory was created
        # flock locks belong to open files, so a second open in this process conflicts.
        self.assertIsNone(bb.utils.lockfile(name, retry=False))
        self.assertIsNone(bb.utils.lockfile(name, shared=True, retry=False))
        bb.utils.unlockfile(lf)
        self.assertFalse(os.path.exists(name))

    @unittest.skipUnless(REAL_FLOCK, "flock does not lock under Pyodide")
    def test_shared_locks_coexist(self):
        name = os.path.join(self.tmp, "s.lock")
        a = bb.utils.lockfile(name, shared=True)
        b = bb.utils.lockfile(name, shared=True, retry=False)
        self.assertIsNotNone(b)
        self.assertIsNone(bb.utils.lockfile(name, retry=False))
        bb.utils.unlockfile(b)  # cannot upgrade while a holds it: the file stays
        self.assertTrue(os.path.exists(name))
        bb.utils.unlockfile(a)
        self.assertFalse(os.path.exists(name))

    def test_long_name_is_shortened_keeping_extension(self):
        name = os.path.join(self.tmp, "n" * 300 + ".lock")
        lf = bb.utils.lockfile(name)
        self.assertEqual(os.path.basename(lf.name), "n" * 250 + ".lock")
        bb.utils.unlockfile(lf)

    def test_fileslocked(self):
        names = [os.path.join(self.tmp, n) for n in ("1.lock", "2.lock")]
        with bb.utils.fileslocked(names):
            self.assertTrue(all(os.path.exists(n) for n in names))
            if REAL_FLOCK:
                self.assertIsNone(bb.utils.lockfile(names[0], retry=False))
        self.assertFalse(any(os.path.exists(n) for n in names))
        with bb.utils.fileslocked(None):
            pass

    def test_unwritable_directory_exits(self):
        from unittest import mock
        seen = []
        bb._set_log_handler(lambda level, message: seen.append((level, message)))
        try:
            with mock.patch("os.access", return_value=False), self.assertRaises(SystemExit) as cm:
                bb.utils.lockfile(os.path.join(self.tmp, "x.lock"))
        finally:
            bb._set_log_handler(None)
        self.assertEqual(cm.exception.code, 1)
        self.assertEqual(seen, [("error", "Unable to acquire lock '%s/x.lock', directory is not writable"
                                 % self.tmp)])


class EnvironmentOracle(DifferentialCase):

    def test_approved_variables(self):
        for env in ({}, {"BB_ENV_PASSTHROUGH": "A B"}, {"BB_ENV_PASSTHROUGH_ADDITIONS": "X Y"},
                    {"BB_ENV_PASSTHROUGH": "A BB_ENV_PASSTHROUGH_ADDITIONS",
                     "BB_ENV_PASSTHROUGH_ADDITIONS": "Z"}):
            env = dict(env, BB_PRESERVE_ENV=None)
            for name in ("BB_ENV_PASSTHROUGH", "BB_ENV_PASSTHROUGH_ADDITIONS"):
                env.setdefault(name, None)
            self.same({"env": env, "ops": [op("bb.utils.approved_variables"),
                                           op("bb.utils.preserved_envvars"),
                                           op("bb.utils.preserved_envvars_exported")]})

    def test_layers(self):
        vars = {"BBFILE_COLLECTIONS": "core kiln nested empty",
                "BBFILE_PATTERN_core": "^/layers/meta/", "BBFILE_PATTERN_kiln": "^/layers/meta-kiln/",
                "BBFILE_PATTERN_nested": "^/layers/meta-kiln/sub/", "BBFILE_PATTERN_empty": "",
                "BBFILES_PRIORITIZED": "/layers/meta-kiln/recipes-*/*/*.bb /layers/meta/recipes-*/*/*.bb"}
        files = ["/layers/meta/recipes-core/a/a_1.0.bb", "/layers/meta-kiln/recipes-x/b/b.bb",
                 "/layers/meta-kiln/sub/classes/x.bbclass", "/layers/meta/classes/base.bbclass",
                 "/elsewhere/x.bb", "layers/meta/x"]
        ops = [op("bb.utils.get_collection_res", "$d")]
        ops += [op("bb.utils.get_file_layer", f, "$d") for f in files]
        ops += [op("bb.utils.get_file_layer", f, "$d", {"x": "^/layers/", "y": "^/layers/meta"}) for f in files]
        self.same({"vars": vars, "ops": ops})


class EnvironmentFacts(unittest.TestCase):

    def test_environment_restores(self):
        os.environ["KILN_T1"] = "before"
        os.environ.pop("KILN_T2", None)
        with bb.utils.environment(KILN_T1="during", KILN_T2="new"):
            self.assertEqual(os.environ["KILN_T1"], "during")
            self.assertEqual(os.environ["KILN_T2"], "new")
        self.assertEqual(os.environ.pop("KILN_T1"), "before")
        self.assertNotIn("KILN_T2", os.environ)

    def test_build_environment_exports_flagged(self):
        d = FakeData()
        d.setVar("KILN_EXP", "${KILN_VAL}")
        d.setVar("KILN_VAL", "v")
        d.setVarFlag("KILN_EXP", "export", "1")
        d.setVarFlag("KILN_NONE", "export", "1")
        d.setVar("KILN_NOT", "x")
        bb.utils.build_environment(d)
        try:
            self.assertEqual(os.environ["KILN_EXP"], "v")
            self.assertEqual(os.environ["KILN_NONE"], "")
            self.assertNotIn("KILN_NOT", os.environ)
        finally:
            for name in ("KILN_EXP", "KILN_NONE"):
                os.environ.pop(name, None)

    def test_cpu_count_and_local_uid(self):
        self.assertGreaterEqual(bb.utils.cpu_count(), 1)
        if os.path.exists("/etc/passwd"):
            self.assertTrue(bb.utils.is_local_uid(0))
            self.assertFalse(bb.utils.is_local_uid(987654321))


class ContextFacts(unittest.TestCase):

    def test_context_is_one_shared_dict(self):
        ctx = bb.utils.get_context()
        self.assertIs(ctx["bb"], bb)
        self.assertIn("os", ctx)
        self.assertIn("time", ctx)
        bb.utils.set_context({"replaced": True})  # no effect, as in BitBake
        self.assertIs(bb.utils.get_context(), ctx)
        self.assertEqual(sorted(bb.utils.clean_context()), ["bb", "os", "time"])
        self.assertIsNot(bb.utils.clean_context(), ctx)

    def test_exec_flat_python_func(self):
        ctx = bb.utils.get_context()
        exec("def kiln_test_fn(a, b=2, *, c=3):\n    return (a, b, c, os.sep)\n", ctx)
        try:
            self.assertEqual(bb.utils.exec_flat_python_func("kiln_test_fn", 1), (1, 2, 3, os.sep))
            self.assertEqual(bb.utils.exec_flat_python_func("kiln_test_fn", 1, 5, c=7), (1, 5, 7, os.sep))
            with self.assertRaises(NameError):
                bb.utils.exec_flat_python_func("kiln_no_such_fn")
        finally:
            del ctx["kiln_test_fn"]


if __name__ == "__main__":
    unittest.main()
