// Version comparison and dependency-string parsing with BitBake's exact rules (bb.utils
// vercmp, split_version, explode_dep_versions2), used by layer checks and provider selection.

import { pySplit, pyStrip } from "../syntax/pystr.js";

type Part = [number, number | string];

/** Split a version into typed runs: numbers, letter runs, '~' (sorts first), other characters. */
export function explodeVersion(s: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch >= "0" && ch <= "9") {
      let j = i;
      while (j < s.length && s[j] >= "0" && s[j] <= "9") j++;
      parts.push([0, Number.parseInt(s.slice(i, j), 10)]);
      i = j;
    } else if (/[a-zA-Z]/.test(ch)) {
      let j = i;
      while (j < s.length && /[a-zA-Z]/.test(s[j])) j++;
      parts.push([1, s.slice(i, j)]);
      i = j;
    } else {
      parts.push([ch === "~" ? -1 : 2, ch]);
      i++;
    }
  }
  return parts;
}

function cmp(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function vercmpPart(a: string, b: string): number {
  const va = explodeVersion(a);
  const vb = explodeVersion(b);
  for (;;) {
    const [oa, ca] = va.length ? va.shift()! : [0, null];
    const [ob, cb] = vb.length ? vb.shift()! : [0, null];
    if (oa === 0 && ca === null && ob === 0 && cb === null) return 0;
    if (oa < ob) return -1;
    if (oa > ob) return 1;
    if (ca === null) return -1;
    if (cb === null) return 1;
    const c = cmp(ca, cb);
    if (c !== 0) return c < 0 ? -1 : 1;
  }
}

export type PEVR = [string | number | null | undefined, string, string];

/** Compare (epoch, version, revision) triples: negative, zero or positive. */
export function vercmp(a: PEVR, b: PEVR): number {
  let r = Number.parseInt(String(a[0] || 0), 10) - Number.parseInt(String(b[0] || 0), 10);
  if (r === 0) r = vercmpPart(a[1], b[1]);
  if (r === 0) r = vercmpPart(a[2], b[2]);
  return r;
}

/** "E:V-R" into its parts (epoch defaults to 0, revision to ""). */
export function splitVersion(input: string): PEVR {
  let s = input.replace(/^[ <>=]+|[ <>=]+$/g, "");
  let e = 0;
  if (s.includes(":")) {
    e = Number.parseInt(s.split(":")[0], 10);
    s = s.split(":")[1];
  }
  let r = "";
  const dash = s.lastIndexOf("-");
  if (dash >= 0) {
    r = s.slice(dash + 1);
    s = s.slice(0, dash);
  }
  return [e, s, r];
}

export function vercmpString(a: string, b: string): number {
  return vercmp(splitVersion(a), splitVersion(b));
}

export class VersionStringError extends Error {}

export function vercmpStringOp(a: string, b: string, op: string): boolean {
  const res = vercmpString(a, b);
  switch (op) {
    case "=":
    case "==":
      return res === 0;
    case "<=":
      return res <= 0;
    case ">=":
      return res >= 0;
    case ">":
    case ">>":
      return res > 0;
    case "<":
    case "<<":
      return res < 0;
    case "!=":
      return res !== 0;
    default:
      throw new VersionStringError(`Unsupported comparison operator "${op}"`);
  }
}

/**
 * "a (>= 1.0) b c (= 2)" into a map name → list of "op version" constraints, sorted by name
 * unless `sort` is false (BitBake's explode_dep_versions2, quirks included: a version split
 * over several words yields one entry per word). A missing operator throws VersionStringError.
 */
export function explodeDepVersions2(s: string, sort = true): Map<string, string[]> {
  const r = new Map<string, string[]>();
  let lastdep: string | null = null;
  let lastcmp = "";
  let lastver = "";
  let incmp = false;
  let inversion = false;
  for (let word of pySplit(s.replaceAll(",", ""))) {
    if (word[0] === "(") {
      incmp = true;
      word = pyStrip(word.slice(1));
      if (!word) continue;
    }
    if (incmp) {
      incmp = false;
      inversion = true;
      const two = ["<=", "=<", "<<", "==", "!=", ">=", "=>", ">>"].find((op) => word.startsWith(op));
      if (two) {
        lastcmp = two;
        word = word.slice(2);
      } else if (["<", ">", "="].includes(word[0])) {
        lastcmp = word[0];
        word = word.slice(1);
      } else {
        throw new VersionStringError(
          `Invalid version specification in "(${word}" - invalid or missing operator`,
        );
      }
      if (!word) continue;
    }
    if (inversion) {
      if (word.endsWith(")")) {
        word = word.slice(0, -1);
        inversion = false;
        if (lastver && word) lastver += " ";
      }
      if (word) {
        lastver += word;
        const key = String(lastdep);
        if (!r.has(key)) r.set(key, []);
        r.get(key)!.push(`${lastcmp} ${lastver}`);
      }
      continue;
    }
    lastdep = word;
    lastver = "";
    lastcmp = "";
    if (!(r.has(word) && r.get(word)!.length > 0)) r.set(word, []);
  }
  if (!sort) return r;
  return new Map([...r.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Dependency names of "a (>= 1) b c (= 2)", versions dropped (BitBake's explode_deps). */
export function explodeDeps(s: string): string[] {
  const out: string[] = [];
  let inVersion = false;
  for (const word of pySplit(s)) {
    if (word[0] === "(") inVersion = true;
    if (!inVersion) out.push(word);
    if (inVersion && word.endsWith(")")) inVersion = false;
  }
  return out;
}
