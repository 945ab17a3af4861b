"""Dependency strings: explode_deps, explode_dep_versions(2), join_deps."""

import random
import unittest

from ._support import DifferentialCase, bb

DEP_STRINGS = [
    "", "a", "a b c", "a (>= 1.0)", "a (>=1.0) b", "a ( >= 1.0 )", "a (>= 1.0 2) b", "a(>= 1)",
    "a, b, c", "a (= 1), b (<< 2)", "a (> 1) a (< 2)", "a (> 1) a", "a a (> 1)", "b a c",
    "a (1.0)", "a (~1.0)", "a ()", "a (", "a (>=", "a (>= )", "a (>= 1", "(>= 1) a",
    "a (<= 1) b (=< 1) c (<< 1) d (== 1) e (!= 1) f (>= 1) g (=> 1) h (>> 1) i (< 1) j (> 1) k (= 1)",
    "a (>=1.0-r0) b (>= 2:1.0)", "a (>= 1.0))", "a ((>= 1.0)", "a (>= (1.0)", "a)", ")", "(",
    "a (>= 1.0) (<= 2.0)", "virtual/libc (>= 2.3) update-rc.d", "a\t(>=\t1)\nb",
    "a (>= ${PV})", "a (>= 1) , b", "z y x (= 1)", "a (>= 1.0,2.0)",
]


def random_dep_strings(count, seed):
    rng = random.Random(seed)
    tokens = ["a", "b", "c", "lib-x", "(", ")", "(>=", "(<<", "(=", "( ", ">=", "=", "1.0", "2",
              "1.0)", "2)", ",", ", ", " ", "  ", "(!=", "=>", "~1)", "(x", "()"]
    return ["".join(rng.choice(tokens) + rng.choice(["", " "]) for _ in range(rng.randint(0, 10)))
            for _ in range(count)]


class DepsOracle(DifferentialCase):

    def test_explode_deps(self):
        self.same_calls("bb.utils.explode_deps", [[s] for s in DEP_STRINGS + random_dep_strings(300, 1)])

    def test_explode_dep_versions2(self):
        self.same_calls("bb.utils.explode_dep_versions2",
                        [[s] for s in DEP_STRINGS + random_dep_strings(600, 2)])

    def test_explode_dep_versions2_unsorted(self):
        job = {"ops": [{"call": "bb.utils.explode_dep_versions2", "args": [s], "kwargs": {"sort": False}}
                       for s in DEP_STRINGS + random_dep_strings(200, 3)]}
        self.same(job)

    def test_explode_dep_versions_warns_like_bitbake(self):
        self.same_calls("bb.utils.explode_dep_versions",
                        [[s] for s in DEP_STRINGS + random_dep_strings(300, 4)])

    def test_join_deps(self):
        inputs = [{"a": None, "b": "", "c": ">= 1"}, {"a": [">= 1", "<< 2"], "b": []},
                  {}, {"x": [">= 1"]}]
        self.same_calls("bb.utils.join_deps", [[i] for i in inputs] + [[i, False] for i in inputs])


class DepsFacts(unittest.TestCase):

    def test_multiword_version_gives_growing_entries(self):
        self.assertEqual(dict(bb.utils.explode_dep_versions2("a (>= 1.0 2) b")),
                         {"a": [">= 1.0", ">= 1.0 2"], "b": []})

    def test_sorted_and_ordered(self):
        deps = bb.utils.explode_dep_versions2("z a (= 1) m")
        self.assertEqual(list(deps), ["a", "m", "z"])
        self.assertEqual(list(bb.utils.explode_dep_versions2("z a m", sort=False)), ["z", "a", "m"])

    def test_missing_operator_raises(self):
        with self.assertRaises(bb.utils.VersionStringException) as cm:
            bb.utils.explode_dep_versions2("a (1.0)")
        self.assertEqual(str(cm.exception),
                         'Invalid version specification in "(1.0)" - invalid or missing operator')

    def test_explode_dep_versions_first_constraint_and_warning(self):
        seen = []
        bb._set_log_handler(lambda level, msg: seen.append(level))
        try:
            self.assertEqual(dict(bb.utils.explode_dep_versions("a (> 1) a (< 2) b")),
                             {"a": "> 1", "b": None})
        finally:
            bb._set_log_handler(None)
        self.assertEqual(seen, ["warn"])

    def test_round_trip(self):
        s = "a (>= 1.0), b, c (<< 2)"
        self.assertEqual(bb.utils.join_deps(bb.utils.explode_dep_versions2(s)), s)
        self.assertEqual(bb.utils.join_deps(bb.utils.explode_dep_versions(s), commasep=False),
                         "a (>= 1.0) b c (<< 2)")

    def test_explode_deps_drops_versions(self):
        self.assertEqual(bb.utils.explode_deps("a (>= 1 2) b (= 3) c"), ["a", "b", "c"])


if __name__ == "__main__":
    unittest.main()
