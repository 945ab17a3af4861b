// `kiln sigs TARGET [-c TASK] [--json]`: what went into a task's signature (like bitbake-dumpsig),
// with its task hash over the whole task graph; every task's signature data is kept under
// ${TMPDIR}/kiln/sigdata so that `kiln diffsigs` can explain later changes.
// `kiln diffsigs TARGET -c TASK` (the last two signatures of that task) or `kiln diffsigs A B`
// (two sigdata files): why the hashes differ, in words.

import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { type DataStore, pyStr } from "../data/index.js";
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
  initShellParser,
  prepareTaskGraph,
  type RecipeSignatures,
  readSigData,
  recipeSignatures,
  type SigData,
  sigdataDir,
  sigdataFile,
  writeSigData,
} from "../tasks/index.js";
import { fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";

const out = (l: string) => process.stdout.write(`${l}\n`);
const list = (items: string[]) => pyStr(items);

function taskName(cmd: string | undefined): string {
  return ensureTaskPrefix(cmd ?? "build");
}

function sigdataDirOf(config: DataStore): string {
  return sigdataDir(String(config.getVar("TMPDIR")));
}

export async function sigs(target: string, opts: { cmd?: string; json?: boolean }): Promise<void> {
  try {
    await initShellParser();
    const { ev, configs, reporter, config } = await openSession({ tracking: false });
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
    const dir = sigdataDirOf(config.data);
    for (const sig of hashes.values()) writeSigData(dir, `${sig.pn}:${sig.task}`, sig);

    const fn = taskData.buildTargets.get(name)?.[0];
    const sig = fn ? hashes.get(`${fn}:${task}`) : undefined;
    if (!sig) throw new Error(`Task ${task} does not exist for target ${target}`);
    printSig(sig);
  } catch (e) {
    fail(e);
  }
}

/** The signature data of one task, as bitbake-dumpsig prints it. */
function printSig(sig: SigData): void {
  out(`basehash_ignore_vars: ${list(sig.basehash_ignore_vars)}`);
  out(`taskhash_ignore_tasks: ${sig.taskhash_ignore_tasks ?? "None"}`);
  out(`Task dependencies: ${list(sig.taskdeps)}`);
  out(`basehash: ${sig.basehash}`);
  for (const dep of Object.keys(sig.gendeps).sort())
    out(`List of dependencies for variable ${dep} is ${list(sig.gendeps[dep])}`);
  for (const dep of Object.keys(sig.varvals).sort())
    out(`Variable ${dep} value is ${sig.varvals[dep] ?? "None"}`);
  out(`Tasks this task depends on: ${list(sig.runtaskdeps)}`);
  out(`This task depends on the checksums of files: ${JSON.stringify(sig.file_checksum_values)}`);
  for (const [dep, h] of Object.entries(sig.runtaskhashes)) out(`Hash for dependent task ${dep} is ${h}`);
  if (sig.taint) out(`Tainted (by forced/invalidated task): ${sig.taint}`);
  out(`Computed task hash is ${sig.taskhash}`);
}

const readSig = readSigData;

export async function diffsigs(args: string[], opts: { cmd?: string }): Promise<void> {
  try {
    let a: string;
    let b: string;
    let dir: string;
    if (args.length === 2 && args.every((x) => existsSync(x))) {
      [a, b] = args;
      dir = path.dirname(path.dirname(path.resolve(a)));
    } else if (args.length === 1) {
      const { config } = await openSession({ tracking: false });
      dir = sigdataDirOf(config.data);
      const [, name] = splitTarget(args[0]);
      const task = taskName(opts.cmd);
      const pnDir = path.join(dir, name.replaceAll("/", "_"));
      const found = existsSync(pnDir)
        ? readdirSync(pnDir)
            .filter((f) => f.startsWith(`${task}.`) && f.endsWith(".json"))
            .map((f) => path.join(pnDir, f))
            .sort((x, y) => statSync(x).mtimeMs - statSync(y).mtimeMs)
        : [];
      if (found.length < 2) {
        throw new Error(
          `Only ${found.length} signature${found.length === 1 ? "" : "s"} of ${name}:${task} recorded; run \`kiln sigs ${name} -c ${task}\` before and after a change`,
        );
      }
      [a, b] = found.slice(-2);
    } else {
      throw new Error("give TARGET (with -c TASK) or two sigdata files");
    }
    const lookup = (pnid: string, hash: string) => {
      const file = sigdataFile(dir, pnid, hash);
      return existsSync(file) ? readSig(file) : undefined;
    };
    const lines = compareSigData(readSig(a), readSig(b), lookup);
    if (lines.length === 0) out("No differences found");
    for (const l of lines) out(l);
  } catch (e) {
    fail(e);
  }
}
