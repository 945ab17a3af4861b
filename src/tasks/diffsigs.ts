// Explaining why two signatures of a task differ, in bitbake-diffsigs' words and order: changed
// ignore lists, task dependency lists, base hash, variables' dependencies (changed, added,
// removed), values (a line diff, a word diff, or "from A to B"), file checksums, the task's
// dependencies and their hashes, taint. When a dependency's hash changed and its own signature
// data can be found, the explanation is that dependency's (indented), as BitBake gives it: what
// changed upstream is most likely what changed here too.
//
// Sets are shown as Python shows a frozenset, with their items sorted (Python's order depends on
// the process's string hashing, so BitBake's own order varies from run to run).

import { pyCompare, pyRepr } from "../data/index.js";
import { pySplitLines, unifiedDiff, wordRuns } from "../util/textdiff.js";
import type { SigFileData } from "./sigdata.js";

/**
 * What to say about a dependency ("pn:task") whose hash changed from `a` to `b`: the comparison of
 * its two signatures (indented), or that they could not be found. Nothing: say nothing more.
 */
export type DepExplainer = (pnid: string, a: string, b: string) => string[];

/** Find the signature data of a dependency ("pn:task") with a given task hash, if kept. */
export type SigLookup = (pnid: string, taskhash: string) => SigFileData | undefined;

const sorted = (items: Iterable<string>) => [...items].sort(pyCompare);
const frozenset = (items: Iterable<string>) => {
  const list = sorted(items);
  return list.length ? `frozenset({${list.map(pyRepr).join(", ")}})` : "frozenset()";
};
const listRepr = (items: string[]) => `[${items.map(pyRepr).join(", ")}]`;
const sameSet = (a: string[], b: string[]) => {
  if (a.length !== b.length) return false;
  const other = new Set(b);
  return a.every((x) => other.has(x));
};
const symmetric = (a: string[], b: string[]) => [
  ...a.filter((x) => !b.includes(x)),
  ...b.filter((x) => !a.includes(x)),
];
const pyValue = (v: string | null | undefined) => (v === null || v === undefined ? "None" : v);

/** Keys changed (in both, values differ), added and removed, each sorted. */
function dictDiff<T>(
  a: Record<string, T>,
  b: Record<string, T>,
  same: (x: T, y: T) => boolean,
  ignored = new Set<string>(),
) {
  const changed = sorted(Object.keys(a).filter((k) => k in b && !same(a[k], b[k]) && !ignored.has(k)));
  const added = sorted(Object.keys(b).filter((k) => !(k in a)));
  const removed = sorted(Object.keys(a).filter((k) => !(k in b)));
  return { changed, added, removed };
}

export function compareSigData(a: SigFileData, b: SigFileData, explainDep?: DepExplainer): string[] {
  let out: string[] = [];
  const ignoreA = a.basehash_ignore_vars ?? [];
  const ignoreB = b.basehash_ignore_vars ?? [];
  if (a.basehash_ignore_vars && !sameSet(ignoreA, ignoreB)) {
    out.push(`basehash_ignore_vars changed from '${frozenset(ignoreA)}' to '${frozenset(ignoreB)}'`);
    if (ignoreA.length && ignoreB.length)
      out.push(`changed items: ${frozenset(symmetric(ignoreA, ignoreB))}`);
  }
  // (BitBake would also list "changed items" of two regular expressions here, and fail doing it.)
  if (a.taskhash_ignore_tasks !== undefined && a.taskhash_ignore_tasks !== b.taskhash_ignore_tasks) {
    out.push(
      `taskhash_ignore_tasks changed from '${pyValue(a.taskhash_ignore_tasks)}' to '${pyValue(b.taskhash_ignore_tasks)}'`,
    );
  }
  if (!sameSet(a.taskdeps, b.taskdeps)) {
    out.push(
      `Task dependencies changed from:\n${listRepr(sorted(a.taskdeps))}\nto:\n${listRepr(sorted(b.taskdeps))}`,
    );
  }
  if (a.basehash !== b.basehash) out.push(`basehash changed from ${a.basehash} to ${b.basehash}`);

  const ignoredBoth = new Set(ignoreA.filter((v) => ignoreB.includes(v)));
  const gendeps = dictDiff(a.gendeps, b.gendeps, sameSet, ignoredBoth);
  for (const dep of gendeps.changed) {
    const [x, y] = [a.gendeps[dep], b.gendeps[dep]];
    out.push(`List of dependencies for variable ${dep} changed from '${frozenset(x)}' to '${frozenset(y)}'`);
    if (x.length && y.length) out.push(`changed items: ${frozenset(symmetric(x, y))}`);
  }
  for (const dep of gendeps.added) out.push(`Dependency on variable ${dep} was added`);
  for (const dep of gendeps.removed) out.push(`Dependency on Variable ${dep} was removed`);

  for (const name of dictDiff(a.varvals, b.varvals, (x, y) => x === y).changed) {
    const x = a.varvals[name];
    const y = b.varvals[name];
    if (x && y && (x.includes("\n") || y.includes("\n"))) {
      const diff = unifiedDiff(pySplitLines(x), pySplitLines(y));
      out.push(`Variable ${name} value changed:\n${diff.join("\n")}`);
    } else if (x && y && (x.includes(" ") || y.includes(" "))) {
      out.push(`Variable ${name} value changed:\n${wordDiff(x, y)}`);
    } else {
      out.push(`Variable ${name} value changed from '${pyValue(x)}' to '${pyValue(y)}'`);
    }
  }

  const files = checksumsDiff(a.file_checksum_values ?? [], b.file_checksum_values ?? []);
  for (const [f, x, y] of files.changed) out.push(`Checksum for file ${f} changed from ${x} to ${y}`);
  for (const f of files.added) out.push(`Dependency on checksum of file ${f} was added`);
  for (const f of files.removed) out.push(`Dependency on checksum of file ${f} was removed`);

  // The task's dependencies, position by position.
  const depsA = a.runtaskdeps ?? [];
  const depsB = b.runtaskdeps ?? [];
  const hashesA = a.runtaskhashes ?? {};
  const hashesB = b.runtaskhashes ?? {};
  const moved: string[] = [];
  if (depsA.length !== depsB.length) moved.push("Number of task dependencies changed");
  else {
    depsA.forEach((x, i) => {
      const y = depsB[i];
      if (hashesA[x] !== hashesB[y])
        moved.push(`${x} with hash ${hashesA[x]}\n changed to\n${y} with hash ${hashesB[y]}`);
    });
  }
  if (moved.length) {
    const same = depsA.length === depsB.length && depsA.every((x, i) => x === depsB[i]);
    out.push(same ? "runtaskdeps changed:" : `runtaskdeps changed:\n${inlineListDiff(depsA, depsB)}`);
    out.push(moved.join("\n"));
  }

  if (a.runtaskhashes && b.runtaskhashes) {
    const tasks = dictDiff(hashesA, hashesB, (x, y) => x === y);
    // A dependency replaced by another with the same hash is not worth a line.
    for (const dep of tasks.added) {
      if (!tasks.removed.some((r) => hashesA[r] === hashesB[dep]))
        out.push(`Dependency on task ${dep} was added with hash ${hashesB[dep]}`);
    }
    for (const dep of tasks.removed) {
      if (!tasks.added.some((x) => hashesB[x] === hashesA[dep]))
        out.push(`Dependency on task ${dep} was removed with hash ${hashesA[dep]}`);
    }
    for (const dep of tasks.changed) {
      out.push(`Hash for task dependency ${dep} changed from ${hashesA[dep]} to ${hashesB[dep]}`);
      const more = explainDep?.(dep, hashesA[dep], hashesB[dep]) ?? [];
      if (more.length) {
        out = [out[out.length - 1], ...more];
        break;
      }
    }
  }

  const taintA = a.taint;
  const taintB = b.taint;
  if (taintA !== taintB) {
    const show = (t: string | undefined) =>
      t === undefined ? "None" : t.replaceAll("nostamp:", "nostamp(uuid4):");
    out.push(`Taint (by forced/invalidated task) changed from ${show(taintA)} to ${show(taintB)}`);
  }
  return out;
}

/**
 * The usual DepExplainer: compare the dependency's two signatures when `lookup` finds both
 * (following their own dependencies in turn), indenting the explanation under the hash line.
 */
export function followDeps(lookup: SigLookup): DepExplainer {
  const explain: DepExplainer = (pnid, x, y) => {
    const older = lookup(pnid, x);
    const newer = lookup(pnid, y);
    if (!older && !newer) return [`Unable to find matching sigdata for ${pnid} with hashes ${x} or ${y}`];
    if (!older) return [`Unable to find matching sigdata for ${pnid} with hash ${x}`];
    if (!newer) return [`Unable to find matching sigdata for ${pnid} with hash ${y}`];
    return compareSigData(older, newer, explain).flatMap((change) =>
      pySplitLines(change).map((l) => `    ${l}`),
    );
  };
  return explain;
}

/** File checksums changed (same name, other sum), added and removed; names may repeat. */
function checksumsDiff(a: Array<[string, string]>, b: Array<[string, string]>) {
  const key = ([f, s]: [string, string]) => JSON.stringify([f, s]);
  const counts = (list: Array<[string, string]>) => {
    const m = new Map<string, number>();
    for (const x of list) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
    return m;
  };
  const inA = counts(a);
  const inB = counts(b);
  const onlyB = new Map([...inB].map(([k, n]) => [k, n - (inA.get(k) ?? 0)]));
  const onlyA = new Map([...inA].map(([k, n]) => [k, n - (inB.get(k) ?? 0)]));
  const added: Array<[string, string]> = [];
  for (const x of b) {
    if ((onlyB.get(key(x)) ?? 0) > 0) {
      onlyB.set(key(x), onlyB.get(key(x))! - 1);
      added.push(x);
    }
  }
  const changed: Array<[string, string, string]> = [];
  const removed: string[] = [];
  for (const x of a) {
    if ((onlyA.get(key(x)) ?? 0) <= 0) continue;
    onlyA.set(key(x), onlyA.get(key(x))! - 1);
    const other = added.findIndex((y) => y[0] === x[0]);
    if (other >= 0) {
      changed.push([x[0], x[1], added[other][1]]);
      added.splice(other, 1);
    } else removed.push(x[0]);
  }
  return { changed, added: added.map((x) => x[0]), removed };
}

/** Words kept as they are, removed ones as [-...-], added ones as {+...+}, in double quotes. */
function wordDiff(a: string, b: string): string {
  const parts = wordRuns(a.split(" "), b.split(" ")).map(([kind, words]) => {
    const text = words.join(" ");
    return kind === "=" ? text : kind === "-" ? `[-${text}-]` : `{+${text}+}`;
  });
  const onlySpaces =
    a !== b && a.split(/\s+/).filter(Boolean).join(" ") === b.split(/\s+/).filter(Boolean).join(" ");
  return `"${parts.join(" ")}"${onlySpaces ? " (whitespace changed)" : ""}`;
}

/** A list with kept runs quoted, removed items as -item and added ones as +item. */
function inlineListDiff(a: string[], b: string[]): string {
  const parts = wordRuns(a, b).map(([kind, items]) => {
    const text = items.join(" ");
    return kind === "=" ? `'${text}'` : `${kind}${text}`;
  });
  return `[${parts.join(", ")}]`;
}
