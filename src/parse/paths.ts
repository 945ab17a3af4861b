// Path helpers with Python's os.path semantics, which BitBake's file lookups depend on.

import { existsSync, statSync } from "node:fs";
import path from "node:path";

/** os.path.join: an absolute component restarts the path; no normalisation. */
export function pyJoin(...parts: string[]): string {
  let out = "";
  for (const p of parts) {
    if (p.startsWith("/")) out = p;
    else if (out === "" || out.endsWith("/")) out += p;
    else out += `/${p}`;
  }
  return out;
}

/** os.path.dirname: everything before the last slash (trailing slashes kept unless root). */
export function pyDirname(p: string): string {
  const i = p.lastIndexOf("/") + 1;
  let head = p.slice(0, i);
  if (head && head !== "/".repeat(head.length)) head = head.replace(/\/+$/, "");
  return head;
}

export function pyBasename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

/** os.path.splitext: the extension starts at the last dot of the base name, unless only dots precede it. */
export function pySplitext(p: string): [string, string] {
  const sep = p.lastIndexOf("/");
  const dot = p.lastIndexOf(".");
  if (dot > sep) {
    for (let i = sep + 1; i < dot; i++) {
      if (p[i] !== ".") return [p.slice(0, dot), p.slice(dot)];
    }
  }
  return [p, ""];
}

export function pyAbspath(p: string): string {
  return path.resolve(p);
}

export function exists(p: string): boolean {
  return existsSync(p);
}

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * bb.utils.which: the first `dir/item` that exists along a colon-separated search path, and
 * every candidate tried (for dependency tracking). Returns "" when nothing exists.
 */
export function which(searchPath: string | undefined, item: string): { found: string; tried: string[] } {
  const tried: string[] = [];
  for (const dir of (searchPath ?? "").split(":")) {
    let candidate = pyJoin(dir, item);
    tried.push(candidate);
    if (existsSync(candidate)) {
      if (!candidate.startsWith("/")) candidate = path.resolve(candidate);
      return { found: candidate, tried };
    }
  }
  return { found: "", tried };
}
