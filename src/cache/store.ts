// Storing a successful task's output directories as an sstate entry.

import { chmod, mkdir, rm, stat, symlink, utimes } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { createArchive } from "./archive.js";
import { commitEntry, ensureEntryDir, entryPresent, manifestFor } from "./entry.js";
import { errorCode } from "./fsutil.js";
import { describe, entryPaths, tempPath } from "./naming.js";
import type { OutputDir, SstateConfig, SstateKey, StoreResult } from "./types.js";

/**
 * Archive `dirs` into SSTATE_DIR under `key`. "present" when the entry already exists (or a
 * concurrent store of the same key made it). An output directory that does not exist is stored
 * as an empty one.
 */
export async function storeOutputs(
  cfg: SstateConfig,
  key: SstateKey,
  dirs: OutputDir[],
): Promise<StoreResult> {
  const paths = entryPaths(cfg.dir, key);
  if (await entryPresent(paths)) {
    cfg.log?.(`${describe(key)} is already in ${paths.shown}`);
    return "present";
  }
  await ensureEntryDir(paths);
  const staging = tempPath(paths.archive, "stage");
  const archiveTmp = tempPath(paths.archive);
  try {
    await mkdir(staging);
    for (const [i, dir] of dirs.entries()) await stage(staging, i, dir);
    const archive = await createArchive(staging, dirs.length, archiveTmp, cfg.tarPrefix);
    const result = await commitEntry(paths, archiveTmp, manifestFor(key, dirs.length, archive));
    cfg.log?.(
      result === "stored"
        ? `stored ${describe(key)} in ${paths.shown}`
        : `${describe(key)} was stored concurrently in ${paths.shown}`,
    );
    return result;
  } finally {
    await rm(archiveTmp, { force: true });
    await rm(staging, { recursive: true, force: true });
  }
}

/** Make `staging/<i>` lead to the output directory (a symlink; an empty directory if it is missing). */
async function stage(staging: string, i: number, dir: OutputDir): Promise<void> {
  if (!isAbsolute(dir.path)) throw new Error(`sstate: output directory is not absolute: ${dir.path}`);
  const entry = join(staging, String(i));
  try {
    const st = await stat(dir.path);
    if (!st.isDirectory()) throw new Error(`sstate: output ${dir.path} is not a directory`);
    await symlink(dir.path, entry);
  } catch (e) {
    if (errorCode(e) !== "ENOENT") throw e;
    await mkdir(entry);
    await chmod(entry, 0o755);
    await utimes(entry, 0, 0);
  }
}
