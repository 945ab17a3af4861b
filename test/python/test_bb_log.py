"""bb's message functions and the replaceable handler."""

import io
import unittest
from unittest import mock

from ._support import DifferentialCase, bb, op


class LogOracle(DifferentialCase):
    LOG_LEVELS = ("note", "plain", "verbnote", "warn", "error", "fatal")

    def test_levels_and_joining(self):
        ops = [op("bb.note", "a", "b"), op("bb.plain", "p"), op("bb.verbnote", "v"),
               op("bb.warn", "w", "1"), op("bb.error", "e"), op("bb.error", "e", extra="x"),
               op("bb.fatal", "f", "!"), op("bb.note"), op("bb.note", 1), op("bb.warn", "a", None),
               op("bb.debug", "not a level", "x")]
        self.same({"ops": ops})


class LogFacts(unittest.TestCase):

    def setUp(self):
        self.seen = []
        bb._set_log_handler(lambda level, message: self.seen.append((level, message)))

    def tearDown(self):
        bb._set_log_handler(None)

    def test_each_level_reaches_the_handler(self):
        bb.plain("p")
        bb.note("n", "1")
        bb.verbnote("v")
        bb.debug(2, "d")
        bb.warn("w")
        bb.error("e")
        self.assertEqual(self.seen, [("plain", "p"), ("note", "n1"), ("verbnote", "v"), ("debug", "d"),
                                     ("warn", "w"), ("error", "e")])

    def test_fatal_reports_then_raises(self):
        with self.assertRaises(bb.BBHandledException):
            bb.fatal("stop ", "here")
        self.assertEqual(self.seen, [("fatal", "stop here")])

    def test_debug_with_text_first_warns(self):
        bb.debug("oops", " more")
        self.assertEqual(self.seen, [("warn", "Passed invalid debug level 'oops' to bb.debug"),
                                     ("debug", "oops more")])

    def test_once_variants(self):
        for _ in range(3):
            bb.warnonce("kiln-once-w")
            bb.erroronce("kiln-once-e")
        self.assertEqual(self.seen, [("warn", "kiln-once-w"), ("error", "kiln-once-e")])

    def test_parts_must_be_strings(self):
        with self.assertRaises(TypeError):
            bb.note("a", 1)

    def test_default_handler_writes_stderr(self):
        bb._set_log_handler(None)
        err = io.StringIO()
        with mock.patch("sys.stderr", err):
            bb.warn("careful")
            bb.plain("as is")
            bb.note("fyi")
        self.assertEqual(err.getvalue(), "WARNING: careful\nas is\nNOTE: fyi\n")


if __name__ == "__main__":
    unittest.main()
