"""bb.filter: the expressions d.setVarFilter runs (BitBake 2.16 and later)."""

import random
import unittest

from ._support import DifferentialCase, bb

import bb.filter  # noqa: E402


class FilterFacts(unittest.TestCase):
    """What the module promises, checked on kiln's side alone."""

    def apply(self, val, *expressions):
        return bb.filter.apply_filters(val, list(expressions))

    def test_word_helpers(self):
        self.assertEqual(self.apply("a  b\tc", "suffix(val, '-x')"), "a-x b-x c-x")
        self.assertEqual(self.apply("a b", "prefix(val, 'p-')"), "p-a p-b")
        self.assertEqual(self.apply("c a b a", "sort(val)"), "a a b c")
        self.assertEqual(self.apply("", "suffix(val, '-x')"), "")

    def test_remove_takes_a_list_or_a_string_and_a_separator(self):
        self.assertEqual(self.apply("1 2 3", "remove(val, ['2', '3'])"), "1")
        self.assertEqual(self.apply("1 2 3 2", "remove(val, '2 1')"), "3")
        self.assertEqual(self.apply("1,2,,3", "remove(val, '2', ',')"), "1,,3")
        self.assertEqual(self.apply("1,2,3", "remove(val, ['1'], ',')"), "2,3")

    def test_expressions_run_in_order_and_blank_ones_are_skipped(self):
        self.assertEqual(self.apply("a", "prefix(val, '1')", "  ", "prefix(val, '2')"), "21a")

    def test_only_registered_names_are_visible(self):
        with self.assertRaises(NameError):
            self.apply("x", "open('/etc/passwd')")
        with self.assertRaises(NameError):
            self.apply("x", "__import__('os')")
        self.assertEqual(self.apply("3 10 2", "str(max(map(int, val.split())))"), "10")

    def test_dotted_names_make_read_only_namespaces(self):
        @bb.filter.filter_proc(name="kilntest.deep.twice")
        def twice(val):
            return val + val

        self.assertEqual(self.apply("ab", "kilntest.deep.twice(val)"), "abab")
        with self.assertRaises(AttributeError):
            bb.filter.FILTERS["kilntest"].deep = None
        self.assertIn("deep", bb.filter.FILTERS["kilntest"])

    def test_results_are_remembered_per_value_and_expression(self):
        calls = []

        @bb.filter.filter_proc(name="kilntest_counted")
        def counted(val):
            calls.append(val)
            return val.upper()

        for _ in range(3):
            self.assertEqual(self.apply("q", "kilntest_counted(val)"), "Q")
        self.assertEqual(calls, ["q"])


def random_words(rng):
    words = ["a", "b", "c", "lib-x", "x-native", "", "z"]
    return rng.choice([" ", "  ", "\t", ","]).join(rng.choice(words) for _ in range(rng.randint(0, 6)))


class FilterOracle(DifferentialCase):
    """The same expressions in BitBake's bb.filter (needs a BitBake checkout of 2.16 or later)."""

    def test_builtin_filters(self):
        rng = random.Random(7)
        expressions = ["suffix(val, '-x')", "prefix(val, 'p-')", "sort(val)", "remove(val, 'a b')",
                       "remove(val, ['a'], ',')", "sort(remove(val, 'c'))", "str(len(val.split()))", "val"]
        args = [[random_words(rng), [rng.choice(expressions)]] for _ in range(200)]
        self.same_calls("bb.filter.apply_filters", args)


if __name__ == "__main__":
    unittest.main()
