// Explaining why two signatures of a task differ, in words, the way bitbake-diffsigs does:
// changed ignore lists, dependencies added or removed, variable values changed (as a line diff,
// a word diff, or "from A to B"), file checksums, dependency task hashes (following them into
// their own signature data when it is available), taint.

import { pyCompare, pyStr } from "../data/index.js";
import type { SigData } from "./taskhash.js";

/** Find the signature data of a dependency ("pn:task") with a given task hash, if kept. */
export type SigLookup = (pnid: string, taskhash: string) => SigData | undefined;

// Lists and sets as Python prints them; a set's items in sorted order, so the output is stable.
const setRepr = (items: string[]) => pyStr(new Set([...items].sort(pyCompare)));
const listRepr = (items: string[]) => pyStr(items);

export function compareSigData(a: SigData, b: SigData, lookup?: SigLookup, depth = 0): string[] {
  const out: string[] = [];
  const ignoredBoth = new Set(a.basehash_ignore_vars.filter((v) => b.basehash_ignore_vars.includes(v)));
  if (listRepr(a.basehash_ignore_vars) !== listRepr(b.basehash_ignore_vars)) {
    out.push(
      `basehash_ignore_vars changed from '${setRepr(a.basehash_ignore_vars)}' to '${setRepr(b.basehash_ignore_vars)}'`,
    );
    const changed = symmetric(a.basehash_ignore_vars, b.basehash_ignore_vars);
    if (a.basehash_ignore_vars.length && b.basehash_ignore_vars.length)
      out.push(`changed items: ${setRepr(changed)}`);
  }
  if (a.taskhash_ignore_tasks !== b.taskhash_ignore_tasks) {
    out.push(
      `taskhash_ignore_tasks changed from '${a.taskhash_ignore_tasks}' to '${b.taskhash_ignore_tasks}'`,
    );
  }
  if (listRepr(a.taskdeps) !== listRepr(b.taskdeps)) {
    out.push(`Task dependencies changed from:\n${listRepr(a.taskdeps)}\nto:\n${listRepr(b.taskdeps)}`);
  }
  if (a.basehash !== b.basehash) out.push(`basehash changed from ${a.basehash} to ${b.basehash}`);

  const depNames = [...new Set([...Object.keys(a.gendeps), ...Object.keys(b.gendeps)])].sort();
  for (const dep of depNames) {
    const x = a.gendeps[dep];
    const y = b.gendeps[dep];
    if (x && y) {
      if (ignoredBoth.has(dep) || setRepr(x) === setRepr(y)) continue;
      out.push(`List of dependencies for variable ${dep} changed from '${setRepr(x)}' to '${setRepr(y)}'`);
      if (x.length && y.length) out.push(`changed items: ${setRepr(symmetric(x, y))}`);
    }
  }
  for (const dep of depNames)
    if (!a.gendeps[dep] && b.gendeps[dep]) out.push(`Dependency on variable ${dep} was added`);
  for (const dep of depNames)
    if (a.gendeps[dep] && !b.gendeps[dep]) out.push(`Dependency on Variable ${dep} was removed`);

  for (const name of Object.keys(a.varvals)
    .filter((k) => k in b.varvals)
    .sort()) {
    const x = a.varvals[name];
    const y = b.varvals[name];
    if (x === y) continue;
    if (x && y && (x.includes("\n") || y.includes("\n"))) {
      out.push(`Variable ${name} value changed:\n${lineDiff(x.split("\n"), y.split("\n"))}`);
    } else if (x && y && (x.includes(" ") || y.includes(" "))) {
      out.push(`Variable ${name} value changed:\n${wordDiff(x, y)}`);
    } else {
      out.push(`Variable ${name} value changed from '${x}' to '${y}'`);
    }
  }

  const files = new Map(a.file_checksum_values);
  const filesB = new Map(b.file_checksum_values);
  for (const [f, sum] of files) {
    const other = filesB.get(f);
    if (other === undefined) out.push(`Dependency on checksum of file ${f} was removed`);
    else if (other !== sum) out.push(`Checksum for file ${f} changed from ${sum} to ${other}`);
  }
  for (const f of filesB.keys()) if (!files.has(f)) out.push(`Dependency on checksum of file ${f} was added`);

  if (listRepr(a.runtaskdeps) !== listRepr(b.runtaskdeps)) {
    out.push(`runtaskdeps changed:\n${listRepr(a.runtaskdeps)}\nto:\n${listRepr(b.runtaskdeps)}`);
  }
  const removedHashes = new Set(
    Object.entries(a.runtaskhashes)
      .filter(([k]) => !(k in b.runtaskhashes))
      .map(([, h]) => h),
  );
  const addedHashes = new Set(
    Object.entries(b.runtaskhashes)
      .filter(([k]) => !(k in a.runtaskhashes))
      .map(([, h]) => h),
  );
  for (const [dep, h] of Object.entries(b.runtaskhashes).sort()) {
    if (!(dep in a.runtaskhashes) && !removedHashes.has(h))
      out.push(`Dependency on task ${dep} was added with hash ${h}`);
  }
  for (const [dep, h] of Object.entries(a.runtaskhashes).sort()) {
    if (!(dep in b.runtaskhashes) && !addedHashes.has(h))
      out.push(`Dependency on task ${dep} was removed with hash ${h}`);
  }
  for (const dep of Object.keys(a.runtaskhashes)
    .filter((k) => k in b.runtaskhashes)
    .sort()) {
    const x = a.runtaskhashes[dep];
    const y = b.runtaskhashes[dep];
    if (x === y) continue;
    out.push(`Hash for task dependency ${dep} changed from ${x} to ${y}`);
    const older = lookup?.(dep, x);
    const newer = lookup?.(dep, y);
    if (!older || !newer) {
      out.push(`    Unable to find matching sigdata for ${dep} with hashes ${x} or ${y}`);
    } else if (depth < 50) {
      for (const line of compareSigData(older, newer, lookup, depth + 1)) out.push(indent(line));
    }
  }

  if ((a.taint ?? null) !== (b.taint ?? null)) {
    const show = (t: string | undefined) =>
      t === undefined ? "None" : t.replace(/^nostamp:/, "nostamp(uuid4):");
    out.push(`Taint (by forced/invalidated task) changed from ${show(a.taint)} to ${show(b.taint)}`);
  }
  return out;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

function symmetric(a: string[], b: string[]): string[] {
  return [...a.filter((x) => !b.includes(x)), ...b.filter((x) => !a.includes(x))];
}

/** Longest-common-subsequence alignment: for each item, whether it is kept, removed or added. */
function align(a: string[], b: string[]): Array<[" " | "-" | "+", string]> {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: Array<[" " | "-" | "+", string]> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push([" ", a[i]]);
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push(["-", a[i++]]);
    } else {
      out.push(["+", b[j++]]);
    }
  }
  return out;
}

/** A unified diff of lines (three lines of context), without file headers. */
function lineDiff(a: string[], b: string[]): string {
  const ops = align(a, b);
  const out: string[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k][0] === " ") {
      k++;
      continue;
    }
    let start = Math.max(0, k - 3);
    let end = k;
    while (end < ops.length) {
      if (ops[end][0] !== " ") {
        end++;
        continue;
      }
      let run = end;
      while (run < ops.length && ops[run][0] === " ") run++;
      if (run - end > 6 || run === ops.length) {
        end = Math.min(run, end + 3);
        break;
      }
      end = run;
    }
    const before = ops.slice(0, start);
    const hunk = ops.slice(start, end);
    const aStart = before.filter(([t]) => t !== "+").length + 1;
    const bStart = before.filter(([t]) => t !== "-").length + 1;
    const aLen = hunk.filter(([t]) => t !== "+").length;
    const bLen = hunk.filter(([t]) => t !== "-").length;
    out.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`);
    for (const [t, line] of hunk) out.push(`${t}${line}`);
    k = end;
    start = end;
  }
  return out.join("\n");
}

/** Words kept as they are, removed ones as [-...-], added ones as {+...+}, in double quotes. */
function wordDiff(a: string, b: string): string {
  const ops = align(a.split(" "), b.split(" "));
  const parts: string[] = [];
  let k = 0;
  while (k < ops.length) {
    const kind = ops[k][0];
    const run: string[] = [];
    while (k < ops.length && ops[k][0] === kind) run.push(ops[k++][1]);
    const text = run.join(" ");
    parts.push(kind === " " ? text : kind === "-" ? `[-${text}-]` : `{+${text}+}`);
  }
  const changedOnlySpaces = a.split(/\s+/).join(" ") === b.split(/\s+/).join(" ");
  return `"${parts.join(" ")}"${changedOnlySpaces ? " (whitespace changed)" : ""}`;
}
