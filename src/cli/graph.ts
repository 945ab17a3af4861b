// `kiln graph TARGET... [-c TASK]`: the task graph BitBake would run, written as BitBake's
// `bitbake -g` writes it (task-depends.dot and pn-buildlist in the working directory).

import { rmSync, writeFileSync } from "node:fs";
import { parseTree, splitTarget, TaskData } from "../resolve/index.js";
import { buildTaskGraph, type GraphTarget, renderDepGraph, type TaskGraph } from "../tasks/index.js";
import { fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";

export async function graph(targets: string[], opts: { cmd?: string }): Promise<void> {
  try {
    const { ev, configs, reporter } = await openSession({ tracking: false });
    const tree = await parseTree(ev, configs, reporter, treeOptions());
    const config = configs.get("")!;
    let task = opts.cmd ?? String(config.data.getVar("BB_DEFAULT_TASK") ?? "build");
    if (!task.startsWith("do_")) task = `do_${task}`;

    const byMc = new Map<string, GraphTarget[]>();
    for (const target of targets) {
      const [mc, rest] = splitTarget(target.replace(/^multiconfig:/, "mc:"));
      const cut = rest.indexOf(":do_");
      const wanted =
        cut >= 0 ? { name: rest.slice(0, cut), task: rest.slice(cut + 1) } : { name: rest, task };
      if (!configs.has(mc)) throw new Error(`Multiconfig '${mc}' is not enabled (BBMULTICONFIG)`);
      byMc.set(mc, [...(byMc.get(mc) ?? []), wanted]);
    }
    const combined: TaskGraph = { depends: new Map() };
    for (const [mc, wanted] of byMc) {
      const index = tree.indexes.get(mc)!;
      const taskData = new TaskData(index, configs.get(mc)!.data, reporter, true);
      for (const t of wanted) taskData.addTarget(t.name);
      taskData.addUnresolved();
      for (const [tid, deps] of buildTaskGraph(taskData, index, wanted).depends)
        combined.depends.set(tid, deps);
    }
    const files = renderDepGraph(combined, tree.indexes);
    if (files.pnBuildlist !== undefined) {
      writeFileSync("pn-buildlist", files.pnBuildlist);
      process.stdout.write("NOTE: PN build list saved to 'pn-buildlist'\n");
    }
    for (const old of ["pn-depends.dot", "package-depends.dot", "recipe-depends.dot"])
      rmSync(old, { force: true });
    writeFileSync("task-depends.dot", files.taskDepends);
    process.stdout.write("NOTE: Task dependencies saved to 'task-depends.dot'\n");
  } catch (e) {
    fail(e);
  }
}
