"""Files and paths: which, mkdirhier, remove, prunedir, movefile, copyfile, break_hardlinks,
path_is_descendant, to_filemode, prune_suffix, umask, mkstemp, rename."""

import os
import shutil
import stat
import tempfile
import unittest

from ._support import DifferentialCase, bb, op, run_bitbake, run_kiln


def make_tree(root):
    """A small tree with executables, plain files, a directory, links; fixed times."""
    for sub in ("a", "b", "c/sub", "src", "dst"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    files = {"a/tool": 0o755, "b/tool": 0o644, "b/data": 0o600, "c/sub/x": 0o644,
             "src/file": 0o640, "src/other": 0o644, "src/linked": 0o644}
    for rel, mode in files.items():
        path = os.path.join(root, rel)
        with open(path, "w") as f:
            f.write("content of %s\n" % rel)
        os.chmod(path, mode)
    os.symlink("file", os.path.join(root, "src/link"))
    os.symlink("missing", os.path.join(root, "src/dangling"))
    os.symlink("../src/other", os.path.join(root, "dst/was-link"))
    os.link(os.path.join(root, "src/linked"), os.path.join(root, "src/linked2"))
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + dirnames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.utime(path, (1000000000.75, 1000000000.25))


def snapshot(root):
    """Everything observable about a tree except inode numbers and ctime."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            entry = [os.path.relpath(path, root), stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode)]
            if stat.S_ISLNK(st.st_mode):
                entry.append(os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                with open(path) as f:
                    # Times the tests set are kept; "now" (a fresh file) differs run to run.
                    mtime = st.st_mtime_ns if st.st_mtime < 1.5e9 else "recent"
                    entry += [f.read(), mtime, st.st_nlink]
            found.append(entry)
    return sorted(found)


class TreeCase(DifferentialCase):
    """Runs a job in two identical trees, one per side, and compares answers and trees."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kiln-bbtest-")
        self.kiln_root = os.path.join(self.tmp, "kiln")
        self.bitbake_root = os.path.join(self.tmp, "bitbake")
        make_tree(self.kiln_root)
        make_tree(self.bitbake_root)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def same_in_trees(self, ops, compare_logs=False):
        mine = run_kiln({"ops": ops, "cwd": self.kiln_root})
        theirs = run_bitbake({"ops": ops, "cwd": self.bitbake_root})
        if not compare_logs:
            for answer in (mine, theirs):
                for entry in answer["ops"]:
                    del entry["logs"]
        self.assertEqual(mine, theirs)
        self.assertEqual(snapshot(self.kiln_root), snapshot(self.bitbake_root))
        return mine


class WhichOracle(TreeCase):

    def test_which(self):
        r = self.kiln_root
        paths = [None, "", ":", "a:b", "b:a", "nonexistent:a", "%s/nope:%s/b:%s/a" % (r, r, r),
                 "a::b", "/nonexistent/dir", "c", "./b", "a/", "src"]
        items = ["tool", "data", "sub", "sub/x", "missing", "", "link", "dangling", "/etc/hostname", "../a/tool"]
        ops = []
        for path in paths:
            for item in items:
                ops.append(op("bb.utils.which", path, item))
                ops.append(op("bb.utils.which", path, item, 1, True))
                ops.append(op("bb.utils.which", path, item, history=True, executable=True))
                ops.append(op("bb.utils.which", path, item, direction=-1, history=True))
        # Absolute paths differ between the trees; run both sides in kiln's tree for these.
        mine = run_kiln({"ops": ops, "cwd": r})
        theirs = run_bitbake({"ops": ops, "cwd": r})
        for a, b, o in zip(mine["ops"], theirs["ops"], ops):
            self.assertEqual(a, b, o)


class FileOpsOracle(TreeCase):

    def test_copyfile(self):
        self.same_in_trees([
            op("bb.utils.copyfile", "./src/file", "./dst/file"),
            op("bb.utils.copyfile", "./src/file", "./dst/timed", 12345),
            op("bb.utils.copyfile", "./src/other", "./dst"),  # into a directory: fails
            op("bb.utils.copyfile", "./src/link", "./dst/link"),
            op("bb.utils.copyfile", "./src/dangling", "./dst/dangling"),
            op("bb.utils.copyfile", "./src/file", "./dst/was-link"),
            op("bb.utils.copyfile", "./src/missing", "./dst/x"),
            op("bb.utils.copyfile", "./src/file", "./nodir/x"),
            op("bb.utils.copyfile", "./c", "./dst/c"),  # a directory: /bin/cp without -r fails
        ])

    def test_movefile(self):
        self.same_in_trees([
            op("bb.utils.movefile", "./src/file", "./dst/moved"),
            op("bb.utils.movefile", "./src/other", "./dst"),  # into a directory
            op("bb.utils.movefile", "./src/link", "./dst/link"),
            op("bb.utils.movefile", "./src/missing", "./dst/x"),
            op("bb.utils.movefile", "./b/data", "./dst/timed", 4242.5),
            op("bb.utils.movefile", "./c/sub", "./dst/sub"),
            op("bb.utils.movefile", "./a/tool", "./nodir/x"),
            op("bb.utils.movefile", "./src/dangling", "./dst/was-link"),
        ])

    def test_break_hardlinks(self):
        self.same_in_trees([
            op("bb.utils.break_hardlinks", "./src/linked"),
            op("bb.utils.break_hardlinks", "./src/file"),
            op("bb.utils.break_hardlinks", "./src/missing"),
        ])

    def test_mkdirhier(self):
        self.same_in_trees([
            op("bb.utils.mkdirhier", "./new/deep/dir"),
            op("bb.utils.mkdirhier", "./new/deep/dir"),
            op("bb.utils.mkdirhier", "./a"),
            op("bb.utils.mkdirhier", "./a/tool"),  # a file: warns, raises
            op("bb.utils.mkdirhier", "./a/tool/below"),
            op("bb.utils.mkdirhier", "./${WORKDIR}/x"),  # fatal
            op("bb.utils.mkdirhier", ""),
        ], compare_logs=True)

    def test_remove(self):
        self.same_in_trees([
            op("bb.utils.remove", "./b/data"),
            op("bb.utils.remove", "./b/data"),
            op("bb.utils.remove", "./src/*"),  # no recurse: plain files and links only
            op("bb.utils.remove", "./c"),  # a directory without recurse: raises
            op("bb.utils.remove", "./c", True),
            op("bb.utils.remove", "./dst/was-link", True),  # a link goes, its target stays
            op("bb.utils.remove", ""),
            op("bb.utils.remove", None, True),
            op("bb.utils.remove", "./nothing-*", True),
        ])

    def test_prunedir(self):
        self.same_in_trees([
            op("bb.utils.prunedir", "./c"),
            op("bb.utils.prunedir", "./c"),
            op("bb.utils.prunedir", "./a/tool"),
        ])

    def test_prunedir_refuses_home(self):
        # HOME points into each side's own tree, so a failed guard could only delete that.
        for root, run in ((self.kiln_root, run_kiln), (self.bitbake_root, run_bitbake)):
            answer = run({"ops": [op("bb.utils.prunedir", os.path.join(root, "b")),
                                  op("bb.utils.remove", os.path.join(root, "b*"), True)],
                          "env": {"HOME": os.path.join(root, "b")}})
            self.assertEqual([e["exc"] for e in answer["ops"]], [
                ["Exception", 'bb.utils.prunedir: called with dangerous path "%s/b", refusing to delete!' % root],
                ["Exception", 'bb.utils.remove: called with dangerous path "%s/b" and recurse=True, '
                              'refusing to delete!' % root]])
        self.assertEqual(snapshot(self.kiln_root), snapshot(self.bitbake_root))

    def test_dangerous_path_guard(self):
        paths = ["/", "//", "///", "/home", "/home/", "/home/user", "/home/user/", "/home/user/x",
                 "/homes", "/tmp", "/root", ".", "/home/a/../b", "/usr/../home"]
        for home in ("/root", "", "/tmp/h"):
            mine = run_kiln({"ops": [op("bb._files._is_dangerous_to_delete", p) for p in paths],
                             "env": {"HOME": home}})
            theirs = run_bitbake({"ops": [op("bb.utils._check_unsafe_delete_path", p) for p in paths],
                                  "env": {"HOME": home}})
            self.assertEqual([e["value"] for e in mine["ops"]], [e["value"] for e in theirs["ops"]], home)

    def test_path_is_descendant(self):
        r = self.kiln_root
        os.symlink(os.path.join(r, "c"), os.path.join(r, "c-link"))
        pairs = [["/", "/"], ["/tmp", "/"], [r + "/c/sub", r], [r, r + "/c"], [r + "/c", r + "/c"],
                 [r + "/c-link/sub", r + "/c"], [r + "/c/", r + "/c/"], [r + "/missing", r],
                 [r, r + "/missing"], ["c/sub", "c"], [r + "/a/tool", r + "/a"]]
        mine = run_kiln({"ops": [op("bb.utils.path_is_descendant", *p) for p in pairs], "cwd": r})
        theirs = run_bitbake({"ops": [op("bb.utils.path_is_descendant", *p) for p in pairs], "cwd": r})
        self.assertEqual(mine, theirs)

    def test_hashes(self):
        import zipfile
        r = self.kiln_root
        open(os.path.join(r, "empty"), "w").close()
        with zipfile.ZipFile(os.path.join(r, "mod.zip"), "w") as z:
            z.writestr("m/go.mod", "module m\n")
            z.writestr("m/a.go", "package m\n")
        calls = ["md5_file", "sha1_file", "sha256_file", "sha384_file", "sha512_file", "goh1_file"]
        files = ["a/tool", "empty", "mod.zip", "missing"]
        ops = [op("bb.utils." + c, os.path.join(r, f)) for c in calls for f in files]
        self.assertEqual(run_kiln({"ops": ops}), run_bitbake({"ops": ops}))


class SmallOracle(DifferentialCase):

    def test_to_filemode(self):
        self.same_calls("bb.utils.to_filemode", [["755"], ["0644"], [420], ["0o22"], ["9"], [True], [""]])

    def test_prune_suffix(self):
        self.same_calls("bb.utils.prune_suffix", [
            ["foo-native", ["-native", "-cross"], None], ["foo", ["", "o"], None],
            ["foo-cross-native", ["-cross", "-native"], None], ["x", [], None], ["ab", ["ab"], None]])


class FileFacts(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kiln-bbtest-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_which_history(self):
        os.makedirs(os.path.join(self.tmp, "bin"))
        tool = os.path.join(self.tmp, "bin", "tool")
        open(tool, "w").close()
        path = "/nonexistent:%s/bin" % self.tmp
        self.assertEqual(bb.utils.which(path, "tool", history=True),
                         (tool, ["/nonexistent/tool", tool]))
        self.assertEqual(bb.utils.which(path, "nope", history=True),
                         ("", ["/nonexistent/nope", os.path.join(self.tmp, "bin", "nope")]))
        self.assertEqual(bb.utils.which(path, "tool", executable=True), "")
        os.chmod(tool, 0o755)
        self.assertEqual(bb.utils.which(path, "tool", executable=True), tool)
        self.assertEqual(bb.utils.which(None, "tool"), "")

    def test_copyfile_keeps_whole_second_mtime(self):
        src = os.path.join(self.tmp, "s")
        with open(src, "w") as f:
            f.write("x")
        os.utime(src, (100.5, 200.75))
        self.assertEqual(bb.utils.copyfile(src, os.path.join(self.tmp, "d")), 200)
        self.assertEqual(os.stat(os.path.join(self.tmp, "d")).st_mtime, 200)

    def test_rename_and_umask(self):
        a = os.path.join(self.tmp, "a")
        open(a, "w").close()
        bb.utils.rename(a, a + "2")
        self.assertTrue(os.path.exists(a + "2"))
        with bb.utils.umask(0o077):
            self.assertEqual(os.umask(0o077), 0o077)
        self.assertNotEqual(os.umask(0o022), 0o077)

    def test_mkstemp_adds_entropy(self):
        fd, name = bb.utils.mkstemp(prefix="pre", suffix=".x", dir=self.tmp)
        os.close(fd)
        base = os.path.basename(name)
        self.assertTrue(base.startswith("pre") and base.endswith(".x"))
        self.assertGreaterEqual(len(base), len("pre") + 20 + len(".x"))

    def test_path_is_descendant_root_quirk(self):
        self.assertFalse(bb.utils.path_is_descendant("/tmp", "/"))
        self.assertTrue(bb.utils.path_is_descendant(self.tmp, os.path.dirname(self.tmp)))


if __name__ == "__main__":
    unittest.main()
