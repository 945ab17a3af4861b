// Partition sources (wic's --source plugins), each in two steps: `check` looks at the
// parameters and inputs and throws before anything is written; `make` writes the partition's
// content to a file (or none: the partition stays zeros in the new, sparse disk) and says how
// many KiB the partition takes. Sizes follow wic:
//   rootfs       the tree's size (as `du -ks` counts it on ext4: 4 KiB blocks, hard links once,
//                so the same on every host) plus the larger of --extra-space and what --size
//                asks beyond it, times --overhead-factor; --fixed-size is the size, and content
//                bigger than it is an error;
//   no --source  an empty file system (or swap, or nothing for --fstype none) of --size;
//   rawcopy      the file's size, at least --size;
//   empty        --size, or sourceparams size=, or with fill the --fixed-size;
//   bootimg-efi  see esp.ts.
// --size is a minimum for every source (wic's reference says so; its squashfs and erofs
// partitions ignore it) and --extra-partition-space is added after the file system.

import { existsSync, lstatSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Entry, readOnlyPrefix, run, STABLE_ENV } from "../image/index.js";
import { DiskError } from "./errors.js";
import { checkEsp, makeEsp } from "./esp.js";
import {
  type FsContent,
  type FsParams,
  makeErofs,
  makeExtFs,
  makeSquashfs,
  makeSwap,
  makeVfat,
} from "./filesystems.js";
import { keptEntries, stagingPrefix } from "./stage.js";
import { parseSize, type WksPartition } from "./wks.js";

export interface EspFile {
  /** Host file or directory. */
  source: string;
  /** Path inside the ESP, relative. */
  dest: string;
}

export interface SourceContext {
  rootfs: string;
  deployDir: string;
  workdir: string;
  /** fakeroot prefix as given by the caller (loaded read-only here). */
  fakeroot: string[];
  epoch: number;
  /** A host file with the layout's /etc/fstab, when the layout adds lines to it. */
  fstab?: string;
  espFiles: EspFile[];
  /** The entries of a tree, walked once per directory. */
  entries(dir: string): Entry[];
}

export interface PartitionId {
  num: number;
  uuid: string;
  fsuuid: string;
}

export interface Made {
  /** The partition's content, from byte `skip` on; none: zeros. */
  file?: string;
  skip?: number;
  sizeKiB: number;
}

export interface PartitionSource {
  check(part: WksPartition, ctx: SourceContext): void;
  make(part: WksPartition, id: PartitionId, ctx: SourceContext): Made;
}

/** `du -ks` of the entries as an ext4 host counts it: 4 KiB blocks, each inode once. */
export function treeKiB(entries: Entry[]): number {
  const seen = new Set<string>();
  let kib = 0;
  for (const e of entries) {
    const key = `${e.st.dev}:${e.st.ino}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (e.st.isFile()) kib += Math.ceil(e.st.size / 4096) * 4;
    else if (e.st.isDirectory()) kib += 4;
    else if (e.st.isSymbolicLink() && e.st.size >= 60) kib += 4;
  }
  return kib;
}

function fileKiB(file: string): number {
  return Math.ceil(statSync(file).size / 1024);
}

function noParams(part: WksPartition, source: string): void {
  for (const key of part.sourceparams.keys())
    throw new DiskError(`--sourceparams ${key}: ${source} takes no parameters in kiln`, part.at);
}

function knownParams(part: WksPartition, source: string, known: string[]): void {
  for (const key of part.sourceparams.keys())
    if (!known.includes(key))
      throw new DiskError(`--sourceparams ${key}: ${source} knows ${known.join(", ")}`, part.at);
}

function fsParams(part: WksPartition, id: PartitionId, ctx: SourceContext, sizeKiB: number): FsParams {
  return {
    output: path.join(ctx.workdir, `part${part.index}.${part.fstype}`),
    sizeKiB,
    label: part.label,
    fsuuid: id.fsuuid,
    epoch: ctx.epoch,
    workdir: ctx.workdir,
    extraopts: part.mkfsExtraopts.split(/\s+/).filter(Boolean),
  };
}

/** Makes a file system of `fstype` with content (or empty) and returns its file. */
function makeFs(part: WksPartition, content: FsContent, p: FsParams): string {
  switch (part.fstype) {
    case "ext2":
    case "ext3":
    case "ext4":
      makeExtFs(part.fstype, content, p);
      break;
    case "vfat":
    case "msdos":
      makeVfat(part.fstype, content, p);
      break;
    case "erofs":
      makeErofs(content, p);
      break;
    case "squashfs":
      makeSquashfs(content, p);
      break;
    case "swap":
      makeSwap(p);
      break;
    case "none":
      throw new DiskError("--fstype none has no file system to fill", part.at);
  }
  return p.output;
}

function rootfsDir(part: WksPartition, ctx: SourceContext): string {
  return part.rootfsDir ? path.resolve(part.rootfsDir) : ctx.rootfs;
}

const rootfs: PartitionSource = {
  check(part, ctx) {
    noParams(part, "rootfs");
    if (part.fstype === "swap" || part.fstype === "none")
      throw new DiskError(`--source rootfs needs a file system, not --fstype ${part.fstype}`, part.at);
    const dir = rootfsDir(part, ctx);
    if (!existsSync(dir) || !lstatSync(dir).isDirectory())
      throw new DiskError(
        `--rootfs-dir ${part.rootfsDir}: not a directory (kiln takes a directory here, not an image name)`,
        part.at,
      );
    if (part.fixedSizeKiB) {
      const need = treeKiB(keptEntries(ctx.entries(dir), part.excludePaths));
      const room = part.fixedSizeKiB - part.extraPartitionSpaceKiB;
      if (need > room)
        throw new DiskError(
          `partition too small for its content: ${need} KiB of files, --fixed-size leaves ${room} KiB`,
          part.at,
        );
    }
  },
  make(part, id, ctx) {
    const dir = rootfsDir(part, ctx);
    const entries = keptEntries(ctx.entries(dir), part.excludePaths);
    const hasFstab = entries.some((e) => e.rel.toString("latin1") === "etc/fstab");
    const fstab = ctx.fstab && hasFstab && !part.noFstabUpdate ? ctx.fstab : undefined;
    const prefix = readOnlyPrefix(ctx.fakeroot);
    let content: FsContent = { dir, entries, prefix };
    if (part.excludePaths.length > 0 || fstab) {
      const stage = path.join(ctx.workdir, `rootfs${part.index}`);
      const staging = stagingPrefix({
        rootfs: dir,
        stage,
        exclude: part.excludePaths,
        fstab,
        epoch: ctx.epoch,
      });
      content = {
        dir: stage,
        entries: entries.map((e) => restage(e, dir, stage)),
        prefix: [...prefix, ...staging],
      };
    }
    const actual = treeKiB(entries);
    let fsKiB: number;
    if (part.fixedSizeKiB) fsKiB = part.fixedSizeKiB - part.extraPartitionSpaceKiB;
    else {
      const extra = Math.max(part.extraSpaceKiB, part.sizeKiB - actual);
      fsKiB = Math.floor((actual + extra) * part.overheadFactor);
    }
    const file = makeFs(part, content, fsParams(part, id, ctx, fsKiB));
    return { file, sizeKiB: partitionKiB(part, fileKiB(file)) };
  },
};

/** An entry as seen in the staged copy (same relative path, host path in the stage). */
function restage(e: Entry, from: string, to: string): Entry {
  const host = Buffer.concat([Buffer.from(to), e.host.subarray(Buffer.byteLength(from))]);
  return { ...e, host };
}

/** The partition's size from its content's: --fixed-size, else content + extra, at least --size. */
function partitionKiB(part: WksPartition, contentKiB: number): number {
  if (part.fixedSizeKiB) {
    if (contentKiB + part.extraPartitionSpaceKiB > part.fixedSizeKiB)
      throw new DiskError(
        `partition too small for its content: ${contentKiB} KiB${part.extraPartitionSpaceKiB ? ` + ${part.extraPartitionSpaceKiB} KiB --extra-partition-space` : ""} > --fixed-size ${part.fixedSizeKiB} KiB`,
        part.at,
      );
    return part.fixedSizeKiB;
  }
  return Math.max(contentKiB, part.sizeKiB) + part.extraPartitionSpaceKiB;
}

/** A partition without --source: an empty file system of --size (swap, or nothing for none). */
export const noSource: PartitionSource = {
  check(part) {
    if (part.fstype === "squashfs" || part.fstype === "erofs")
      throw new DiskError(`an empty ${part.fstype} partition cannot be made: give it a --source`, part.at);
    if (!part.sizeKiB && !part.fixedSizeKiB && !part.noTable)
      throw new DiskError("a partition without --source needs --size or --fixed-size", part.at);
  },
  make(part, id, ctx) {
    const fsKiB = part.fixedSizeKiB ? part.fixedSizeKiB - part.extraPartitionSpaceKiB : part.sizeKiB;
    if (part.fstype === "none") return { sizeKiB: partitionKiB(part, fsKiB) };
    const file = makeFs(part, { dir: null, entries: [], prefix: [] }, fsParams(part, id, ctx, fsKiB));
    return { file, sizeKiB: partitionKiB(part, fileKiB(file)) };
  },
};

const DECOMPRESSORS: Record<string, string[]> = {
  ".gz": ["gzip", "-dc"],
  ".bz2": ["bzip2", "-dc"],
  ".xz": ["xz", "-dc"],
  ".zst": ["zstd", "-dcq"],
};

function rawFile(part: WksPartition, ctx: SourceContext): string {
  const name = part.sourceparams.get("file");
  if (!name) throw new DiskError("rawcopy needs --sourceparams file=NAME (in DEPLOY_DIR_IMAGE)", part.at);
  return path.resolve(ctx.deployDir, name);
}

function rawSkip(part: WksPartition): number {
  const skip = part.sourceparams.get("skip");
  if (skip === undefined || skip === null) return 0;
  if (!/^\d+$/.test(skip)) throw new DiskError(`rawcopy skip=${skip}: not a number of bytes`, part.at);
  return Number(skip);
}

const rawcopy: PartitionSource = {
  check(part, ctx) {
    knownParams(part, "rawcopy", ["file", "skip", "unpack"]);
    const file = rawFile(part, ctx);
    if (!existsSync(file)) throw new DiskError(`rawcopy: ${file} does not exist`, part.at);
    const skip = rawSkip(part);
    if (part.sourceparams.has("unpack")) {
      if (!DECOMPRESSORS[path.extname(file)])
        throw new DiskError(`rawcopy unpack: ${path.basename(file)} is not .gz, .bz2, .xz or .zst`, part.at);
    } else if (part.fixedSizeKiB)
      partitionKiB(part, Math.ceil(Math.max(0, statSync(file).size - skip) / 1024));
  },
  make(part, _id, ctx) {
    let file = rawFile(part, ctx);
    if (part.sourceparams.has("unpack")) {
      const out = path.join(ctx.workdir, `part${part.index}.raw`);
      const data = run([...DECOMPRESSORS[path.extname(file)]!, file], { env: STABLE_ENV });
      writeFileSync(out, data);
      file = out;
    }
    const skip = rawSkip(part);
    const bytes = Math.max(0, statSync(file).size - skip);
    return { file, skip, sizeKiB: partitionKiB(part, Math.ceil(bytes / 1024)) };
  },
};

const empty: PartitionSource = {
  check(part) {
    knownParams(part, "empty", ["fill", "size", "bs"]);
    const p = part.sourceparams;
    if (p.has("fill") && p.has("size"))
      throw new DiskError("empty: fill and size= cannot be given together", part.at);
    if (p.has("fill") && !part.fixedSizeKiB) throw new DiskError("empty: fill needs --fixed-size", part.at);
    for (const key of ["size", "bs"]) {
      const v = p.get(key);
      if (v === undefined) continue;
      try {
        parseSize(v ?? "", "K", true);
      } catch {
        throw new DiskError(`empty: ${key}=${v}: not a size`, part.at);
      }
    }
    if (!part.sizeKiB && !part.fixedSizeKiB && !p.has("size"))
      throw new DiskError("empty needs --size, --fixed-size or --sourceparams size=", part.at);
  },
  make(part) {
    // The disk is a new sparse file: the partition's bytes are zeros already, so fill= and
    // size= need nothing written, only the size.
    const size = part.sourceparams.get("size");
    const kib = size ? Math.ceil(parseSize(size, "K", true) / 1024) : 0;
    return { sizeKiB: partitionKiB(part, kib) };
  },
};

const esp: PartitionSource = { check: checkEsp, make: makeEsp };

const SOURCES: Record<string, PartitionSource> = {
  rootfs,
  rawcopy,
  empty,
  "bootimg-efi": esp,
  bootimg_efi: esp,
};

export function sourceOf(part: WksPartition): PartitionSource {
  if (part.source === undefined) return noSource;
  const s = SOURCES[part.source];
  if (!s)
    throw new DiskError(
      `--source ${part.source}: kiln has no such source (it has rootfs, bootimg-efi, rawcopy, empty)`,
      part.at,
    );
  return s;
}

export { fsParams, makeFs, partitionKiB };
