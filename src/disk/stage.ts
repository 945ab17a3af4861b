// A root filesystem as one partition should hold it, without touching the image's own root
// filesystem (other image types are made from it too): when --exclude-path leaves things out or
// /etc/fstab gets the layout's lines, a copy is staged first. The copy is made of hard links
// (cp -al: no data copied; a hard link shares the inode, so fakeroot's recorded owner holds)
// and its directories are recreated by cp -a, which gives them their owners inside the same
// fakeroot session as the mkfs program. So the staging runs as a command prefix: fakeroot, then
// `sh -c STAGING; exec "$@"`, then the mkfs command line; nothing has to save fakeroot's state
// (whose shutdown costs over a second). Files in the copy are replaced, never written in place,
// since writing into a hard link would change the image's root filesystem. Across file systems
// (no hard links possible) the copy is a real one, still under fakeroot.

import path from "node:path";
import { type Entry, shellQuote } from "../image/index.js";

export interface StageRequest {
  rootfs: string;
  stage: string;
  /** --exclude-path values: relative; a trailing "/" keeps the directory and drops its contents. */
  exclude: string[];
  /** A host file to install as etc/fstab (owned by root, mode 0644), or none. */
  fstab?: string;
  epoch: number;
}

/** Whether rel (a path inside the partition) is left out by the exclusions. */
export function excluded(rel: string, exclude: string[]): boolean {
  for (const raw of exclude) {
    const contentsOnly = raw.endsWith("/");
    const p = path.posix.normalize(raw).replace(/\/+$/, "");
    if (p === "." || p === "") {
      if (contentsOnly && rel !== "") return true;
      continue;
    }
    if (rel === p) {
      if (!contentsOnly) return true;
      continue;
    }
    if (rel.startsWith(`${p}/`)) return true;
  }
  return false;
}

/** The entries that remain, the root filesystem's own for what is not excluded. */
export function keptEntries(entries: Entry[], exclude: string[]): Entry[] {
  if (exclude.length === 0) return entries;
  return entries.filter((e) => !excluded(e.rel.toString("latin1"), exclude));
}

/** The prefix (to put after the fakeroot prefix) that stages the copy, then runs the command. */
export function stagingPrefix(req: StageRequest): string[] {
  const q = shellQuote;
  const stage = req.stage;
  const lines = [
    `rm -rf ${q(stage)}`,
    `cp -al ${q(req.rootfs)} ${q(stage)} 2>/dev/null || { rm -rf ${q(stage)}; cp -a ${q(req.rootfs)} ${q(stage)}; }`,
  ];
  const touched = new Set<string>();
  for (const raw of req.exclude) {
    const p = path.posix.normalize(raw).replace(/\/+$/, "");
    const target = p === "." || p === "" ? stage : path.join(stage, p);
    if (raw.endsWith("/")) {
      lines.push(
        `if [ -d ${q(target)} ]; then find ${q(target)} -mindepth 1 -maxdepth 1 -exec rm -rf {} +; fi`,
      );
      touched.add(target);
    } else {
      lines.push(`rm -rf ${q(target)}`);
      touched.add(path.dirname(target));
    }
  }
  if (req.fstab) {
    const fstab = path.join(stage, "etc", "fstab");
    lines.push(`rm -f ${q(fstab)}`, `cat ${q(req.fstab)} > ${q(fstab)}`, `chmod 0644 ${q(fstab)}`);
    touched.add(fstab);
    touched.add(path.dirname(fstab));
  }
  // Times changed by the staging go back to SOURCE_DATE_EPOCH, as the rest were clamped.
  for (const t of [...touched].sort())
    lines.push(`if [ -e ${q(t)} ]; then touch -h -d @${req.epoch} ${q(t)}; fi`);
  return ["sh", "-e", "-c", `${lines.join("\n")}\nexec "$@"`, "kiln-stage"];
}
