// makeDisk: a partitioned disk image from a kickstart file, as `wic create` makes one, in three
// steps so that bad input fails before any output is written:
//   1. read the kickstart, give every partition its number and identifiers, check every source;
//   2. make each partition's content in a work directory (file systems written to files);
//   3. lay the partitions out, write the table (sfdisk) into a new sparse file, copy the
//      contents in at their offsets, then the requested forms (raw, qcow2, zstd) and a JSON
//      description of the layout (partitions, identifiers, the kernel's root= and command line).
// Same root filesystem, kickstart, identity and SOURCE_DATE_EPOCH: same bytes.

import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { clampMtimes, type Entry, run, STABLE_ENV, walkRootfs } from "../image/index.js";
import { createSparse, writeAt } from "./assemble.js";
import { DiskError } from "./errors.js";
import { assignIds, fstabLines, partitionType, placePartitions, rootDevice, SECTOR } from "./layout.js";
import { type EspFile, type Made, type SourceContext, sourceOf } from "./sources.js";
import { sfdiskScript, writeTable } from "./table.js";
import { type Kickstart, parseKickstart } from "./wks.js";

export const DISK_TYPES = ["wic", "wic.qcow2", "wic.zst"] as const;
export type DiskType = (typeof DISK_TYPES)[number];

export interface DiskRequest {
  /** The kickstart file (named in messages; `include`s are found from its directory). */
  wks: string;
  /** Its text when it is not to be read from `wks` (a .wks.in expanded by the caller). */
  wksText?: string;
  /** ${NAME} in kickstart lines (wic expands them with the image's variables). */
  getVar?: (name: string) => string | undefined;
  /** Where `include` looks after the including file's directory. */
  searchPath?: string[];
  /** The image's root filesystem (--source rootfs without --rootfs-dir). */
  rootfs: string;
  /** DEPLOY_DIR_IMAGE: rawcopy files and IMAGE_EFI_BOOT_FILES are relative to it. */
  deployDir: string;
  /** What disk identifiers are derived from (the image's name). */
  identity: string;
  outputs: Array<{ type: DiskType; file: string }>;
  /** Where to write the layout as JSON (none: not written). */
  manifest?: string;
  sourceDateEpoch: number;
  /** Command prefix under which programs that read owners run (may be empty as root). */
  fakeroot: string[];
  /** Words added to the kernel command line after bootloader --append (OpenEmbedded's APPEND). */
  append?: string;
  /** Files for bootimg-efi partitions. */
  espFiles?: EspFile[];
  /** zstd level for wic.zst (default 3). */
  compressionLevel?: number;
}

export interface DiskPartition {
  num: number;
  mountpoint?: string;
  fstype: string;
  source?: string;
  label?: string;
  name?: string;
  type: string;
  uuid: string;
  fsuuid?: string;
  /** Bytes. */
  start: number;
  size: number;
  line: string;
}

export interface DiskLayout {
  ptable: "gpt" | "msdos";
  diskId: string;
  size: number;
  /** The kernel's root= value, when there is a "/" partition. */
  root?: string;
  /** root= and the bootloader's --append (and APPEND): what a boot loader would pass. */
  kernelCommandLine: string;
  timeout?: number;
  partitions: DiskPartition[];
  files: string[];
}

function readKickstart(req: DiskRequest): Kickstart {
  let text = req.wksText;
  if (text === undefined) {
    try {
      text = readFileSync(req.wks, "utf8");
    } catch (e) {
      throw new DiskError(`cannot read the kickstart file ${req.wks}: ${(e as Error).message}`);
    }
  }
  return parseKickstart(req.wks, text, { getVar: req.getVar, searchPath: req.searchPath });
}

export function makeDisk(req: DiskRequest): DiskLayout {
  if (req.outputs.length === 0) throw new DiskError("no disk image asked for");
  for (const o of req.outputs)
    if (!DISK_TYPES.includes(o.type)) throw new DiskError(`unknown disk image type ${o.type}`);
  const epoch = req.sourceDateEpoch;
  // 1. Everything that can be known without writing.
  const ks = readKickstart(req);
  const ids = assignIds(ks, req.identity);
  const root = rootDevice(ks, ids);
  const append = [ks.bootloader.append, req.append].filter((s) => s?.trim()).join(" ");
  const kernelCommandLine = [root ? `root=${root}` : "", append].filter(Boolean).join(" ");
  const trees = new Map<string, Entry[]>();
  const first = path.resolve(req.outputs[0]!.file);
  mkdirSync(path.dirname(first), { recursive: true });
  const workdir = mkdtempSync(path.join(path.dirname(first), ".kiln-disk-"));
  try {
    const ctx: SourceContext = {
      rootfs: path.resolve(req.rootfs),
      deployDir: req.deployDir,
      workdir,
      fakeroot: req.fakeroot,
      epoch,
      espFiles: req.espFiles ?? [],
      entries(dir) {
        let e = trees.get(dir);
        if (!e) {
          e = walkRootfs(dir);
          clampMtimes(e, epoch);
          trees.set(dir, e);
        }
        return e;
      },
    };
    const sources = ks.partitions.map((p) => sourceOf(p));
    ks.partitions.forEach((p, i) => {
      sources[i]!.check(p, ctx);
    });
    const extra = fstabLines(ks, ids);
    if (extra.length > 0) {
      const own = path.join(ctx.rootfs, "etc", "fstab");
      let text = "";
      try {
        text = readFileSync(own, "utf8");
      } catch {
        // no fstab in the root filesystem: wic adds none
      }
      if (text) {
        ctx.fstab = path.join(workdir, "fstab");
        writeFileSync(
          ctx.fstab,
          `${text}${text.endsWith("\n") ? "" : "\n"}${extra.map((l) => `${l}\n`).join("")}`,
        );
      }
    }
    // 2. The partitions' contents.
    const made: Made[] = ks.partitions.map((p, i) => {
      try {
        return sources[i]!.make(p, ids.parts[i]!, ctx);
      } catch (e) {
        if (e instanceof DiskError) throw e;
        throw new DiskError(
          `could not make the ${p.mountpoint ?? `partition ${i + 1}`} partition: ${(e as Error).message}`,
          p.at,
        );
      }
    });
    // 3. The disk.
    const { placed, diskBytes } = placePartitions(
      ks,
      made.map((m) => m.sizeKiB),
    );
    const raw = path.join(workdir, "disk.wic");
    createSparse(raw, diskBytes);
    writeTable(raw, sfdiskScript(ks, ids, placed));
    made.forEach((m, i) => {
      if (m.file) writeAt(raw, placed[i]!.start * SECTOR, m.file, m.skip ?? 0, placed[i]!.size * SECTOR);
    });
    const layout: DiskLayout = {
      ptable: ks.bootloader.ptable,
      diskId: ids.diskId,
      size: diskBytes,
      root,
      kernelCommandLine,
      timeout: ks.bootloader.timeout,
      partitions: ks.partitions.map((p, i) => ({
        num: ids.parts[i]!.num,
        mountpoint: p.mountpoint,
        fstype: p.fstype,
        source: p.source,
        label: p.label,
        name: ks.bootloader.ptable === "gpt" ? (p.partName ?? p.label) : undefined,
        type: partitionType(ks, p),
        uuid: ids.parts[i]!.uuid,
        fsuuid: p.fstype === "none" || p.fstype === "squashfs" ? undefined : ids.parts[i]!.fsuuid,
        start: placed[i]!.start * SECTOR,
        size: placed[i]!.size * SECTOR,
        line: `${p.at.file}:${p.at.line}`,
      })),
      files: ks.files,
    };
    writeOutputs(req, raw, workdir);
    if (req.manifest) writeFileSync(req.manifest, `${JSON.stringify(layout, null, 1)}\n`);
    return layout;
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

function writeOutputs(req: DiskRequest, raw: string, workdir: string): void {
  // Converted forms first, the raw disk moved last (it is their input).
  const ordered = [...req.outputs].sort((a, b) => (a.type === "wic" ? 1 : 0) - (b.type === "wic" ? 1 : 0));
  for (const o of ordered) {
    const out = path.resolve(o.file);
    mkdirSync(path.dirname(out), { recursive: true });
    const tmp = path.join(workdir, `out.${o.type}`);
    if (o.type === "wic") renameSync(raw, tmp);
    else if (o.type === "wic.qcow2")
      run(["qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw, tmp], { env: STABLE_ENV });
    else
      run(["zstd", "-q", "-f", "-T1", `-${req.compressionLevel ?? 3}`, raw, "-o", tmp], { env: STABLE_ENV });
    renameSync(tmp, out);
  }
}
