// Patches from SRC_URI: which entries are patches, and applying them with the patch program.
// A patch that does not apply but whose reverse does is taken as already applied and skipped, so
// re-running after an interruption is safe.

import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { PatchError } from "./errors.js";
import { run } from "./run.js";
import { decompressorOf } from "./unpack.js";

export interface PatchEntry {
  url: string;
  /** The local patch file (possibly compressed: .gz, .bz2, .xz, .zst, ...). */
  file: string;
  striplevel: number;
  /** Relative to the source directory. */
  patchdir?: string;
}

function patchInput(p: PatchEntry): { args: string[]; input?: Buffer } {
  const compressed = decompressorOf(p.file);
  if (!compressed) return { args: ["-i", p.file] };
  const r = spawnSync(compressed.program, ["-dc", p.file], {
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : r.stderr.toString();
    throw new PatchError(p.file, path.dirname(p.file), `${compressed.program} -dc ${p.file} failed: ${why}`);
  }
  return { args: [], input: r.stdout };
}

/** Apply the patches in order to sourceDir (or sourceDir/<patchdir>). Throws PatchError. */
export function applyPatches(patches: PatchEntry[], sourceDir: string, log: (line: string) => void): void {
  for (const p of patches) {
    const dir = path.resolve(sourceDir, p.patchdir ?? ".");
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new PatchError(p.file, dir, `the directory ${dir} to apply the patch in does not exist`);
    }
    const { args: source, input } = patchInput(p);
    const base = [`-p${p.striplevel}`, "--no-backup-if-mismatch", "-f", "-d", dir, ...source];
    const forward = run("patch", [...base, "--dry-run"], { input });
    if (forward.status === 0) {
      log(`Applying patch ${path.basename(p.file)}`);
      const applied = run("patch", [...base, "-s"], { input });
      if (applied.status !== 0) throw new PatchError(p.file, dir, applied.stdout + applied.stderr);
      continue;
    }
    const reverse = run("patch", [...base, "-R", "--dry-run"], { input });
    if (reverse.status === 0) {
      log(`Patch ${path.basename(p.file)} is already applied, skipping it`);
      continue;
    }
    throw new PatchError(p.file, dir, forward.stdout + forward.stderr);
  }
}
