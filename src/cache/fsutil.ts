// Removing and moving whole directory trees.

import { chmod, lstat, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { finished, run } from "./process.js";

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** `rm -rf`, also for trees holding read-only directories (they are made writable first). */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch (e) {
    if (code(e) !== "EACCES" && code(e) !== "EPERM") throw e;
    await makeWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}

async function makeWritable(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isDirectory()) return;
  await chmod(path, (st.mode & 0o7777) | 0o700);
  for (const name of await readdir(path)) await makeWritable(join(path, name));
}

/** Move a directory to `dest` (which must not exist), copying when it is on another filesystem. */
export async function moveDir(src: string, dest: string): Promise<void> {
  try {
    await rename(src, dest);
  } catch (e) {
    if (code(e) !== "EXDEV") throw e;
    await finished(run("cp", ["-a", "--", src, dest], { stdio: ["ignore", "ignore", "pipe"] }), "cp");
    await removeTree(src);
  }
}

/** Does `path` exist (without following a final symlink)? */
export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if (code(e) === "ENOENT" || code(e) === "ENOTDIR") return false;
    throw e;
  }
}

export { code as errorCode };
