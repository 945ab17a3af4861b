// `kiln build`: from targets to finished tasks. The task graph is prepared as for `kiln graph`,
// every recipe in it is parsed in full by the build workers (signatures, task flags), task
// hashes are computed over the graph, then plan.ts decides what must run or be restored and
// execute.ts carries it out.

import os from "node:os";
import path from "node:path";
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
import { computeTaskHashes, prepareTaskGraph, type SigData } from "../tasks/index.js";
import type { BuildProgress } from "../ui/index.js";
import { type BuildSummary, executePlan } from "./execute.js";
import { type BuildGraph, hashOf, labelOf, Planner, type SstateTask, topological } from "./plan.js";
import { BuildPool } from "./pool.js";
import type { RecipePrep } from "./prep.js";
import { loadPrep, savePrep } from "./prep-cache.js";
import { RunningTasks } from "./running-tasks.js";
import { readTaint, writeTaint } from "./stamps.js";

export type { BuildSummary } from "./execute.js";

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

/** BB_NUMBER_THREADS (default: the number of cores). */
function buildThreads(config: DataStore): number {
  const n = Number.parseInt(String(config.getVar("BB_NUMBER_THREADS") ?? ""), 10);
  return Number.isFinite(n) && n > 0 ? n : os.availableParallelism();
}

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

  const workers = buildThreads(config);
  const tmpdir = String(config.getVar("TMPDIR"));
  const running = new RunningTasks(path.join(tmpdir, "kiln", "running"));
  running.killLeftovers();
  // Build workers start only when something needs them (a recipe to prepare, a task to run).
  let pool: BuildPool | undefined;
  const poolReady = async (): Promise<BuildPool> => {
    pool ??= new BuildPool(workers, { cwd: session.cwd, env: session.env }, configurationHashes(configs), {
      onProcess: (pid, script, on) => running.record(pid, script, on),
      onMessage: (l) => ui.line(l),
    });
    await pool.started();
    return pool;
  };
  const appendsOf = (name: string) => {
    const { file, mc } = splitVirtualName(name);
    return appendsFor(file, tree.appends.get(mc) ?? []);
  };
  try {
    const names = [...new Set([...depends.keys()].map(fnOf))];
    const preps = await prepareRecipes(session, names, tmpdir, (n) =>
      poolReady().then((p) => p.prepare(n, appendsOf(n))),
    );
    const prepOf = (tid: string) => preps.get(fnOf(tid))!;

    const targetTids = prepared.targets.flatMap((t) => {
      const fn = prepared.parts.get(t.mc)?.taskData.buildTargets.get(t.name)?.[0];
      return fn && depends.has(`${fn}:${t.task}`) ? [`${fn}:${t.task}`] : [];
    });
    const forced = new Set(opts.force ? targetTids : []);
    const graph: BuildGraph = {
      depends,
      prepOf,
      hashes: taskHashes(depends, prepOf, forced, opts.dryRun ?? false),
      forced,
      sstateOf: (tid) => sstateOf(prepOf(tid), tid, graph, ui),
    };

    const planner = new Planner(graph);
    await planner.visit(targetTids.length > 0 ? targetTids : [...depends.keys()]);
    const work = planner.work();
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
      for (const tid of topological(work, depends))
        ui.line(`${labelOf(prepOf(tid), taskOf(tid))}: ${planner.reason(tid)}`);
      return summary;
    }
    await executePlan(graph, planner, summary, {
      ui,
      keepGoing: opts.keepGoing ?? false,
      workers,
      pool: poolReady,
      appendsOf,
    });
    return summary;
  } finally {
    await pool?.close();
  }
}

/**
 * Every recipe of the graph, parsed in full by the build workers, or known from an earlier
 * build (kept under ${CACHE}/kiln/preps by the recipe's parse fingerprint).
 */
async function prepareRecipes(
  session: BuildSession,
  names: string[],
  tmpdir: string,
  prepare: (name: string) => Promise<RecipePrep>,
): Promise<Map<string, RecipePrep>> {
  const preps = new Map<string, RecipePrep>();
  await Promise.all(
    names.map(async (n) => {
      const { file, mc } = splitVirtualName(n);
      const fingerprint = session.tree.fingerprints.get(`${mc}\0${file}`);
      const dir = path.join(String(session.configs.get(mc)?.data.getVar("CACHE") ?? tmpdir), "kiln", "preps");
      let prep = fingerprint ? loadPrep(dir, fingerprint, n) : undefined;
      if (!prep) {
        prep = await prepare(n);
        if (fingerprint) savePrep(dir, fingerprint, n, prep);
      }
      preps.set(n, prep);
    }),
  );
  return preps;
}

/** Every task's hash over the graph; -f taints the targets' tasks (unless only asked what would run). */
function taskHashes(
  depends: Map<string, Set<string>>,
  prepOf: (tid: string) => RecipePrep,
  forced: Set<string>,
  dryRun: boolean,
): Map<string, SigData> {
  const taints = new Map<string, string>();
  for (const tid of depends.keys()) {
    const p = prepOf(tid);
    const t = forced.has(tid) && !dryRun ? writeTaint(p.stamp, taskOf(tid)) : readTaint(p.stamp, taskOf(tid));
    if (t) taints.set(tid, t);
  }
  return computeTaskHashes(depends, (tid) => {
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
}

/** The shared-state outputs of task `tid` of recipe `p`, if it has any. */
function sstateOf(p: RecipePrep, tid: string, graph: BuildGraph, ui: BuildProgress): SstateTask | null {
  const task = taskOf(tid);
  const dirs = p.tasks[task]?.sstateDirs ?? [];
  if (dirs.length === 0 || !p.sstateDir) return null;
  const fakeroot = p.tasks[task]?.fakeroot;
  return {
    cfg: {
      dir: p.sstateDir,
      mirrors: p.sstateMirrors,
      log: (l) => ui.detail(`NOTE: ${l}`),
      // Owners given under fakeroot are archived (and restored) as the task saw them; asked
      // for when tar runs, since the state file appears only once a fakeroot task ran.
      get tarPrefix() {
        return fakeroot ? sandboxPrefix({ network: true, fakerootState: p.fakerootState }) : undefined;
      },
    },
    key: { pn: p.pn, task, hash: hashOf(graph, tid) },
    dirs,
  };
}
