"""bb.parse: vars_from_file, ParseError, the skip exceptions, dependency tracking, decorators."""

import os
import shutil
import tempfile
import unittest

from ._support import DifferentialCase, FakeData, bb, op, run_bitbake, run_kiln

NAMES = ["/x/foo.bb", "/x/foo_1.0.bb", "/x/foo_1.0_r1.bb", "foo_1.0_r1.bbappend", "/x/foo_%.bbappend",
         "/x/foo.bbclass", "/x/foo.inc", "", None, "/x/.bb", "/x/_.bb", "/x/foo_.bb", "/x/foo.1_2.bb",
         "/x_y/foo.bb", "/x/foo.bb.bb", "/x/a_b_c_d.bb"]


class ParseOracle(DifferentialCase):

    def test_vars_from_file(self):
        # Twice each: the second answer comes from the cache (the underscore error only once).
        ops = [op("bb.parse.vars_from_file", n, None) for n in NAMES + NAMES]
        self.same({"ops": ops})

    def test_parse_error_text(self):
        ops = [dict(op("bb.parse.ParseError", *args), str=True)
               for args in (["msg", "f.bb"], ["msg", "f.bb", 3], ["msg", "f.bb", 0], ["m", None, "7"])]
        self.same({"ops": ops})

    def test_dependencies(self):
        tmp = tempfile.mkdtemp(prefix="kiln-bbtest-")
        try:
            for sub in ("one/conf", "two/conf"):
                os.makedirs(os.path.join(tmp, sub))
            open(os.path.join(tmp, "two/conf/x.conf"), "w").close()
            os.makedirs(os.path.join(tmp, "one/conf/dir.conf"))
            bbpath = "%s/one:%s/nope:%s/two" % (tmp, tmp, tmp)
            ops = [op("bb.parse.resolve_file", "conf/x.conf", "$d"),
                   op("bb.parse.resolve_file", "conf/missing.conf", "$d"),
                   op("bb.parse.resolve_file", "conf/dir.conf", "$d"),
                   op("bb.parse.resolve_file", tmp + "/two/conf/x.conf", "$d"),
                   op("bb.parse.resolve_file", tmp + "/absent.conf", "$d"),
                   op("bb.parse.mark_dependency", "$d", "./rel.conf"),
                   op("bb.parse.mark_dependency", "$d", tmp + "/two/conf/x.conf"),
                   op("bb.parse.check_dependency", "$d", tmp + "/two/conf/x.conf"),
                   op("bb.parse.check_dependency", "$d", tmp + "/other"),
                   op("bb.parse.get_file_depends", "$d")]
            job = {"vars": {"BBPATH": bbpath, "__base_depends": [["/base.conf", 1]]}, "ops": ops,
                   "cwd": tmp, "dump": [["var", "__depends"]]}
            self.same(job)
        finally:
            shutil.rmtree(tmp)


class ParseFacts(unittest.TestCase):

    def test_vars_from_file(self):
        self.assertEqual(bb.parse.vars_from_file("/l/foo_1.2_r3.bb", None), ["foo", "1.2", "r3"])
        self.assertEqual(bb.parse.vars_from_file("/l/foo.bbappend", None), ["foo", None, None])
        self.assertEqual(bb.parse.vars_from_file("/l/foo.conf", None), (None, None, None))

    def test_too_many_underscores_raises_once(self):
        name = "/l/kiln_only_once_here.bb"
        with self.assertRaises(bb.parse.ParseError) as cm:
            bb.parse.vars_from_file(name, None)
        self.assertEqual(str(cm.exception), "ParseError in %s: Unable to generate default variables "
                         "from filename (too many underscores)" % name)
        self.assertEqual(bb.parse.vars_from_file(name, None), ["kiln", "only", "once", "here"])

    def test_parse_error(self):
        e = bb.parse.ParseError("bad", "f.bb", 12)
        self.assertEqual(str(e), "ParseError at f.bb:12: bad")
        self.assertEqual((e.msg, e.filename, e.lineno), ("bad", "f.bb", 12))
        self.assertEqual(e.args, ("bad", "f.bb", 12))
        self.assertEqual(str(bb.parse.ParseError("bad", "f.bb")), "ParseError in f.bb: bad")

    def test_skip_exceptions(self):
        self.assertTrue(issubclass(bb.parse.SkipPackage, bb.parse.SkipRecipe))
        self.assertEqual(str(bb.parse.SkipRecipe("no")), "no")

    def test_decorators_accumulate(self):
        @bb.parse.vardeps("A", "B")
        @bb.parse.vardeps("C")
        @bb.parse.vardepsexclude("X")
        def f():
            pass
        self.assertEqual(f.bb_vardeps, {"A", "B", "C"})
        self.assertEqual(f.bb_vardepsexclude, {"X"})

    def test_mark_dependency_once(self):
        d = FakeData()
        bb.parse.mark_dependency(d, "/nonexistent/a.conf")
        bb.parse.mark_dependency(d, "/nonexistent/a.conf")
        self.assertEqual(d.getVar("__depends", False), [("/nonexistent/a.conf", 0)])
        self.assertEqual(bb.parse.get_file_depends(d), "/nonexistent/a.conf")

    def test_mtime_cache(self):
        tmp = tempfile.mkdtemp(prefix="kiln-bbtest-")
        try:
            f = os.path.join(tmp, "f")
            open(f, "w").close()
            sig = bb.parse.cached_mtime(f)
            self.assertTrue(bb.parse.check_mtime(f, sig))
            with open(f, "w") as fh:
                fh.write("changed")
            self.assertEqual(bb.parse.cached_mtime(f), sig)  # cached
            self.assertNotEqual(bb.parse.update_mtime(f), sig)
            os.unlink(f)
            self.assertEqual(bb.parse.update_mtime(f), 0)
            self.assertFalse(bb.parse.check_mtime(f, sig))
            self.assertTrue(bb.parse.check_mtime(f, 0))
            bb.parse.clear_cache()
            self.assertEqual(bb.parse.cached_mtime_noerror(f), 0)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
