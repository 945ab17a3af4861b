// Restoring a task's output directories from SSTATE_DIR, or from a mirror into SSTATE_DIR first.
//
// Nothing is extracted before the archive's sha256 matches its ".sha256" sidecar. The archive is
// extracted into a temporary directory next to the first output directory; only when that has
// worked is each output directory replaced (old one removed, new one renamed into place). An
// archive without a ".sha256" is treated as missing (it may be a copy still in progress); a
// local entry that fails verification or extraction is removed and reported as corrupt.

import type { FileHandle } from "node:fs/promises";
import { lstat, mkdir, open, readdir, readFile, rename } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { extractArchive } from "./archive.js";
import { parseSidecar, sha256OfHandle } from "./checksum.js";
import { commitEntry, ensureEntryDir, manifestFor, removeEntry } from "./entry.js";
import { errorCode, moveDir, removeTree } from "./fsutil.js";
import { fetchText, fetchToFile, MirrorError, mirrorUrls } from "./mirrors.js";
import type { EntryPaths } from "./naming.js";
import { describe, entryPaths, tempPath } from "./naming.js";
import { ProgramError } from "./process.js";
import type { OutputDir, RestoreResult, SstateConfig, SstateKey } from "./types.js";

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Restore `dirs` from the entry for `key`: SSTATE_DIR first, then each matching mirror in order. */
export async function restoreOutputs(
  cfg: SstateConfig,
  key: SstateKey,
  dirs: OutputDir[],
): Promise<RestoreResult> {
  const paths = entryPaths(cfg.dir, key);
  return (await restoreLocal(cfg, key, paths, dirs)) ?? (await restoreFromMirrors(cfg, key, paths, dirs));
}

/** undefined when SSTATE_DIR has no usable entry. */
async function restoreLocal(
  cfg: SstateConfig,
  key: SstateKey,
  paths: EntryPaths,
  dirs: OutputDir[],
): Promise<RestoreResult | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(paths.archive, "r");
  } catch (e) {
    if (errorCode(e) === "ENOENT" || errorCode(e) === "ENOTDIR") return undefined;
    throw e;
  }
  try {
    const st = await fh.stat();
    let sidecar: string;
    try {
      sidecar = await readFile(paths.sha256, "utf8");
    } catch (e) {
      if (errorCode(e) !== "ENOENT") throw e;
      cfg.log?.(`ignoring ${paths.shown}: it has no .sha256 file`);
      return undefined;
    }
    const problem = await verify(fh, parseSidecar(sidecar));
    const staged = problem ?? (await unpack(fh, dirs, cfg.tarPrefix));
    if (typeof staged === "string") {
      await removeEntry(paths, { dev: st.dev, ino: st.ino });
      cfg.log?.(`removed corrupt sstate entry ${paths.shown}: ${staged}`);
      return { status: "corrupt", reason: staged };
    }
    await install(staged, dirs);
    cfg.log?.(`restored ${describe(key)} from ${paths.shown}`);
    return { status: "restored", from: paths.shown };
  } finally {
    await fh.close();
  }
}

async function restoreFromMirrors(
  cfg: SstateConfig,
  key: SstateKey,
  paths: EntryPaths,
  dirs: OutputDir[],
): Promise<RestoreResult> {
  const timeout = cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let corrupt: string | undefined;
  for (const url of mirrorUrls(cfg.mirrors, paths.rel, cfg.log)) {
    let tmp: string | undefined;
    let fh: FileHandle | undefined;
    try {
      const sidecar = await fetchText(`${url}.sha256`, timeout);
      if (sidecar === undefined) continue;
      const expected = parseSidecar(sidecar);
      if (!expected) {
        corrupt = `${url}.sha256 holds no sha256`;
        cfg.log?.(`ignoring sstate mirror entry: ${corrupt}`);
        continue;
      }
      await ensureEntryDir(paths);
      tmp = tempPath(paths.archive);
      if (!(await fetchToFile(url, tmp, timeout))) continue;
      fh = await open(tmp, "r");
      const problem = await verify(fh, expected);
      const staged = problem ?? (await unpack(fh, dirs, cfg.tarPrefix));
      if (typeof staged === "string") {
        corrupt = `${url}: ${staged}`;
        cfg.log?.(`ignoring corrupt sstate entry ${corrupt}`);
        continue;
      }
      const size = (await fh.stat()).size;
      await fh.close();
      fh = undefined;
      try {
        // Keep it in SSTATE_DIR, so that the next build finds it there.
        await commitEntry(paths, tmp, manifestFor(key, dirs.length, { sha256: expected, size }, url));
        await install(staged, dirs);
      } finally {
        if (staged) await removeTree(staged.root);
      }
      cfg.log?.(`restored ${describe(key)} from ${url}`);
      return { status: "restored", from: url };
    } catch (e) {
      if (!(e instanceof MirrorError)) throw e;
      cfg.log?.(`sstate mirror: ${e.message}`);
    } finally {
      await fh?.close();
      if (tmp) await removeTree(tmp);
    }
  }
  return corrupt ? { status: "corrupt", reason: corrupt } : { status: "missing" };
}

/** A problem with the archive, or undefined when its sha256 is `expected`. */
async function verify(fh: FileHandle, expected: string | undefined): Promise<string | undefined> {
  if (!expected) return "the .sha256 file holds no sha256";
  let actual: string;
  try {
    actual = await sha256OfHandle(fh);
  } catch (e) {
    return `cannot read the archive: ${(e as Error).message}`;
  }
  return actual === expected ? undefined : `sha256 mismatch: expected ${expected}, found ${actual}`;
}

/** Output directories extracted into `root` as "0", "1", ...; root is undefined when there are none. */
interface Staged {
  root: string;
}

/** Extract into a temporary directory beside the first output directory; a problem as a string. */
async function unpack(
  fh: FileHandle,
  dirs: OutputDir[],
  tarPrefix?: string[],
): Promise<Staged | string | undefined> {
  if (dirs.length === 0) return undefined;
  const first = resolve(dirs[0].path);
  await mkdir(dirname(first), { recursive: true });
  const root = tempPath(first, "sstate");
  await mkdir(root, { mode: 0o700 });
  try {
    await extractArchive(fh, root, tarPrefix);
    const names = await readdir(root);
    const wanted = dirs.map((_, i) => String(i));
    const dirsOk = await Promise.all(wanted.map((n) => isDirectory(join(root, n))));
    if (names.length !== wanted.length || dirsOk.includes(false)) {
      await removeTree(root);
      return `the archive holds ${names.length} entries, not the ${dirs.length} output directories expected`;
    }
  } catch (e) {
    await removeTree(root);
    // tar or zstd missing says nothing about the archive.
    if (e instanceof ProgramError && e.notRun) throw e;
    return `cannot extract: ${(e as Error).message}`;
  }
  return { root };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Replace each output directory with its extracted copy. */
async function install(staged: Staged | undefined, dirs: OutputDir[]): Promise<void> {
  if (!staged) return;
  const moved: { tmp: string; target: string; done: boolean }[] = [];
  try {
    for (const [i, dir] of dirs.entries()) {
      const target = resolve(dir.path);
      await mkdir(dirname(target), { recursive: true });
      const tmp = tempPath(target, "new");
      await moveDir(join(staged.root, String(i)), tmp);
      moved.push({ tmp, target, done: false });
    }
    for (const m of moved) {
      await removeTree(m.target);
      await rename(m.tmp, m.target);
      m.done = true;
    }
  } finally {
    for (const m of moved) if (!m.done) await removeTree(m.tmp);
    await removeTree(staged.root);
  }
}
