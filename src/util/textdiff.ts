// The two diffs bitbake-diffsigs shows, reimplemented so that kiln shows the same hunks:
// - wordRuns: the "simplediff" way (the longest common run of items, then the same on each side
//   of it), for word diffs and task lists;
// - unifiedDiff: Python's difflib.unified_diff (SequenceMatcher's longest matches, with its
//   "popular item" rule for sequences of 200 items or more; three lines of context).

export type Run = ["=" | "-" | "+", string[]];

/** Runs of kept, removed and added items turning `a` into `b`. */
export function wordRuns(a: string[], b: string[]): Run[] {
  const where = new Map<string, number[]>();
  a.forEach((item, i) => {
    const list = where.get(item);
    if (list) list.push(i);
    else where.set(item, [i]);
  });
  // The longest run common to both; among equally long ones, the first to end in b, then in a.
  let bestLen = 0;
  let bestA = 0;
  let bestB = 0;
  let runs = new Map<number, number>();
  b.forEach((item, j) => {
    const next = new Map<number, number>();
    for (const i of where.get(item) ?? []) {
      const len = (i > 0 ? (runs.get(i - 1) ?? 0) : 0) + 1;
      next.set(i, len);
      if (len > bestLen) {
        bestLen = len;
        bestA = i - len + 1;
        bestB = j - len + 1;
      }
    }
    runs = next;
  });
  if (bestLen === 0) {
    const out: Run[] = [];
    if (a.length) out.push(["-", a]);
    if (b.length) out.push(["+", b]);
    return out;
  }
  return [
    ...wordRuns(a.slice(0, bestA), b.slice(0, bestB)),
    ["=", b.slice(bestB, bestB + bestLen)],
    ...wordRuns(a.slice(bestA + bestLen), b.slice(bestB + bestLen)),
  ];
}

// \r\n, then each single-character break: \n \r \v \f, the file/group/record separators,
// NEL and the Unicode line and paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python counts these separators as line breaks
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Python's str.splitlines(): every line break Python knows, no empty last line. */
export function pySplitLines(text: string): string[] {
  const lines = text.split(LINE_BREAK);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

type Block = [number, number, number];
type Opcode = ["equal" | "replace" | "delete" | "insert", number, number, number, number];

/** The hunks of a unified diff of `a` and `b` (no file header lines), each line prefixed. */
export function unifiedDiff(a: string[], b: string[], context = 3): string[] {
  const out: string[] = [];
  for (const group of groupedOpcodes(opcodes(a, b), context)) {
    const first = group[0];
    const last = group[group.length - 1];
    out.push(`@@ -${range(first[1], last[2])} +${range(first[3], last[4])} @@`);
    for (const [tag, i1, i2, j1, j2] of group) {
      if (tag === "equal") {
        for (const line of a.slice(i1, i2)) out.push(` ${line}`);
        continue;
      }
      if (tag !== "insert") for (const line of a.slice(i1, i2)) out.push(`-${line}`);
      if (tag !== "delete") for (const line of b.slice(j1, j2)) out.push(`+${line}`);
    }
  }
  return out;
}

function range(start: number, stop: number): string {
  const length = stop - start;
  if (length === 1) return `${start + 1}`;
  return `${length === 0 ? start : start + 1},${length}`;
}

/** Where `b`'s items are, leaving out items so frequent that matching on them means little. */
function indexOf(b: string[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  b.forEach((item, j) => {
    const list = index.get(item);
    if (list) list.push(j);
    else index.set(item, [j]);
  });
  if (b.length >= 200) {
    const limit = Math.floor(b.length / 100) + 1;
    for (const [item, list] of index) if (list.length > limit) index.delete(item);
  }
  return index;
}

function longestMatch(
  a: string[],
  b: string[],
  index: Map<string, number[]>,
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): Block {
  let bestI = alo;
  let bestJ = blo;
  let bestSize = 0;
  let lengths = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const next = new Map<number, number>();
    for (const j of index.get(a[i]) ?? []) {
      if (j < blo) continue;
      if (j >= bhi) break;
      const k = (lengths.get(j - 1) ?? 0) + 1;
      next.set(j, k);
      if (k > bestSize) {
        bestI = i - k + 1;
        bestJ = j - k + 1;
        bestSize = k;
      }
    }
    lengths = next;
  }
  // Frequent items left out of the index may still extend a match on either side.
  while (bestI > alo && bestJ > blo && a[bestI - 1] === b[bestJ - 1]) {
    bestI--;
    bestJ--;
    bestSize++;
  }
  while (bestI + bestSize < ahi && bestJ + bestSize < bhi && a[bestI + bestSize] === b[bestJ + bestSize])
    bestSize++;
  return [bestI, bestJ, bestSize];
}

/** difflib's SequenceMatcher(None, a, b).get_matching_blocks(), the final [len(a), len(b), 0] included. */
export function matchingBlocks(a: string[], b: string[]): Block[] {
  const index = indexOf(b);
  const blocks: Block[] = [];
  const todo: Array<[number, number, number, number]> = [[0, a.length, 0, b.length]];
  while (todo.length > 0) {
    const [alo, ahi, blo, bhi] = todo.pop()!;
    const [i, j, k] = longestMatch(a, b, index, alo, ahi, blo, bhi);
    if (k === 0) continue;
    blocks.push([i, j, k]);
    if (alo < i && blo < j) todo.push([alo, i, blo, j]);
    if (i + k < ahi && j + k < bhi) todo.push([i + k, ahi, j + k, bhi]);
  }
  blocks.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
  // Adjacent blocks become one.
  const merged: Block[] = [];
  for (const block of blocks) {
    const prev = merged[merged.length - 1];
    if (prev && prev[0] + prev[2] === block[0] && prev[1] + prev[2] === block[1]) prev[2] += block[2];
    else merged.push([...block]);
  }
  merged.push([a.length, b.length, 0]);
  return merged;
}

function opcodes(a: string[], b: string[]): Opcode[] {
  const out: Opcode[] = [];
  let i = 0;
  let j = 0;
  for (const [ai, bj, size] of matchingBlocks(a, b)) {
    if (i < ai && j < bj) out.push(["replace", i, ai, j, bj]);
    else if (i < ai) out.push(["delete", i, ai, j, bj]);
    else if (j < bj) out.push(["insert", i, ai, j, bj]);
    i = ai + size;
    j = bj + size;
    if (size) out.push(["equal", ai, i, bj, j]);
  }
  return out;
}

/** The changes with `n` lines of context around them, split where more than 2n lines are equal. */
function groupedOpcodes(codes: Opcode[], n: number): Opcode[][] {
  if (codes.length === 0) codes = [["equal", 0, 1, 0, 1]];
  codes = codes.map((c) => [...c] as Opcode);
  const first = codes[0];
  if (first[0] === "equal") {
    first[1] = Math.max(first[1], first[2] - n);
    first[3] = Math.max(first[3], first[4] - n);
  }
  const last = codes[codes.length - 1];
  if (last[0] === "equal") {
    last[2] = Math.min(last[2], last[1] + n);
    last[4] = Math.min(last[4], last[3] + n);
  }
  const groups: Opcode[][] = [];
  let group: Opcode[] = [];
  for (const code of codes) {
    let [tag, i1, i2, j1, j2] = code;
    if (tag === "equal" && i2 - i1 > 2 * n) {
      group.push([tag, i1, Math.min(i2, i1 + n), j1, Math.min(j2, j1 + n)]);
      groups.push(group);
      group = [];
      i1 = Math.max(i1, i2 - n);
      j1 = Math.max(j1, j2 - n);
    }
    group.push([tag, i1, i2, j1, j2]);
  }
  if (group.length > 0 && !(group.length === 1 && group[0][0] === "equal")) groups.push(group);
  return groups;
}
