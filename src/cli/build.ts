// `kiln build TARGET... [-c TASK] [-f] [-k] [-n]`: run the task graph for real, as `bitbake` does.
// One build at a time per build directory (a lock in TOPDIR, taken over when its owner is gone).

import path from "node:path";
import { runBuild } from "../build/index.js";
import { parseTree } from "../resolve/index.js";
import { createProgress } from "../ui/index.js";
import { lockHolder, tryLock } from "../util/lock.js";
import { fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";

export interface BuildCommandOptions {
  cmd?: string;
  force?: boolean;
  continue?: boolean;
  dryRun?: boolean;
}

export async function build(targets: string[], opts: BuildCommandOptions): Promise<void> {
  let ok = false;
  try {
    const { ev, configs, reporter, config } = await openSession({ tracking: false });
    const lockFile = path.join(String(config.data.getVar("TOPDIR")), "kiln.lock");
    const lock = tryLock(lockFile);
    if (!lock) {
      const pid = lockHolder(lockFile);
      throw new Error(
        `another kiln (process ${pid ?? "?"}) is building in this directory (${lockFile}); wait for it to finish or stop it`,
      );
    }
    try {
      const tree = await parseTree(ev, configs, reporter, treeOptions());
      const ui = createProgress();
      const summary = await runBuild(
        { configs, reporter, tree, cwd: process.cwd(), env: process.env },
        targets,
        { task: opts.cmd, force: opts.force, keepGoing: opts.continue, dryRun: opts.dryRun },
        ui,
      );
      const attempted = summary.total - summary.notRun.length;
      if (opts.dryRun) {
        process.stdout.write(
          `NOTE: Dry run: ${summary.planned} of ${summary.total} tasks would run or be restored.\n`,
        );
        ok = true;
      } else {
        const outcome =
          summary.failed.length === 0
            ? "all succeeded"
            : `${summary.failed.length} failed${summary.notRun.length ? ` (${summary.notRun.length} not run because of it)` : ""}`;
        process.stdout.write(
          `NOTE: Tasks Summary: Attempted ${attempted} tasks of which ${summary.current} didn't need to be rerun` +
            `${summary.restored.length ? ` and ${summary.restored.length} were restored from shared state` : ""}` +
            ` and ${outcome}.\n`,
        );
        for (const f of summary.failed) process.stdout.write(`Summary: task ${f} failed\n`);
        ok = summary.ok;
      }
    } finally {
      lock.release();
    }
  } catch (e) {
    fail(e);
  }
  if (!ok) process.exit(1);
}
