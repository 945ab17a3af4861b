"""Version splitting and ordering: bb.utils.explode_version ... vercmp_string_op, is_semver."""

import random
import unittest

from ._support import DifferentialCase, bb

# Versions chosen for their corners: tildes, epochs, revisions, letters against digits,
# leading zeros, separators, empty parts, non-ASCII digits and letters.
VERSIONS = [
    "", "0", "1", "01", "1.0", "1.00", "1.0.0", "1.0~rc1", "1.0~rc2", "1.0~", "~", "~~", "~1",
    "1.0a", "1.0A", "1.0.a", "1.0-r0", "1.0-r1", "1.0-r10", "1.0-r2", "1:1.0", "2:0.1", "0:1.0",
    "1.0+git", "1.0+gitAUTOINC+abc", "1.0_rc", "1.0-", "-1", "1-2-3", "a", "A", "Z", "z", "abc",
    "1.0 ", " 1.0", ">=1.0", "<<2.0", "1..0", "1.0.", ".1", "1٣", "٣", "1é", "2.0beta", "2.0b",
    "10", "9", "1.10", "1.9", "1.0~beta", "1.0~alpha", "1.2.3-4.5", "3:", ":1", "1:2:3", "a:1",
    # Newlines: dropped at the very end after a run, an error elsewhere after a run.
    "1\n", "1\n2", "a\n", "a\nb", ".\n1", "1.\n", "1\n\n", "\n", "a b\n", "~\n", "1\r", "1.0\n-r0",
]


class VersionOracle(DifferentialCase):

    def test_explode_version(self):
        self.same_calls("bb.utils.explode_version", [[v] for v in VERSIONS])

    def test_split_version(self):
        self.same_calls("bb.utils.split_version", [[v] for v in VERSIONS])

    def test_vercmp_part_all_pairs(self):
        plain = [v for v in VERSIONS if ":" not in v]
        self.same_calls("bb.utils.vercmp_part", [[a, b] for a in plain for b in plain])

    def test_vercmp_string_all_pairs(self):
        self.same_calls("bb.utils.vercmp_string", [[a, b] for a in VERSIONS for b in VERSIONS])

    def test_vercmp_tuples(self):
        triples = [[0, "1.0", "r0"], ["", "1.0", ""], [None, "1.0", "r0"], ["1", "0.1", ""],
                   [2, "1.0", "r1"], ["0", "1.0~", "r0"], ["x", "1", ""]]
        self.same_calls("bb.utils.vercmp", [[a, b] for a in triples for b in triples])

    def test_vercmp_string_op(self):
        ops = ["=", "==", "<=", ">=", ">", ">>", "<", "<<", "!=", "=>", "=<", "", "<>", None, ["<"]]
        pairs = [["1.0", "1.0"], ["1.0", "1.1"], ["1.1", "1.0"], ["1.0~rc1", "1.0"], ["1:0", "2"]]
        self.same_calls("bb.utils.vercmp_string_op", [[a, b, o] for a, b in pairs for o in ops])
        # A malformed epoch fails before the operator is looked at.
        self.same_calls("bb.utils.vercmp_string_op", [["x:1", "1", "bogus"], ["1", "1", "bogus"]])

    def test_random_versions(self):
        rng = random.Random(1234)
        alphabet = "0123456789abcXYZ.-~+_:\n"
        words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(300)]
        self.same_calls("bb.utils.vercmp_string", [[words[i], words[i + 1]] for i in range(299)])
        self.same_calls("bb.utils.explode_version", [[w] for w in words])

    def test_is_semver(self):
        cases = ["1.0.0", "0.0.0", "01.0.0", "1.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7",
                 "1.0.0-x.7.z.92", "1.0.0-01", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85",
                 "1.0.0+", "1.0.0-", "1.0.0\n", "v1.0.0", "1.0.0-alpha..1", "1.0.0-a-b", "1.2.3.4",
                 "1.0.0-0a", "1.0.0+001", "٣.0.0", ""]
        self.same_calls("bb.utils.is_semver", [[c] for c in cases])


class VersionFacts(unittest.TestCase):
    """The same rules stated directly, so they hold even without the oracle."""

    def test_tilde_sorts_before_release(self):
        self.assertLess(bb.utils.vercmp_string("1.0~rc1", "1.0"), 0)
        self.assertLess(bb.utils.vercmp_string("1.0~", "1.0"), 0)
        self.assertGreater(bb.utils.vercmp_string("1.0", "1.0~rc1"), 0)

    def test_epoch_wins_and_difference_is_returned(self):
        self.assertEqual(bb.utils.vercmp_string("2:0.1", "9.9"), 2)
        self.assertEqual(bb.utils.vercmp_string("1:1.0", "3:1.0"), -2)

    def test_letters_and_digits(self):
        # Digits rank below letters, letters below other characters.
        self.assertEqual(bb.utils.vercmp_part("1.0a", "1.0.a"), -1)
        self.assertEqual(bb.utils.vercmp_part("1.0", "1.0a"), -1)
        self.assertEqual(bb.utils.vercmp_part("1.10", "1.9"), 1)
        self.assertEqual(bb.utils.vercmp_part("01", "1"), 0)

    def test_explode_and_split(self):
        self.assertEqual(bb.utils.explode_version("1.0~rc1"),
                         [(0, 1), (2, "."), (0, 0), (-1, "~"), (1, "rc"), (0, 1)])
        self.assertEqual(bb.utils.split_version(">= 1:2.0-r3"), (1, "2.0", "r3"))
        self.assertEqual(bb.utils.split_version("1.0"), (0, "1.0", ""))

    def test_op_errors(self):
        with self.assertRaises(bb.utils.VersionStringException):
            bb.utils.vercmp_string_op("1", "2", "<>")
        self.assertTrue(bb.utils.vercmp_string_op("1", "2", "<<"))

    def test_semver(self):
        self.assertTrue(bb.utils.is_semver("1.2.3-rc.1+build.5"))
        self.assertFalse(bb.utils.is_semver("1.2"))


if __name__ == "__main__":
    unittest.main()
