// Failures of the machine rather than of kiln: a file kiln may not write, a full disk. They are
// reported as what could not be done to which file, not as a bug in kiln.

import path from "node:path";

/** What each error code means, for the codes that say something about the machine. */
const MEANINGS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  EIO: "input/output error",
  EISDIR: "it is a directory",
  ENOTDIR: "a part of the path is not a directory",
};

/** Node's system errors; those of two-path calls (rename, link, copy) also name the destination. */
type SystemError = NodeJS.ErrnoException & { code: string; dest?: string };

function isSystemError(e: unknown): e is SystemError {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string";
}

/** "cannot open /abs/file: permission denied", or undefined when `e` is not such a failure. */
export function describeSystemError(e: unknown): string | undefined {
  if (!isSystemError(e) || !(e.code in MEANINGS)) return undefined;
  const what = e.syscall ? `cannot ${e.syscall}` : "cannot go on";
  const where = e.path ? ` ${path.resolve(e.path)}${e.dest ? ` to ${path.resolve(e.dest)}` : ""}` : "";
  return `${what}${where}: ${MEANINGS[e.code]}`;
}
