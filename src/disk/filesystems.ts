// One file system image per partition, written to a plain file by the file system's own tools
// (no loop device, no mount, no root): ext2/3/4 with kiln's mke2fs -d writer (src/image), vfat
// with mkfs.vfat and mtools' mcopy, erofs with mkfs.erofs, squashfs with mksquashfs, swap with
// mkswap. Programs that record owners run behind the fakeroot prefix (state loaded, not saved),
// so the root filesystem keeps the owners its packages gave it. Reproducible: identifiers come
// from the caller, times from SOURCE_DATE_EPOCH.

import {
  closeSync,
  ftruncateSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  truncateSync,
} from "node:fs";
import path from "node:path";
import { type Entry, makeExt4, run, STABLE_ENV, walkRootfs } from "../image/index.js";

export interface FsContent {
  /** The directory whose tree goes in (null: an empty file system). */
  dir: string | null;
  /** Its entries (walkRootfs), excluded paths left out: for sizes and ext4 inode times. */
  entries: Entry[];
  /** Command prefix for the programs that read the tree (fakeroot, and staging; see stage.ts). */
  prefix: string[];
}

export interface FsParams {
  output: string;
  sizeKiB: number;
  label?: string;
  /** A UUID, or for vfat eight hex digits. */
  fsuuid: string;
  epoch: number;
  workdir: string;
  /** --mkfs-extraopts, split into words. */
  extraopts: string[];
}

function emptyFile(file: string, sizeKiB: number): void {
  const fd = openSync(file, "w");
  try {
    ftruncateSync(fd, sizeKiB * 1024);
  } finally {
    closeSync(fd);
  }
}

export function makeExtFs(fstype: "ext2" | "ext3" | "ext4", content: FsContent, p: FsParams): void {
  let { dir, entries } = content;
  if (dir === null) {
    // An empty file system still has a root directory, whose times must be the epoch's too.
    dir = path.join(p.workdir, "empty-root");
    mkdirSync(dir, { recursive: true });
    lutimesSync(dir, p.epoch, p.epoch);
    entries = walkRootfs(dir);
  }
  makeExt4(dir, p.output, {
    entries,
    epoch: p.epoch,
    fakeroot: content.prefix,
    extraSpaceMiB: 0,
    sizeKiB: p.sizeKiB,
    fsType: fstype,
    label: p.label ?? "",
    uuid: p.fsuuid,
    workdir: p.workdir,
  });
  // The file is the partition: exactly the size asked for, whatever mke2fs left unwritten.
  truncateSync(p.output, p.sizeKiB * 1024);
}

/**
 * mkfs.vfat makes the file system (volume id and label given; --invariant: no time-derived
 * fields), mcopy copies the tree in keeping the files' and directories' (clamped) mtimes (-m).
 * FAT stores local time: TZ=UTC (STABLE_ENV) makes it the same on every host.
 */
export function makeVfat(_fstype: "vfat" | "msdos", content: FsContent, p: FsParams): void {
  const env = { ...STABLE_ENV, SOURCE_DATE_EPOCH: String(p.epoch), MTOOLS_SKIP_CHECK: "1" };
  run(
    [
      "mkfs.vfat",
      "--invariant",
      "-S",
      "512",
      "-i",
      p.fsuuid,
      "-n",
      p.label ?? "boot",
      ...p.extraopts,
      "-C",
      p.output,
      String(p.sizeKiB),
    ],
    { env },
  );
  if (content.dir === null) return;
  const names = content.entries.filter((e) => e.rel.length > 0 && !e.rel.includes(0x2f));
  if (names.length === 0) return;
  const sources = readdirSync(content.dir)
    .sort()
    .map((n) => path.join(content.dir!, n));
  run(["mcopy", "-i", p.output, "-s", "-p", "-m", "-Q", ...sources, "::/"], {
    env,
    prefix: content.prefix,
  });
}

export function makeErofs(content: FsContent, p: FsParams): void {
  run(
    [
      "mkfs.erofs",
      ...p.extraopts,
      "-T",
      String(p.epoch),
      "-U",
      p.fsuuid,
      ...(p.label ? ["-L", p.label] : []),
      p.output,
      content.dir!,
    ],
    { env: { ...STABLE_ENV, SOURCE_DATE_EPOCH: String(p.epoch) }, prefix: content.prefix },
  );
}

export function makeSquashfs(content: FsContent, p: FsParams): void {
  run(
    [
      "mksquashfs",
      content.dir!,
      p.output,
      ...(p.extraopts.length ? p.extraopts : ["-noappend"]),
      "-no-progress",
      "-quiet",
      "-mkfs-time",
      String(p.epoch),
    ],
    { env: { ...STABLE_ENV, SOURCE_DATE_EPOCH: undefined }, prefix: content.prefix },
  );
}

export function makeSwap(p: FsParams): void {
  emptyFile(p.output, p.sizeKiB);
  run(["mkswap", ...(p.label ? ["-L", p.label] : []), "-U", p.fsuuid, p.output], {
    env: STABLE_ENV,
  });
}
