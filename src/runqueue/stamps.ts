// Stamp files say which task ran with which hash: STAMP.TASK.HASH (as BitBake names them). A task
// whose stamp for its current hash exists has nothing to do. Writing a new stamp removes the
// task's stamps for other hashes; the taint of a forced run (`kiln build -f`) lives in
// STAMP.TASK.taint and enters the task's hash from then on.

import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../util/atomic.js";

export function stampFile(stamp: string, task: string, hash: string): string {
  return `${stamp}.${task}.${hash}`;
}

export function isStamped(stamp: string, task: string, hash: string): boolean {
  return existsSync(stampFile(stamp, task, hash));
}

/** The hashes this task has stamps for now (normally one: the last successful run). */
export function stampedHashes(stamp: string, task: string): string[] {
  const dir = path.dirname(stamp);
  const prefix = `${path.basename(stamp)}.${task}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && /^[0-9a-f]{64}$/.test(n.slice(prefix.length)))
    .map((n) => n.slice(prefix.length));
}

export function writeStamp(stamp: string, task: string, hash: string): void {
  mkdirSync(path.dirname(stamp), { recursive: true });
  for (const old of stampedHashes(stamp, task)) {
    if (old !== hash) rmSync(stampFile(stamp, task, old), { force: true });
  }
  writeFileAtomic(stampFile(stamp, task, hash), "");
}

export function readTaint(stamp: string, task: string): string | undefined {
  try {
    return readFileSync(`${stamp}.${task}.taint`, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Mark a task forced: a new taint, so its hash (and its dependents') changes. */
export function writeTaint(stamp: string, task: string): string {
  const taint = randomUUID();
  mkdirSync(path.dirname(stamp), { recursive: true });
  writeFileAtomic(`${stamp}.${task}.taint`, `${taint}\n`);
  return taint;
}
