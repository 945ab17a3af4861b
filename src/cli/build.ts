// `kiln build TARGET... [-c TASK] [-f] [-k] [-n]`: run the task graph for real, as `bitbake` does.
// One build at a time per build directory (a lock in TOPDIR, taken over when its owner is gone).

import { appendFileSync, renameSync, symlinkSync } from "node:fs";
import path from "node:path";
import type { DataStore } from "../data/index.js";
import { parseTree } from "../resolve/index.js";
import { runBuild } from "../runqueue/index.js";
import { createProgress } from "../ui/index.js";
import { lockHolder, tryLock } from "../util/lock.js";
import { fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";

export interface BuildCommandOptions {
  cmd?: string;
  force?: boolean;
  continue?: boolean;
  dryRun?: boolean;
  /** Show bookkeeping (shared state stored, restored) on screen, not only in the console log. */
  verbose?: boolean;
}

/**
 * Where this build's console log goes: BB_CONSOLELOG when the configuration sets it (as
 * OpenEmbedded does), else TMPDIR/log/cooker/MACHINE/<date and time>.log; console-latest.log
 * beside it names the newest, as with BitBake.
 */
function consoleLog(d: DataStore): string {
  const set = d.getVar("BB_CONSOLELOG");
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return set
    ? String(set)
    : path.join(
        String(d.getVar("TMPDIR")),
        "log",
        "cooker",
        String(d.getVar("MACHINE") ?? "default"),
        `${stamp}.log`,
      );
}

/** Point console-latest.log beside `file` at it (replacing the link atomically). */
function linkLatest(file: string): void {
  const link = path.join(path.dirname(file), "console-latest.log");
  const tmp = `${link}.${process.pid}.tmp`;
  try {
    symlinkSync(path.basename(file), tmp);
    renameSync(tmp, link);
  } catch {
    // The log itself is what matters; a link that cannot be made is not worth failing for.
  }
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
      const logFile = consoleLog(config.data);
      const ui = createProgress({ verbose: opts.verbose, logFile });
      linkLatest(logFile);
      const say = (text: string) => {
        process.stdout.write(text);
        appendFileSync(logFile, text);
      };
      const summary = await runBuild(
        { configs, reporter, tree, cwd: process.cwd(), env: process.env },
        targets,
        { task: opts.cmd, force: opts.force, keepGoing: opts.continue, dryRun: opts.dryRun },
        ui,
      );
      const attempted = summary.total - summary.notRun.length;
      if (opts.dryRun) {
        say(`NOTE: Dry run: ${summary.planned} of ${summary.total} tasks would run or be restored.\n`);
        ok = true;
      } else {
        const outcome =
          summary.failed.length === 0
            ? "all succeeded"
            : `${summary.failed.length} failed${summary.notRun.length ? ` (${summary.notRun.length} not run because of it)` : ""}`;
        say(
          `NOTE: Tasks Summary: Attempted ${attempted} tasks of which ${summary.current} didn't need to be rerun` +
            `${summary.restored.length ? ` and ${summary.restored.length} were restored from shared state` : ""}` +
            ` and ${outcome}.\n`,
        );
        for (const f of summary.failed) say(`Summary: task ${f} failed\n`);
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
