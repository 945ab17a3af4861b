// `kiln build`: from targets to finished tasks. The task graph is prepared as for `kiln graph`,
// every recipe in it is parsed in full by the build threads (signatures, task flags), task
// hashes are computed over the graph, and then only what is needed runs: a task whose stamp
// matches its hash is done; a task whose outputs are in shared state is restored (and then its
// own dependencies are not needed); everything else runs, dependencies first, up to
// BB_NUMBER_THREADS at a time.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  hasOutputs,
  restoreOutputs,
  type SstateConfig,
  type SstateKey,
  storeOutputs,
} from "../cache/index.js";
import type { DataStore, Reporter } from "../data/index.js";
import { sandboxPrefix } from "../exec/index.js";
import {
  appendsFor,
  type Configuration,
  configurationHashes,
  ensureTaskPrefix,
  splitVirtualName,
} from "../parse/index.js";
import { fnOf, type ParsedTree, taskOf } from "../resolve/index.js";
import {
  compareSigData,
  computeTaskHashes,
  prepareTaskGraph,
  readSigData,
  type SigData,
  sigdataDir,
  sigdataFile,
  writeSigData,
} from "../tasks/index.js";
import type { BuildProgress } from "../ui/index.js";
import { BuildPool } from "./pool.js";
import type { RecipePrep } from "./prep.js";
import { loadPrep, savePrep } from "./prep-cache.js";
import { isStamped, readTaint, stampedHashes, writeStamp, writeTaint } from "./stamps.js";

export interface BuildOptions {
  /** -c: the task to run for each target (default BB_DEFAULT_TASK, else "build"). */
  task?: string;
  /** -f: run the targets' task even if its stamp is current (and taint it, as BitBake does). */
  force?: boolean;
  /** -k: go on with everything that does not depend on a failed task. */
  keepGoing?: boolean;
  /** -n: say what would run and why, run nothing. */
  dryRun?: boolean;
}

export interface BuildSession {
  configs: Map<string, Configuration>;
  reporter: Reporter;
  tree: ParsedTree;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

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

type Plan = "run" | "restore" | "current";

/** How a task is named to people: "pn:do_task" (with "mc:NAME:" in a multiconfig). */
const labelOf = (prep: RecipePrep, task: string) => `${prep.mcPrefix}${prep.pn}:${task}`;

export async function runBuild(
  session: BuildSession,
  targets: string[],
  opts: BuildOptions,
  ui: BuildProgress,
): Promise<BuildSummary> {
  const { configs, reporter, tree } = session;
  const config = configs.get("")!.data;
  const task = ensureTaskPrefix(opts.task ?? (String(config.getVar("BB_DEFAULT_TASK") ?? "") || "build"));
  const prepared = prepareTaskGraph(tree, configs, reporter, targets, task);
  const depends = prepared.graph.depends;

  const threads = buildThreads(config);
  const tmpdir = String(config.getVar("TMPDIR"));
  const running = new RunningTasks(path.join(tmpdir, "kiln", "running"));
  running.killLeftovers();
  // Build threads start only when something needs them (a recipe to prepare, a task to run).
  let pool: BuildPool | undefined;
  const threadsReady = async (): Promise<BuildPool> => {
    if (!pool) {
      pool = new BuildPool(threads, { cwd: session.cwd, env: session.env }, configurationHashes(configs), {
        onProcess: (pid, script, on) => running.record(pid, script, on),
        onMessage: (l) => ui.line(l),
      });
    }
    await pool.started();
    return pool;
  };
  try {
    // Every recipe of the graph, parsed in full by the threads (or known from an earlier build).
    const names = [...new Set([...depends.keys()].map(fnOf))];
    const appendsOf = (name: string) => {
      const { file, mc } = splitVirtualName(name);
      return appendsFor(file, tree.appends.get(mc) ?? []);
    };
    const preps = new Map<string, RecipePrep>();
    await Promise.all(
      names.map(async (n) => {
        const { file, mc } = splitVirtualName(n);
        const fingerprint = tree.fingerprints.get(`${mc}\0${file}`);
        const dir = path.join(String(configs.get(mc)?.data.getVar("CACHE") ?? tmpdir), "kiln", "preps");
        let prep = fingerprint ? loadPrep(dir, fingerprint, n) : undefined;
        if (!prep) {
          prep = await (await threadsReady()).prepare(n, appendsOf(n));
          if (fingerprint) savePrep(dir, fingerprint, n, prep);
        }
        preps.set(n, prep);
      }),
    );
    const prepOf = (tid: string) => preps.get(fnOf(tid))!;

    const targetTids = prepared.targets.flatMap((t) => {
      const fn = prepared.parts.get(t.mc)?.taskData.buildTargets.get(t.name)?.[0];
      return fn && depends.has(`${fn}:${t.task}`) ? [`${fn}:${t.task}`] : [];
    });
    const forced = new Set(opts.force ? targetTids : []);
    const taints = new Map<string, string>();
    for (const tid of depends.keys()) {
      const p = prepOf(tid);
      const t =
        forced.has(tid) && !opts.dryRun ? writeTaint(p.stamp, taskOf(tid)) : readTaint(p.stamp, taskOf(tid));
      if (t) taints.set(tid, t);
    }
    const hashes = computeTaskHashes(depends, (tid) => {
      const p = prepOf(tid);
      const t = taskOf(tid);
      return {
        pn: p.pn,
        pnid: `${p.mcPrefix}${p.pn}:${t}`,
        task: t,
        signatures: p.signatures,
        ignoreVars: p.ignoreVars,
        ignoreTasks: p.ignoreTasks,
        fileChecksums: p.tasks[t]?.fileChecksums ?? "",
        nostamp: p.tasks[t]?.nostamp ?? false,
        taint: taints.get(tid),
      };
    });
    const hashOf = (tid: string) => hashes.get(tid)!.taskhash;
    const sstateOf = (tid: string): { cfg: SstateConfig; key: SstateKey; dirs: string[] } | null => {
      const p = prepOf(tid);
      const dirs = p.tasks[taskOf(tid)]?.sstateDirs ?? [];
      if (dirs.length === 0 || !p.sstateDir) return null;
      const fakeroot = p.tasks[taskOf(tid)]?.fakeroot;
      return {
        cfg: {
          dir: p.sstateDir,
          mirrors: p.sstateMirrors,
          log: (l) => ui.line(`NOTE: ${l}`),
          // Owners given under fakeroot are archived (and restored) as the task saw them; asked
          // for when tar runs, since the state file appears only once a fakeroot task ran.
          get tarPrefix() {
            return fakeroot ? sandboxPrefix({ network: true, fakerootState: p.fakerootState }) : undefined;
          },
        },
        key: { pn: p.pn, task: taskOf(tid), hash: hashOf(tid) },
        dirs,
      };
    };

    // What is needed: walk back from the targets; a current or restorable task cuts the walk.
    const plan = new Map<string, Plan>();
    const decide = async (tid: string): Promise<Plan> => {
      const p = prepOf(tid);
      const t = taskOf(tid);
      const info = p.tasks[t];
      if (forced.has(tid) || info?.nostamp) return "run";
      if (isStamped(p.stamp, t, hashOf(tid))) return "current";
      const ss = sstateOf(tid);
      if (ss && !info?.noexec && (await hasOutputs(ss.cfg, ss.key))) return "restore";
      return "run";
    };
    const visit = async (start: string[]) => {
      const queue = [...start];
      while (queue.length > 0) {
        const tid = queue.shift()!;
        if (plan.has(tid)) continue;
        const how = await decide(tid);
        plan.set(tid, how);
        if (how === "run") queue.push(...(depends.get(tid) ?? []));
      }
    };
    await visit(targetTids.length > 0 ? targetTids : [...depends.keys()]);

    const work = [...plan].filter(([, how]) => how !== "current").map(([tid]) => tid);
    const summary: BuildSummary = {
      ok: true,
      total: depends.size,
      current: depends.size - work.length,
      planned: work.length,
      ran: [],
      restored: [],
      failed: [],
      notRun: [],
    };
    if (opts.dryRun) {
      for (const tid of topological(work, depends)) {
        ui.line(`${labelOf(prepOf(tid), taskOf(tid))}: ${reason(tid, plan.get(tid)!)}`);
      }
      return summary;
    }

    // Execute: a task starts when none of the tasks it depends on is still planned.
    const sigdir = sigdataDir(tmpdir);
    const pending = new Set(work);
    const active = new Set<string>();
    let stopping = false;
    let noexecRan = 0;
    ui.start(work.length);
    const blockedBy = (tid: string) =>
      [...(depends.get(tid) ?? [])].some((d) => pending.has(d) || active.has(d));
    const finish = (tid: string) => {
      const p = prepOf(tid);
      const t = taskOf(tid);
      writeSigData(sigdir, `${p.mcPrefix}${p.pn}:${t}`, hashes.get(tid)!);
      const info = p.tasks[t];
      if (info?.deployInto) for (const dir of info.sstateDirs) deployInto(dir, info.deployInto);
      if (!info?.nostamp) writeStamp(p.stamp, t, hashOf(tid));
    };
    const execute = async (tid: string): Promise<void> => {
      const p = prepOf(tid);
      const t = taskOf(tid);
      const label = labelOf(p, t);
      const ss = sstateOf(tid);
      if (plan.get(tid) === "restore" && ss) {
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
        plan.set(tid, "run");
        const before = plan.size;
        await visit([...(depends.get(tid) ?? [])]);
        const added = [...plan].slice(before).filter(([, how]) => how !== "current");
        for (const [other] of added) pending.add(other);
        pending.add(tid);
        ui.taskRequeued(label, added.length);
        return;
      }
      if (p.tasks[t]?.noexec) {
        finish(tid);
        noexecRan++;
        return;
      }
      ui.taskStarted(label);
      let outcome: Awaited<ReturnType<BuildPool["run"]>>;
      try {
        outcome = await (await threadsReady()).run(p.name, appendsOf(p.name), t, String(process.pid));
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
            if (active.size >= threads) break;
            if (active.has(tid) || blockedBy(tid)) continue;
            if ([...(depends.get(tid) ?? [])].some((d) => failedSet.has(d))) continue;
            pending.delete(tid);
            active.add(tid);
            execute(tid)
              .catch((e) => {
                failedSet.add(tid);
                if (e instanceof FailedTask) return; // reported already
                // Anything else (shared state, deploying, stamps) fails the task, said so.
                const label = labelOf(prepOf(tid), taskOf(tid));
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
          for (const tid of pending) summary.notRun.push(labelOf(prepOf(tid), taskOf(tid)));
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
    return summary;

    function reason(tid: string, how: Plan): string {
      if (how === "restore") return "restore from shared state";
      if (forced.has(tid)) return "run (forced)";
      const p = prepOf(tid);
      const t = taskOf(tid);
      if (p.tasks[t]?.nostamp) return "run (always runs: [nostamp])";
      const old = stampedHashes(p.stamp, t);
      if (old.length === 0) return "run (never ran)";
      const file = sigdataFile(sigdataDir(tmpdir), `${p.mcPrefix}${p.pn}:${t}`, old[0]);
      if (!existsSync(file)) return `run (hash changed from ${old[0].slice(0, 12)})`;
      const lookup = (pnid: string, hash: string) => {
        const f = sigdataFile(sigdataDir(tmpdir), pnid, hash);
        return existsSync(f) ? readSigData(f) : undefined;
      };
      const why = compareSigData(readSigData(file), hashes.get(tid) as SigData, lookup);
      return `run (hash changed: ${why.map((l) => l.trim().replace(/\s*\n\s*/g, " ")).join("; ") || "signature differs"})`;
    }
  } finally {
    await pool?.close();
  }
}

class FailedTask extends Error {}

/** Copy the contents of `dir` into the shared directory `dest` (files of the same name replaced). */
function deployInto(dir: string, dest: string): void {
  if (!existsSync(dir)) return;
  mkdirSync(dest, { recursive: true });
  const r = spawnSync("cp", ["-a", "--remove-destination", `${dir}/.`, `${dest}/`], { encoding: "utf8" });
  if (r.status !== 0)
    throw new Error(`could not deploy ${dir} into ${dest}: ${r.stderr || r.error?.message}`);
}

/** BB_NUMBER_THREADS (default: the number of cores). */
function buildThreads(config: DataStore): number {
  const n = Number.parseInt(String(config.getVar("BB_NUMBER_THREADS") ?? ""), 10);
  return Number.isFinite(n) && n > 0 ? n : os.availableParallelism();
}

/** Dependencies before dependents, among `tids`. */
function topological(tids: string[], depends: Map<string, Set<string>>): string[] {
  const wanted = new Set(tids);
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (tid: string) => {
    if (seen.has(tid)) return;
    seen.add(tid);
    for (const d of [...(depends.get(tid) ?? [])].sort()) if (wanted.has(d)) visit(d);
    out.push(tid);
  };
  for (const tid of [...tids].sort()) visit(tid);
  return out;
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

/**
 * Shell task processes of this build, recorded in files so that a build started after kiln was
 * killed can stop what the killed one left running (its task processes' whole process groups).
 */
class RunningTasks {
  constructor(private readonly dir: string) {}

  record(pid: number, script: string, on: boolean): void {
    const file = path.join(this.dir, String(pid));
    if (on) {
      try {
        writeFileSync(file, script);
      } catch {
        mkdirSync(this.dir, { recursive: true });
        writeFileSync(file, script);
      }
    } else rmSync(file, { force: true });
  }

  killLeftovers(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      mkdirSync(this.dir, { recursive: true });
      return;
    }
    for (const name of names) {
      const file = path.join(this.dir, name);
      const pid = Number(name);
      try {
        const script = readFileSync(file, "utf8");
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (script && cmdline.includes(script)) process.kill(-pid, "SIGKILL");
      } catch {
        // gone already
      }
      rmSync(file, { force: true });
    }
  }
}
