// `kiln graph TARGET... [-c TASK]`: the task graph BitBake would run, written as BitBake's
// `bitbake -g` writes it (task-depends.dot and pn-buildlist in the working directory).

import { rmSync, writeFileSync } from "node:fs";
import { parseTree } from "../resolve/index.js";
import { prepareTaskGraph, renderDepGraph } from "../tasks/index.js";
import { fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";

export async function graph(targets: string[], opts: { cmd?: string }): Promise<void> {
  try {
    const { ev, configs, reporter } = await openSession({ tracking: false });
    const tree = await parseTree(ev, configs, reporter, treeOptions());
    const config = configs.get("")!;
    const task = opts.cmd ?? String(config.data.getVar("BB_DEFAULT_TASK") ?? "build");

    const { graph: combined } = prepareTaskGraph(tree, configs, reporter, targets, task);
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
