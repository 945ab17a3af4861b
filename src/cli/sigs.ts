// `kiln sigs TARGET [-c TASK] [--json]`: what went into a task's signature (as bitbake-dumpsig
// prints it), with its task hash over the whole task graph; every task's signature data file is
// written beside its stamps (STAMP.TASK.sigdata.HASH, BitBake's format) for later comparisons.
// `kiln dumpsig FILE` prints a signature data file (BitBake's or kiln's) as bitbake-dumpsig does;
// `kiln diffsigs FILE1 FILE2` compares two as bitbake-diffsigs does, and `kiln diffsigs TARGET -c
// TASK` the last two of a task.

import { statSync } from "node:fs";
import { ConfigError, findConfigFile } from "../config/index.js";
import type { DataStore } from "../data/index.js";
import { ensureTaskPrefix, type RecipeInfo } from "../parse/index.js";
import {
  fnOf,
  parseTree,
  recipeData,
  recipeInfo,
  splitTarget,
  targetData,
  taskOf,
} from "../resolve/index.js";
import { pySplit } from "../syntax/index.js";
import {
  compareSigData,
  computeTaskHashes,
  dumpSigData,
  followDeps,
  initShellParser,
  prepareTaskGraph,
  type RecipeSignatures,
  readSigData,
  recipeSignatures,
  type SigLookup,
  writeSigData,
} from "../tasks/index.js";
import { loadZstd } from "../util/zstd.js";
import { fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";
import { newest, type SigFinder, sigFinder } from "./sigfinder.js";

const out = (l: string) => process.stdout.write(`${l}\n`);

function taskName(cmd: string | undefined): string {
  return ensureTaskPrefix(cmd ?? "build");
}

export async function sigs(target: string, opts: { cmd?: string; json?: boolean }): Promise<void> {
  try {
    await initShellParser();
    const { ev, configs, reporter } = await openSession({ tracking: false });
    const tree = await parseTree(ev, configs, reporter, treeOptions());
    if (opts.json) {
      const signatures = recipeSignatures(targetData(ev, configs, tree, target, reporter).data);
      const vars: Record<string, { deps: string[]; value: string | null }> = {};
      for (const name of [...signatures.vars.keys()].sort()) {
        const v = signatures.vars.get(name)!;
        vars[name] = { deps: [...v.deps].sort(), value: v.value };
      }
      out(JSON.stringify({ basehash: Object.fromEntries([...signatures.basehash].sort()), vars }));
      return;
    }

    const task = taskName(opts.cmd);
    const [mc, name] = splitTarget(target);
    const { graph, parts } = prepareTaskGraph(tree, configs, reporter, [target], task);
    const taskData = parts.get(mc)!.taskData;

    // Every recipe of the graph is parsed in full once, for its signatures and task flags.
    const perRecipe = new Map<string, { d: DataStore; signatures: RecipeSignatures; info: RecipeInfo }>();
    const recipe = (fn: string) => {
      let r = perRecipe.get(fn);
      if (!r) {
        const d = recipeData(ev, configs, tree, fn);
        r = { d, signatures: recipeSignatures(d), info: recipeInfo(tree.indexes, fn) };
        perRecipe.set(fn, r);
      }
      return r;
    };
    const hashes = computeTaskHashes(graph.depends, (tid) => {
      const r = recipe(fnOf(tid));
      const t = taskOf(tid);
      const pn = r.info.pn;
      return {
        pn,
        pnid: r.info.mc ? `mc:${r.info.mc}:${pn}:${t}` : `${pn}:${t}`,
        task: t,
        signatures: r.signatures,
        ignoreVars: pySplit(String(r.d.getVar("BB_BASEHASH_IGNORE_VARS") ?? "")),
        ignoreTasks: (r.d.getVar("BB_TASKHASH_IGNORE_TASKS") as string | undefined) || null,
        fileChecksums: String(r.d.getVarFlag(t, "file-checksums") ?? ""),
        nostamp: (r.info.deps?.taskDeps.nostamp as Record<string, string> | undefined)?.[t] !== undefined,
      };
    });
    await loadZstd();
    for (const [tid, sig] of hashes) {
      // The files go beside the stamps; metadata without STAMP (no bitbake.conf would) gets none.
      const stamp = recipe(fnOf(tid)).d.getVar("STAMP");
      if (stamp) writeSigData(String(stamp), sig);
    }

    const fn = taskData.buildTargets.get(name)?.[0];
    const sig = fn ? hashes.get(`${fn}:${task}`) : undefined;
    if (!sig) throw new ConfigError(`Task ${task} does not exist for target ${target}`);
    for (const line of dumpSigData(sig)) out(line);
  } catch (e) {
    fail(e);
  }
}

/** `kiln dumpsig FILE`, or `kiln dumpsig TARGET -c TASK` (its last signature). */
export async function dumpsig(arg: string, opts: { cmd?: string }): Promise<void> {
  try {
    const file = isFile(arg) ? arg : (await lastSigFiles(arg, opts.cmd, 1)).files[0];
    for (const line of dumpSigData(readSigData(file))) out(line);
  } catch (e) {
    fail(e);
  }
}

/** `kiln diffsigs FILE1 FILE2`, `kiln diffsigs TARGET -c TASK` (its last two), or one FILE (dumped). */
export async function diffsigs(args: string[], opts: { cmd?: string }): Promise<void> {
  try {
    let a: string;
    let b: string;
    let lookup: SigLookup;
    if (args.length === 1 && isFile(args[0])) {
      for (const line of dumpSigData(readSigData(args[0]))) out(line);
      return;
    }
    if (args.length === 2) {
      for (const f of args) if (!isFile(f)) throw new ConfigError("no such signature data file", f);
      [a, b] = args;
      lookup = (await finderHere())?.lookup ?? (() => undefined);
    } else if (args.length === 1) {
      const found = await lastSigFiles(args[0], opts.cmd, 2);
      if (found.files.length < 2) {
        throw new ConfigError(
          `Only one signature data file of ${found.label}; run \`kiln sigs ${args[0]} -c ${found.task}\` (or a build) after a change`,
        );
      }
      [a, b] = found.files;
      lookup = found.finder.lookup;
    } else {
      throw new ConfigError("give two signature data files, or TARGET (with -c TASK)");
    }
    for (const line of compareSigData(readSigData(a), readSigData(b), followDeps(lookup))) out(line);
  } catch (e) {
    fail(e);
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Finding signature files needs the build directory's configuration (its STAMP); none outside one. */
async function finderHere(): Promise<SigFinder | undefined> {
  if (!findConfigFile("bblayers.conf", process.env.BBPATH, process.cwd())) return undefined;
  const { configs } = await openSession({ tracking: false });
  return sigFinder(configs);
}

/** The newest `count` signature files of a target's task (oldest first). */
async function lastSigFiles(target: string, cmd: string | undefined, count: number) {
  const { configs } = await openSession({ tracking: false });
  const finder = sigFinder(configs);
  const [mc, name] = splitTarget(target);
  const task = taskName(cmd);
  const label = `${mc ? `mc:${mc}:` : ""}${name}:${task}`;
  const files = newest(finder.files(mc, name, task).values(), count);
  if (files.length === 0) {
    throw new ConfigError(
      `No signature data files of ${label}; run \`kiln sigs ${target} -c ${task}\` or a build first`,
    );
  }
  return { files, finder, label, task };
}
