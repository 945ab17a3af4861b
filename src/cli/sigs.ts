// `kiln sigs TARGET [-c TASK] [--json]`: what went into a task's signature, like bitbake-dumpsig.

import { parseTree, targetData } from "../resolve/index.js";
import { initShellParser, recipeSignatures } from "../tasks/index.js";
import { fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";

export async function sigs(target: string, opts: { cmd?: string; json?: boolean }): Promise<void> {
  try {
    await initShellParser();
    const { ev, configs, reporter } = await openSession({ tracking: false });
    const tree = await parseTree(ev, configs, reporter, treeOptions());
    const { data } = targetData(ev, configs, tree, target, reporter);
    const signatures = recipeSignatures(data);
    if (opts.json) {
      const vars: Record<string, { deps: string[]; value: string | null }> = {};
      for (const name of [...signatures.vars.keys()].sort()) {
        const v = signatures.vars.get(name)!;
        vars[name] = { deps: [...v.deps].sort(), value: v.value };
      }
      process.stdout.write(
        `${JSON.stringify({ basehash: Object.fromEntries([...signatures.basehash].sort()), vars }, null, 0)}\n`,
      );
      return;
    }
    let task = opts.cmd ?? "build";
    if (!task.startsWith("do_")) task = `do_${task}`;
    const basehash = signatures.basehash.get(task);
    if (!basehash) throw new Error(`Task ${task} does not exist for target ${target}`);
    const out = (l: string) => process.stdout.write(`${l}\n`);
    const closure = [...signatures.taskdeps.get(task)!].sort();
    out(`Task dependencies: [${closure.map((c) => `'${c}'`).join(", ")}]`);
    out(`basehash: ${basehash}`);
    for (const dep of closure) {
      const v = signatures.vars.get(dep)!;
      out(
        `List of dependencies for variable ${dep} is [${[...v.deps]
          .sort()
          .map((c) => `'${c}'`)
          .join(", ")}]`,
      );
    }
    for (const dep of [task, ...closure])
      out(`Variable ${dep} value is ${signatures.vars.get(dep)?.value ?? "None"}`);
  } catch (e) {
    fail(e);
  }
}
