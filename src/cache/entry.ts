// Putting a finished entry into SSTATE_DIR, and taking a bad one out.
//
// Write order. The archive's presence is what makes an entry visible, so it is renamed into place
// last: by then its ".sha256" and ".json" sidecars are complete, and a reader that finds the
// archive always finds the right checksum. Everything is first written under temporary names in
// the entry's directory.
//
//   1. archive, .sha256 and .json are written under temporary names (the archive is synced);
//   2. the .sha256 is hard-linked to its final name. This fails when the name exists, which makes
//      it the claim on the entry: a concurrent store of the same key that loses simply reports the
//      entry as present and throws its files away;
//   3. the .json is renamed into place;
//   4. the archive is renamed into place.
//
// A .sha256 without an archive is therefore either a store between steps 2 and 4 (a matter of
// microseconds) or left by a crash; one older than a minute is taken for the latter and replaced.
// An archive without a .sha256 is never made by kiln; readers ignore it and stores replace it.

import { link, lstat, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { formatSidecar } from "./checksum.js";
import { errorCode, exists } from "./fsutil.js";
import type { EntryPaths } from "./naming.js";
import { tempPath } from "./naming.js";
import type { SstateKey } from "./types.js";

/** Contents of the ".json" sidecar. Informational: restoring does not need it. */
export interface Manifest {
  format: "kiln-sstate/1";
  pn: string;
  task: string;
  hash: string;
  /** Number of output directories; the archive holds them as "0/", "1/", ... */
  dirs: number;
  /** When the archive was made (ISO 8601). */
  created: string;
  sha256: string;
  size: number;
  /** For an entry fetched from a mirror: the URL it came from. */
  source?: string;
}

/** The manifest of an entry for `key` made now (from a mirror: `source`). */
export function manifestFor(
  key: SstateKey,
  dirs: number,
  archive: { sha256: string; size: number },
  source?: string,
): Manifest {
  return {
    format: "kiln-sstate/1",
    pn: key.pn,
    task: key.task,
    hash: key.hash,
    dirs,
    created: new Date().toISOString(),
    sha256: archive.sha256,
    size: archive.size,
    ...(source === undefined ? {} : { source }),
  };
}

const ORPHAN_AGE_MS = 60_000;

/** Is there a complete entry (archive and checksum) at `paths`? */
export async function entryPresent(paths: EntryPaths): Promise<boolean> {
  return (await exists(paths.archive)) && (await exists(paths.sha256));
}

/**
 * Move the finished archive `archiveTmp` (a temporary file in the entry's directory) into place
 * with its sidecars. "present" when another store got there first; `archiveTmp` is gone either way.
 */
export async function commitEntry(
  paths: EntryPaths,
  archiveTmp: string,
  manifest: Manifest,
): Promise<"stored" | "present"> {
  const sidecar = formatSidecar(manifest.sha256, basename(paths.archive));
  const shaTmp = tempPath(paths.sha256);
  const jsonTmp = tempPath(paths.manifest);
  try {
    await writeFile(shaTmp, sidecar);
    await writeFile(jsonTmp, `${JSON.stringify(manifest, null, 2)}\n`);
    if (!(await exists(paths.sha256)) && (await exists(paths.archive))) {
      // An archive nobody vouches for: it must not be seen paired with our checksum.
      await rm(paths.archive, { force: true });
    }
    if (!(await claim(paths, shaTmp, sidecar))) return "present";
    await rename(jsonTmp, paths.manifest);
    await rename(archiveTmp, paths.archive);
    return "stored";
  } finally {
    await Promise.all([shaTmp, jsonTmp, archiveTmp].map((f) => rm(f, { force: true })));
  }
}

async function claim(paths: EntryPaths, shaTmp: string, sidecar: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    if (await createExclusive(paths.sha256, shaTmp, sidecar)) return true;
    if (attempt > 0 || !(await isOrphan(paths))) return false;
    await rm(paths.sha256, { force: true });
  }
}

/** Give `file` the contents of `tmp` unless `file` exists; false when it does. */
async function createExclusive(file: string, tmp: string, contents: string): Promise<boolean> {
  try {
    await link(tmp, file);
    return true;
  } catch (e) {
    if (errorCode(e) === "EEXIST") return false;
    if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"].includes(errorCode(e) ?? "")) throw e;
  }
  // No hard links on this filesystem. Exclusive creation still decides who owns the entry, and no
  // reader looks at the checksum before the archive exists.
  try {
    await writeFile(file, contents, { flag: "wx" });
    return true;
  } catch (e) {
    if (errorCode(e) === "EEXIST") return false;
    throw e;
  }
}

async function isOrphan(paths: EntryPaths): Promise<boolean> {
  if (await exists(paths.archive)) return false;
  try {
    const st = await lstat(paths.sha256);
    return Date.now() - st.mtimeMs > ORPHAN_AGE_MS;
  } catch {
    return false;
  }
}

/**
 * Remove a corrupt entry. When `archive` identifies the file found corrupt, nothing is removed if
 * the archive has since been replaced (a concurrent store put a good one there).
 */
export async function removeEntry(paths: EntryPaths, archive?: { dev: number; ino: number }): Promise<void> {
  if (archive) {
    const st = await lstat(paths.archive).catch(() => undefined);
    if (!st || st.dev !== archive.dev || st.ino !== archive.ino) return;
  }
  await rm(paths.archive, { force: true });
  await rm(paths.sha256, { force: true });
  await rm(paths.manifest, { force: true });
}

export async function ensureEntryDir(paths: EntryPaths): Promise<void> {
  await mkdir(dirname(paths.archive), { recursive: true });
}
