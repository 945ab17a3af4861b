"""Word tests on variables: contains, contains_any, filter, filter_string, to_boolean."""

import unittest

from ._support import DifferentialCase, FakeData, bb, op

VARS = {
    "DISTRO_FEATURES": "x11 wayland  systemd\topengl",
    "EMPTY": "",
    "SPACES": "   ",
    "REF": "${DISTRO_FEATURES} pam",
    "DUP": "b a b c a",
}

CHECKS = ["x11", "x11 systemd", "systemd x11", "x11 nope", "nope", "", "  ", "pam", "wayland pam",
          ["x11", "opengl"], ["x11", "nope"], [], "x11 x11", "a b", "b c a", "x1"]


class WordsOracle(DifferentialCase):

    def _ops(self, call):
        ops = []
        for var in list(VARS) + ["UNSET"]:
            for check in CHECKS:
                ops.append(op(call, var, check, "yes", "no", "$d"))
        return ops

    def test_contains(self):
        self.same({"vars": VARS, "ops": self._ops("bb.utils.contains")})

    def test_contains_any(self):
        self.same({"vars": VARS, "ops": self._ops("bb.utils.contains_any")})

    def test_filter(self):
        ops = [op("bb.utils.filter", var, check, "$d") for var in list(VARS) + ["UNSET"] for check in CHECKS]
        self.same({"vars": VARS, "ops": ops})

    def test_filter_string(self):
        self.same_calls("bb.utils.filter_string",
                        [[val, check] for val in ["", None, "b a b c", "x y"] for check in CHECKS])

    def test_to_boolean(self):
        values = ["y", "Y", "yes", "YES", "Yes", "1", "true", "True", "TRUE", "n", "N", "no", "0",
                  "false", "FALSE", "", None, 0, 1, 2, -1, True, False, "maybe", " yes", "yes ",
                  "on", "off", "2", "t", "f"]
        self.same_calls("bb.utils.to_boolean", [[v] for v in values])
        self.same_calls("bb.utils.to_boolean", [[v, "dflt"] for v in values])


class WordsFacts(unittest.TestCase):

    def setUp(self):
        self.d = FakeData()
        for name, value in VARS.items():
            self.d.setVar(name, value)

    def test_contains_needs_every_word(self):
        c = bb.utils.contains
        self.assertEqual(c("DISTRO_FEATURES", "systemd x11", 1, 0, self.d), 1)
        self.assertEqual(c("DISTRO_FEATURES", "x11 nope", 1, 0, self.d), 0)
        self.assertEqual(c("REF", "pam x11", 1, 0, self.d), 1)  # value is expanded
        self.assertEqual(c("UNSET", "", 1, 0, self.d), 0)  # an unset variable is always false
        self.assertEqual(c("DISTRO_FEATURES", "", 1, 0, self.d), 1)  # the empty set is a subset

    def test_contains_any(self):
        self.assertEqual(bb.utils.contains_any("DISTRO_FEATURES", "nope x11", 1, 0, self.d), 1)
        self.assertEqual(bb.utils.contains_any("DISTRO_FEATURES", ["nope"], 1, 0, self.d), 0)

    def test_filter_sorts_and_deduplicates(self):
        self.assertEqual(bb.utils.filter("DUP", "c a z", self.d), "a c")
        self.assertEqual(bb.utils.filter("UNSET", "a", self.d), "")

    def test_to_boolean(self):
        self.assertIs(bb.utils.to_boolean("Yes"), True)
        self.assertIs(bb.utils.to_boolean("0"), False)
        self.assertIs(bb.utils.to_boolean(""), None)
        self.assertEqual(bb.utils.to_boolean(None, "d"), "d")
        self.assertIs(bb.utils.to_boolean(7), True)
        with self.assertRaises(ValueError) as cm:
            bb.utils.to_boolean("maybe")
        self.assertEqual(str(cm.exception), "Invalid value for to_boolean: maybe")


if __name__ == "__main__":
    unittest.main()
