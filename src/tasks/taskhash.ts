// Task hashes (BitBake's siggen get_taskhash): a task's base hash, then the hashes of the tasks it
// depends on (ordered by "pn:task"), then the checksums of the files its [file-checksums] names,
// then a taint for tasks that always run ([nostamp]). What went in is kept as signature data
// (sigdata) so that two runs can be compared and explained.

import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pyCompare } from "../data/index.js";
import { pySplit } from "../syntax/index.js";
import { glob } from "../util/glob.js";
import { pyMatch, pyRegExp } from "../util/pyregex.js";
import type { SigData } from "./sigdata.js";
import type { RecipeSignatures } from "./signatures.js";

/** What the task-hash computation needs to know about one task of the graph. */
export interface TaskFacts {
  pn: string;
  /** "pn:task", prefixed "mc:NAME:" in a multiconfig: how dependents name it. */
  pnid: string;
  task: string;
  signatures: RecipeSignatures;
  ignoreVars: string[];
  /** BB_TASKHASH_IGNORE_TASKS (a regular expression), if set. */
  ignoreTasks: string | null;
  /** The task's [file-checksums] flag, expanded. */
  fileChecksums: string;
  nostamp: boolean;
  /** A forced run's taint (kept in STAMP.TASK.taint, as `bitbake -f` keeps it), if any. */
  taint?: string;
}

/** Per task id: the sigdata with its hash, dependencies first. */
export function computeTaskHashes(
  depends: Map<string, Set<string>>,
  facts: (tid: string) => TaskFacts,
): Map<string, SigData> {
  const done = new Map<string, SigData>();
  const visiting = new Set<string>();
  const visit = (tid: string): SigData => {
    const known = done.get(tid);
    if (known) return known;
    if (visiting.has(tid)) throw new Error(`Task ${tid} has a circular dependency`);
    visiting.add(tid);
    const f = facts(tid);
    const ignore = f.ignoreTasks ? pyRegExp(f.ignoreTasks) : null;
    const deps: Array<[string, string]> = [];
    for (const dep of depends.get(tid) ?? []) {
      const df = facts(dep);
      // BB_TASKHASH_IGNORE_TASKS: a recipe outside it does not see dependencies inside it.
      if (ignore && !pyMatch(ignore, f.pn) && pyMatch(ignore, df.pn)) continue;
      deps.push([df.pnid, dep]);
    }
    // Python's tuple order: by pn:task, then by task id (both in code-point order).
    deps.sort((a, b) => pyCompare(a[0], b[0]) || pyCompare(a[1], b[1]));
    const runtaskhashes: Record<string, string> = {};
    let data = f.signatures.basehash.get(f.task)!;
    for (const [pnid, dep] of deps) {
      const h = visit(dep).taskhash;
      runtaskhashes[pnid] = h;
      data += h;
    }
    const checksums = fileChecksums(f.fileChecksums);
    for (const [name, sum] of checksums) {
      if (name.startsWith("./")) data += name;
      data += sum;
    }
    const taint = f.nostamp ? `nostamp:${randomUUID()}` : f.taint;
    if (taint) data += taint.startsWith("nostamp:") ? taint.slice("nostamp:".length) : taint;
    const closure = [...(f.signatures.taskdeps.get(f.task) ?? [])].sort(pyCompare);
    const taskhash = createHash("sha256").update(data, "utf8").digest("hex");
    const sig: SigData = {
      task: f.task,
      basehash_ignore_vars: [...f.ignoreVars].sort(pyCompare),
      taskhash_ignore_tasks: f.ignoreTasks,
      taskdeps: closure,
      basehash: f.signatures.basehash.get(f.task)!,
      gendeps: Object.fromEntries(
        closure.map((c) => [c, [...(f.signatures.vars.get(c)?.deps ?? [])].sort(pyCompare)]),
      ),
      varvals: Object.fromEntries(
        [f.task, ...closure].map((c) => [c, f.signatures.vars.get(c)?.value ?? null]),
      ),
      runtaskdeps: deps.map(([pnid]) => pnid),
      runtaskhashes,
      file_checksum_values: checksums,
      ...(taint ? { taint } : {}),
      taskhash,
      // BitBake's basic signature handlers have no hash equivalence: the unified hash is the task hash.
      unihash: taskhash,
    };
    visiting.delete(tid);
    done.set(tid, sig);
    return sig;
  };
  for (const tid of depends.keys()) visit(tid);
  return done;
}

/**
 * The files a [file-checksums] value names ("path:True path:False ..."; only existing ones count),
 * each with its md5: a directory contributes every file below it, named "./relative".
 */
export function fileChecksums(value: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const md5 = (file: string) => createHash("md5").update(readFileSync(file)).digest("hex");
  const add = (file: string) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(file);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const rel of walk(file)) out.push([`./${rel}`, md5(path.join(file, rel))]);
    } else {
      out.push([path.basename(file), md5(file)]);
    }
  };
  for (const entry of pySplit(value)) {
    const cut = entry.lastIndexOf(":");
    const [file, exists] = cut > 0 ? [entry.slice(0, cut), entry.slice(cut + 1)] : [entry, "True"];
    if (exists === "False") continue;
    if (file.includes("*")) for (const f of glob(file)) add(f);
    else add(file);
  }
  return out.sort((a, b) => pyCompare(a[0], b[0]));
}

const SKIPPED_DIRS = new Set(["CVS", ".bzr", ".git", ".hg", ".osc", ".p4", ".repo", ".svn"]);

function walk(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name)) out.push(...walk(dir, rel));
    } else if (e.isFile()) out.push(rel);
  }
  return out;
}
