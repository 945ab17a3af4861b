"""bb.data: inherits_class, expand, initVar, keys, emit_var/emit_env, exported_keys/_vars."""

import unittest

from ._support import DifferentialCase, FakeData, bb, op

INHERITED = ["/layers/meta/classes/base.bbclass", "/layers/meta/classes-recipe/autotools.bbclass",
             "/layers/meta/classes-global/package.bbclass", "classes/native.bbclass",
             "/layers/meta-x/classes/foo-bar.bbclass", "/odd/place/cross.bbclass"]


class DataOracle(DifferentialCase):

    def test_inherits_class(self):
        names = ["base", "autotools", "package", "native", "foo-bar", "cross", "foo", "bar",
                 "classes/base", "meta/classes/base", "", "base.bbclass", "autotools.bbclass"]
        self.same({"vars": {"__inherit_cache": INHERITED},
                   "ops": [op("bb.data.inherits_class", n, "$d") for n in names]})
        self.same({"ops": [op("bb.data.inherits_class", "base", "$d")]})  # nothing inherited

    def test_expand_and_small_helpers(self):
        self.same({"vars": {"A": "a${B}", "B": "b${C}", "C": "c"},
                   "ops": [op("bb.data.expand", "${A}-${NOPE}", "$d"),
                           op("bb.data.expand", "x${A}", "$d", "VAR"),
                           op("bb.data.initVar", "NEW", "$d"),
                           op("bb.data.initVar", "A", "$d"),
                           dict(op("bb.data.keys", "$d"), sorted=True)],
                   "dump": [["var", "A"], ["var", "NEW"]]})

    def _emit_job(self, ops):
        vars = {"EXP": "v ${PLAIN}", "PLAIN": "p", "QUOTES": 'say "hi" `x` $HOME',
                "MULTI": "line1\nline2", "UNEXP": "u", "BOTH": "b", "FUNC": "\techo hi\n\n",
                "PYFUNC": "    pass", "BASH_FUNC_myfn%%": "() { echo x; }", "DASH-NAME": "d",
                "DOT.NAME": "d", "EXPNONE": None, "__HIDDEN": "h"}
        flags = [["EXP", "export", "1"], ["QUOTES", "export", "1"], ["MULTI", "export", "yes"],
                 ["UNEXP", "unexport", "1"], ["BOTH", "export", "1"], ["BOTH", "unexport", "1"],
                 ["FUNC", "func", "1"], ["FUNC", "lineno", "12"], ["FUNC", "filename", "/x.bb"],
                 ["PYFUNC", "func", "1"], ["PYFUNC", "python", "1"], ["BASH_FUNC_myfn%%", "export", "1"],
                 ["DASH-NAME", "export", "1"], ["DOT.NAME", "export", "1"], ["EXPNONE", "export", "1"],
                 ["__HIDDEN", "export", "1"], ["PLAIN", "export", "0"]]
        return {"vars": vars, "flags": flags, "ops": ops}

    def test_emit_var(self):
        names = ["EXP", "PLAIN", "QUOTES", "MULTI", "UNEXP", "BOTH", "FUNC", "PYFUNC",
                 "BASH_FUNC_myfn%%", "DASH-NAME", "DOT.NAME", "EXPNONE", "__HIDDEN", "UNSET"]
        self.same(self._emit_job([op("bb.data.emit_var", n, "$out", "$d") for n in names]))

    def test_emit_env(self):
        self.same(self._emit_job([op("bb.data.emit_env", "$out", "$d")]))

    def test_exported(self):
        self.same(self._emit_job([dict(op("bb.data.exported_keys", "$d"), list=True, sorted=True),
                                  dict(op("bb.data.exported_vars", "$d"), list=True, sorted=True)]))


class DataFacts(unittest.TestCase):

    def test_inherits_class_any_classes_directory(self):
        d = FakeData()
        d.setVar("__inherit_cache", INHERITED)
        self.assertTrue(bb.data.inherits_class("autotools", d))
        self.assertTrue(bb.data.inherits_class("package", d))
        self.assertFalse(bb.data.inherits_class("auto", d))
        self.assertFalse(bb.data.inherits_class("base", FakeData()))

    def test_emit_var_quotes_for_double_quoted_shell(self):
        import io
        d = FakeData()
        d.setVar("V", 'a "b" `c` $d\ne')
        d.setVarFlag("V", "export", "1")
        out = io.StringIO()
        self.assertFalse(bb.data.emit_var("V", out, d))
        self.assertEqual(out.getvalue(), 'export V="a \\"b\\" \\`c\\` \\$d \\\ne"\n')

    def test_emit_var_all_writes_the_history_as_comments(self):
        # kiln's `d` offers the history as varhistory.variable() (a list of events).
        import io

        class History:
            def __init__(self, events):
                self.events = events

            def variable(self, var):
                return [dict(e) for e in self.events.get(var, [])]

        d = FakeData()
        d.varhistory = History({
            "A": [{"op": "set", "file": "/l/a.conf", "line": 3, "detail": "x\ny"}],
            "B": [{"op": "set", "file": "/l/b.bb", "line": 1, "detail": "b"},
                  {"op": "append", "file": "/l/b.bb", "line": 2, "detail": " ${A}", "flag": "f"}],
        })
        for name, value in (("A", "x\ny"), ("B", "b ${A}"), ("C", "c")):
            d.setVar(name, value)
        out = io.StringIO()
        for name in ("A", "B", "C"):
            bb.data.emit_var(name, out, d, all=True)
        self.assertEqual(out.getvalue().split("\n"), [
            "#", "# $A", "#   set /l/a.conf:3", '#     "x', '#     y"', 'A="x \\', 'y"',
            "#", "# $B [2 operations]", "#   set /l/b.bb:1", '#     "b"', "#   append /l/b.bb:2",
            '#     [f] " ${A}"', "# pre-expansion value:", '#   "b ${A}"', 'B="b x \\', 'y"',
            "#", "# $C", "#   [no history recorded]", "#", '#   "c"', 'C="c"', ""])

    def test_exported_vars_warns_and_skips_failures(self):
        class Failing(FakeData):
            def getVar(self, var, expand=True, **kw):
                if var == "BAD" and expand:
                    raise RuntimeError("boom")
                return super().getVar(var, expand)
        d = Failing()
        d.setVar("FILE", "/r.bb")
        for name in ("BAD", "GOOD"):
            d.setVar(name, "x")
            d.setVarFlag(name, "export", "1")
        seen = []
        bb._set_log_handler(lambda level, msg: seen.append((level, msg)))
        try:
            self.assertEqual(list(bb.data.exported_vars(d)), [("GOOD", "x")])
        finally:
            bb._set_log_handler(None)
        self.assertEqual(seen, [("warn", "/r.bb: Unable to export ${BAD}: boom")])


if __name__ == "__main__":
    unittest.main()
