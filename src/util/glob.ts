// Python's glob.glob (non-recursive) and fnmatch, which BBFILES patterns are written for:
// "*", "?", "[seq]", "[!seq]" within one path component; hidden names only match patterns that
// start with a dot.

import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const MAGIC = /[*?[]/;

/** fnmatch.translate: a shell pattern for one name as an anchored RegExp. */
export function fnmatchRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      out += "[\\s\\S]*";
    } else if (c === "?") {
      out += "[\\s\\S]";
    } else if (c === "[") {
      let j = i + 1;
      if (j < pattern.length && pattern[j] === "!") j++;
      if (j < pattern.length && pattern[j] === "]") j++;
      while (j < pattern.length && pattern[j] !== "]") j++;
      if (j >= pattern.length) {
        out += "\\[";
      } else {
        let body = pattern.slice(i + 1, j);
        const negate = body.startsWith("!");
        if (negate) body = body.slice(1);
        body = body.replace(/\\/g, "\\\\").replace(/\]/g, "\\]").replace(/\^/g, "\\^");
        out += negate ? `[^${body}]` : `[${body}]`;
        i = j;
      }
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
    }
  }
  return new RegExp(`^${out}$`);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir || ".");
  } catch {
    return [];
  }
}

function existsPath(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Paths matching `pattern`, in directory-listing order (callers sort). */
export function glob(pattern: string): string[] {
  if (!MAGIC.test(pattern)) return existsPath(pattern) ? [pattern] : [];
  const dir = path.posix.dirname(pattern);
  const base = path.posix.basename(pattern);
  const dirs = dir !== pattern && MAGIC.test(dir) ? glob(dir) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    if (!MAGIC.test(base)) {
      const candidate = path.posix.join(d, base);
      if (base === "" ? existsPath(d) : existsPath(candidate)) out.push(base === "" ? `${d}/` : candidate);
      continue;
    }
    const re = fnmatchRegExp(base);
    for (const name of listDir(d)) {
      if (name.startsWith(".") && !base.startsWith(".")) continue;
      if (re.test(name)) out.push(d === "." && !pattern.startsWith("./") ? name : path.posix.join(d, name));
    }
  }
  return out;
}
