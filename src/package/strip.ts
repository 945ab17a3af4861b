// Planning what do_package does to ELF files in PKGD: separate the debug information into
// /usr/lib/debug/<path>.debug (objcopy --only-keep-debug), strip the file, and point it at its
// debug file (objcopy --add-gnu-debuglink). The plan is a list of shell commands for the split
// script, so that the stripped files keep the owners a fakeroot session records for them.

import path from "node:path";
import type { ElfType } from "./elf.js";
import { shellQuote as q } from "./run.js";

/** Where separated debug information goes, relative to the package root. */
export const DEBUG_DIR = "usr/lib/debug";

export interface ElfFile {
  rel: string; // path relative to PKGD
  type: ElfType;
  inode: string; // "<dev>:<ino>": hard links share it
}

export interface StripTools {
  strip: string;
  objcopy: string;
}

export interface StripPlan {
  commands: string[];
  /** Debug files the commands create, relative to PKGD. */
  debugFiles: string[];
  /** Files that get stripped, relative to PKGD. */
  stripped: string[];
}

/** Files that are debug information already (never stripped, never searched for shlibs). */
export function isDebugPath(rel: string): boolean {
  return rel.startsWith(`${DEBUG_DIR}/`) || rel.startsWith(".debug/") || rel.includes("/.debug/");
}

function stripFlags(f: ElfFile): string[] | undefined {
  const name = path.posix.basename(f.rel);
  const common = ["--remove-section=.comment", "--remove-section=.note"];
  if (f.type === "relocatable") return name.endsWith(".ko") ? ["--strip-debug", ...common] : undefined;
  if (f.type === "shared" && /\.so(\.|$)/.test(name)) return ["--strip-unneeded", ...common];
  if (f.type === "shared" || f.type === "executable") return common; // strip everything else
  return undefined;
}

/**
 * The commands that strip `files` (in PKGD at `pkgd`), separating debug information first when
 * `splitDebug`. Relocatable objects other than kernel modules (.ko), core files and files already
 * under a debug directory are left alone. Hard links to one file are stripped once and linked again.
 */
export function planStrip(pkgd: string, files: ElfFile[], splitDebug: boolean, tools: StripTools): StripPlan {
  const plan: StripPlan = { commands: [], debugFiles: [], stripped: [] };
  const firstOf = new Map<string, string>();
  const sorted = [...files].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  for (const f of sorted) {
    if (isDebugPath(f.rel)) continue;
    const flags = stripFlags(f);
    if (!flags) continue;
    const abs = path.join(pkgd, f.rel);
    const first = firstOf.get(f.inode);
    if (first !== undefined) {
      // cp -a kept the hard link; strip may have replaced the first name's inode.
      plan.commands.push(`ln -f ${q(path.join(pkgd, first))} ${q(abs)}`);
      plan.stripped.push(f.rel);
      continue;
    }
    firstOf.set(f.inode, f.rel);
    if (splitDebug) {
      const dbgRel = `${DEBUG_DIR}/${f.rel}.debug`;
      const dbg = path.join(pkgd, dbgRel);
      plan.commands.push(
        `mkdir -p ${q(path.dirname(dbg))}`,
        `${q(tools.objcopy)} --only-keep-debug ${q(abs)} ${q(dbg)}`,
        `${q(tools.strip)} ${flags.join(" ")} ${q(abs)}`,
        `${q(tools.objcopy)} --add-gnu-debuglink=${q(dbg)} ${q(abs)}`,
      );
      plan.debugFiles.push(dbgRel);
    } else {
      plan.commands.push(`${q(tools.strip)} ${flags.join(" ")} ${q(abs)}`);
    }
    plan.stripped.push(f.rel);
  }
  return plan;
}
