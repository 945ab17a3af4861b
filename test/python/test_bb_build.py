"""bb.build: addtask/deltask bookkeeping and the task queries (preceedtask, tasksbetween,
listtasks, add_tasks)."""

import random
import unittest

from ._support import DifferentialCase, FakeData, bb, op

TASK_NAMES = ["fetch", "do_fetch", "unpack", "do_unpack", "compile", "do_build", "install", "x"]


def _dump_tasks(names):
    dump = [["var", "__BBTASKS"]]
    for name in names:
        full = name if name.startswith("do_") else "do_" + name
        dump += [["flag", full, "task"], ["flag", full, "deps"]]
    return dump


def random_task_job(seed, length=12):
    rng = random.Random(seed)

    def words():
        return rng.choice([None, "", " ".join(rng.sample(TASK_NAMES, rng.randint(1, 3)))])

    ops = []
    for _ in range(length):
        if rng.random() < 0.7:
            ops.append(op("bb.build.addtask", rng.choice(TASK_NAMES), words(), words(), "$d"))
        else:
            ops.append(op("bb.build.deltask", rng.choice(TASK_NAMES), "$d"))
    ops.append(op("bb.build.listtasks", "$d"))
    return {"ops": ops, "dump": _dump_tasks(TASK_NAMES)}


class BuildOracle(DifferentialCase):

    def test_addtask_deltask_examples(self):
        ops = [op("bb.build.addtask", "fetch", None, None, "$d"),
               op("bb.build.addtask", "unpack", None, "fetch", "$d"),
               op("bb.build.addtask", "do_patch", "do_configure", "do_unpack", "$d"),
               op("bb.build.addtask", "configure", None, "patch", "$d"),
               op("bb.build.addtask", "compile", "build", "configure configure fetch", "$d"),
               op("bb.build.addtask", "build", "", None, "$d"),
               op("bb.build.addtask", "extra", "compile build", "", "$d"),
               op("bb.build.deltask", "patch", "$d"),
               op("bb.build.deltask", "never_added", "$d"),
               op("bb.build.listtasks", "$d")]
        names = ["fetch", "unpack", "patch", "configure", "compile", "build", "extra", "never_added"]
        self.same({"ops": ops, "dump": _dump_tasks(names)})

    def test_random_sequences(self):
        for seed in range(150):
            self.same(random_task_job(seed), msg="seed %d" % seed)

    def test_queries(self):
        flags = [["do_b", "recrdeptask", "do_a do_b"], ["do_d", "recrdeptask", ""]]
        ops = [op("bb.build.addtask", "a", None, None, "$d"),
               op("bb.build.addtask", "b", None, "a", "$d"),
               op("bb.build.addtask", "c", "d", "b", "$d"),
               op("bb.build.addtask", "d", None, "a", "$d"),
               op("bb.build.addtask", "e", None, None, "$d")]
        for task in ("do_a", "do_b", "do_c", "do_d", "do_x"):
            ops += [op("bb.build.preceedtask", task, False, "$d"), op("bb.build.preceedtask", task, True, "$d")]
        for start in ("do_a", "do_b", "do_e"):
            for end in ("do_a", "do_c", "do_d", "do_e"):
                # Its order follows d.keys(), which BitBake leaves to set ordering.
                ops.append(dict(op("bb.build.tasksbetween", start, end, "$d"), sorted=True))
        ops.append(op("bb.build.listtasks", "$d"))
        self.same({"flags": flags, "ops": ops})
        # No tasks at all: preceedtask fails on the missing list, as in BitBake.
        self.same({"ops": [op("bb.build.preceedtask", "do_a", False, "$d"), op("bb.build.listtasks", "$d")]})

    def test_tasksbetween_cycle_is_fatal(self):
        flags = [["do_a", "task", 1], ["do_b", "task", 1], ["do_a", "deps", ["do_b"]], ["do_b", "deps", ["do_a"]]]
        self.same({"flags": flags, "ops": [op("bb.build.tasksbetween", "do_a", "do_x", "$d")]})

    def test_add_tasks(self):
        vars = {"N": "1"}
        flags = [["do_a", "deps", ["do_${N}", "do_b"]], ["do_a", "depends", "x:do_y ${N}"],
                 ["do_a", "nostamp", "${N}"], ["do_b", "noexec", "yes"], ["do_b", "umask", "022"]]
        self.same({"vars": vars, "flags": flags,
                   "ops": [op("bb.build.add_tasks", ["do_a", "do_b", "do_${N}"], "$d")],
                   "dump": [["var", "_task_deps"], ["flag", "do_1", "task"]]})


class BuildFacts(unittest.TestCase):

    def test_addtask_semantics(self):
        d = FakeData()
        bb.build.addtask("compile", "build", "configure", d)
        bb.build.addtask("install", "build", "compile", d)
        self.assertEqual(d.getVar("__BBTASKS", False), ["do_compile", "do_install"])
        self.assertEqual(d.getVarFlag("do_compile", "task"), 1)
        self.assertEqual(d.getVarFlag("do_compile", "deps"), ["do_configure"])
        # "before" puts the newest task first and does not make do_build a task.
        self.assertEqual(d.getVarFlag("do_build", "deps"), ["do_install", "do_compile"])
        self.assertIsNone(d.getVarFlag("do_build", "task"))

    def test_deltask_semantics(self):
        d = FakeData()
        bb.build.addtask("a", None, None, d)
        bb.build.addtask("b", None, "a", d)
        bb.build.deltask("a", d)
        self.assertEqual(d.getVar("__BBTASKS", False), ["do_b"])
        self.assertEqual(d.getVarFlag("do_b", "deps"), [])
        self.assertIsNone(d.getVarFlag("do_a", "task"))

    def test_prefix(self):
        self.assertEqual(bb.build.ensure_task_prefix("do_x"), "do_x")
        self.assertEqual(bb.build.ensure_task_prefix("dox"), "do_dox")


if __name__ == "__main__":
    unittest.main()
