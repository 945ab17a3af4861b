// Carrying out a build's plan: a task starts when none of the tasks it depends on is still
// planned or running, up to BB_NUMBER_THREADS at a time. A restored task that turns out not to be
// restorable runs after all, with what it needs; a failed task stops the build (or, with -k,
// only what depends on it).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { restoreOutputs, storeOutputs } from "../cache/index.js";
import type { TaskOutcome } from "../exec/index.js";
import { taskOf } from "../resolve/index.js";
import { writeSigData } from "../tasks/index.js";
import type { BuildProgress } from "../ui/index.js";
import { loadZstd } from "../util/zstd.js";
import { type BuildGraph, hashOf, labelOf, type Planner } from "./plan.js";
import type { BuildPool } from "./pool.js";
import type { RecipePrep } from "./prep.js";
import { writeStamp } from "./stamps.js";

export interface BuildSummary {
  ok: boolean;
  /** Tasks in the graph. */
  total: number;
  /** Tasks that did not need to run (stamps current, or not needed after a restore). */
  current: number;
  /** Tasks that were to run or be restored. */
  planned: number;
  ran: string[];
  restored: string[];
  failed: string[];
  /** Tasks not run because something they need failed. */
  notRun: string[];
}

export interface ExecuteOptions {
  ui: BuildProgress;
  /** -k: go on with everything that does not depend on a failed task. */
  keepGoing: boolean;
  /** How many tasks may run at once (BB_NUMBER_THREADS). */
  workers: number;
  /** The build workers (started when first needed). */
  pool(): Promise<BuildPool>;
  /** The appends of a recipe, by its (virtual) name. */
  appendsOf(name: string): string[];
}

class FailedTask extends Error {}

/** Execute what `planner` planned; what happened goes into `summary`. */
export async function executePlan(
  g: BuildGraph,
  planner: Planner,
  summary: BuildSummary,
  opts: ExecuteOptions,
): Promise<void> {
  const { ui } = opts;
  await loadZstd();
  const pending = new Set(planner.work());
  const active = new Set<string>();
  let stopping = false;
  let noexecRan = 0;
  ui.start(pending.size);
  const blockedBy = (tid: string) =>
    [...(g.depends.get(tid) ?? [])].some((d) => pending.has(d) || active.has(d));

  // A task done (run, restored or [noexec]): its signature data, deployment and stamp.
  const finish = (tid: string) => {
    const p = g.prepOf(tid);
    const t = taskOf(tid);
    writeSigData(p.stamp, g.hashes.get(tid)!);
    const info = p.tasks[t];
    if (info?.deployInto) for (const dir of info.sstateDirs) deployInto(dir, info.deployInto);
    if (!info?.nostamp) writeStamp(p.stamp, t, hashOf(g, tid));
  };

  // Restore a task from shared state, or requeue it to run after all, with what it needs.
  const restore = async (tid: string): Promise<void> => {
    const label = labelOf(g.prepOf(tid), taskOf(tid));
    const ss = g.sstateOf(tid)!;
    ui.taskStarted(label);
    const r = await restoreOutputs(
      ss.cfg,
      ss.key,
      ss.dirs.map((d) => ({ path: d })),
    );
    if (r.status === "restored") {
      finish(tid);
      summary.restored.push(label);
      ui.taskFinished(label, "restored");
      return;
    }
    if (r.status === "corrupt")
      ui.line(`WARNING: ${label}: shared state entry is corrupt (${r.reason}); running the task instead`);
    // Not restorable after all: the task runs, and so must what it needs.
    planner.plan.set(tid, "run");
    const before = planner.plan.size;
    await planner.visit([...(g.depends.get(tid) ?? [])]);
    const added = [...planner.plan].slice(before).filter(([, how]) => how !== "current");
    for (const [other] of added) pending.add(other);
    pending.add(tid);
    ui.taskRequeued(label, added.length);
  };

  const execute = async (tid: string): Promise<void> => {
    const p = g.prepOf(tid);
    const t = taskOf(tid);
    const label = labelOf(p, t);
    const ss = g.sstateOf(tid);
    if (planner.plan.get(tid) === "restore" && ss) {
      await restore(tid);
      return;
    }
    if (p.tasks[t]?.noexec) {
      finish(tid);
      noexecRan++;
      return;
    }
    ui.taskStarted(label);
    let outcome: TaskOutcome;
    try {
      outcome = await (await opts.pool()).run(p.name, opts.appendsOf(p.name), t, String(process.pid));
    } catch (e) {
      outcome = { ok: false, logFile: "", message: (e as Error).message };
    }
    if (outcome.ok && ss) {
      try {
        await storeOutputs(
          ss.cfg,
          ss.key,
          ss.dirs.map((d) => ({ path: d })),
        );
      } catch (e) {
        ui.line(`WARNING: ${label}: could not store shared state: ${(e as Error).message}`);
      }
    }
    if (outcome.ok) {
      finish(tid);
      summary.ran.push(label);
      ui.taskFinished(label, "ran");
      return;
    }
    summary.failed.push(label);
    summary.ok = false;
    ui.taskFinished(label, "failed");
    ui.line(failureReport(label, p, outcome));
    if (!opts.keepGoing) stopping = true;
    throw new FailedTask();
  };

  await new Promise<void>((resolve) => {
    const failedSet = new Set<string>();
    const pump = () => {
      if (!stopping) {
        for (const tid of [...pending]) {
          if (active.size >= opts.workers) break;
          if (active.has(tid) || blockedBy(tid)) continue;
          if ([...(g.depends.get(tid) ?? [])].some((d) => failedSet.has(d))) continue;
          pending.delete(tid);
          active.add(tid);
          execute(tid)
            .catch((e) => {
              failedSet.add(tid);
              if (e instanceof FailedTask) return; // reported already
              // Anything else (shared state, deploying, stamps) fails the task, said so.
              const label = labelOf(g.prepOf(tid), taskOf(tid));
              summary.failed.push(label);
              summary.ok = false;
              ui.line(`ERROR: ${label}: ${(e as Error).message ?? String(e)}`);
              if (!opts.keepGoing) stopping = true;
            })
            .finally(() => {
              active.delete(tid);
              pump();
            });
        }
      }
      // Tasks that can never start (a dependency failed) end the build once nothing runs.
      if (active.size === 0) {
        for (const tid of pending) summary.notRun.push(labelOf(g.prepOf(tid), taskOf(tid)));
        resolve();
      }
    };
    pump();
  });
  ui.stop();
  summary.current =
    summary.total -
    summary.ran.length -
    summary.restored.length -
    summary.failed.length -
    summary.notRun.length -
    noexecRan;
}

/** Copy the contents of `dir` into the shared directory `dest` (files of the same name replaced). */
function deployInto(dir: string, dest: string): void {
  if (!existsSync(dir)) return;
  mkdirSync(dest, { recursive: true });
  const r = spawnSync("cp", ["-a", "--remove-destination", `${dir}/.`, `${dest}/`], { encoding: "utf8" });
  if (r.status !== 0)
    throw new Error(`could not deploy ${dir} into ${dest}: ${r.stderr || r.error?.message}`);
}

/** The failed task, its recipe, its log and the log's last lines. */
function failureReport(
  label: string,
  prep: RecipePrep,
  outcome: { logFile: string; message?: string },
): string {
  const lines = [
    `ERROR: ${label} failed: ${outcome.message ?? "unknown failure"}`,
    `ERROR: recipe ${prep.name}`,
  ];
  if (outcome.logFile) {
    lines.push(`ERROR: Logfile of failure stored in: ${outcome.logFile}`);
    try {
      const tail = readFileSync(outcome.logFile, "utf8").trimEnd().split("\n").slice(-20);
      lines.push("Log data follows (last lines):", ...tail.map((l) => `| ${l}`));
    } catch {
      // no log written
    }
  }
  return lines.join("\n");
}
