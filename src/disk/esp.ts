// The EFI system partition (--source bootimg-efi): a vfat file system holding the files the
// image asks for: IMAGE_EFI_BOOT_FILES ("SOURCE[;DEST]" words, SOURCE relative to
// DEPLOY_DIR_IMAGE, DEST its path in the partition, its name by default) and whatever the caller
// adds to the request's espFiles (where boot loaders and unified kernel images will come from).
// Sized as wic's bootimg-efi sizes it: the files plus the larger of 16 MiB and what --size asks
// beyond them (no overhead factor); --fixed-size is the size. Label ESP unless --label says.
// Its partition type is the EFI system partition's (GPT C12A7328-..., MBR 0xEF), which firmware
// and systemd-boot look for; wic leaves the type to parted unless --part-type is given.
// Loaders (sourceparams loader=...) are not installed by kiln yet: asking for one is an error.

import { cpSync, existsSync, lutimesSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { walkRootfs } from "../image/index.js";
import { DiskError } from "./errors.js";
import {
  type EspFile,
  fsParams,
  makeFs,
  type PartitionId,
  partitionKiB,
  type SourceContext,
  treeKiB,
} from "./sources.js";
import type { WksPartition } from "./wks.js";

const ESP_EXTRA_KIB = 16 * 1024;

/** IMAGE_EFI_BOOT_FILES as files to copy. */
export function parseBootFiles(value: string, deployDir: string): EspFile[] {
  return value
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const [src, dest] = word.split(";", 2) as [string, string | undefined];
      const source = path.resolve(deployDir, src);
      let target = dest ?? path.basename(src);
      if (target.endsWith("/")) target = path.posix.join(target, path.basename(src));
      return { source, dest: target.replace(/^\/+/, "") };
    });
}

export function checkEsp(part: WksPartition, ctx: SourceContext): void {
  for (const key of part.sourceparams.keys()) {
    if (key === "loader")
      throw new DiskError(
        `bootimg-efi loader=${part.sourceparams.get(key)}: kiln does not install EFI boot loaders yet (UEFI boot comes next); leave loader= out to get an ESP with IMAGE_EFI_BOOT_FILES`,
        part.at,
      );
    throw new DiskError(`--sourceparams ${key}: not supported by kiln's bootimg-efi yet`, part.at);
  }
  if (part.fstype !== "vfat" && part.fstype !== "msdos")
    throw new DiskError(`bootimg-efi makes a vfat partition, not --fstype ${part.fstype}`, part.at);
  for (const f of ctx.espFiles) {
    if (!existsSync(f.source))
      throw new DiskError(`bootimg-efi: ${f.source} (for /${f.dest}) does not exist`, part.at);
    if (f.dest.split("/").includes(".."))
      throw new DiskError(`bootimg-efi: ${f.dest} leaves the partition`, part.at);
  }
}

export function makeEsp(part: WksPartition, id: PartitionId, ctx: SourceContext) {
  const dir = path.join(ctx.workdir, `esp${part.index}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of ctx.espFiles) {
    const dest = path.join(dir, f.dest);
    mkdirSync(path.dirname(dest), { recursive: true });
    cpSync(f.source, dest, { recursive: true, dereference: true });
  }
  // Every time in the ESP is SOURCE_DATE_EPOCH: the deployed files' own times vary by build.
  const entries = walkRootfs(dir);
  for (const e of entries) lutimesSync(e.host, ctx.epoch, ctx.epoch);
  const actual = treeKiB(entries);
  let kib = actual + Math.max(ESP_EXTRA_KIB, part.sizeKiB - actual);
  if (part.fixedSizeKiB) {
    partitionKiB(part, actual);
    kib = part.fixedSizeKiB - part.extraPartitionSpaceKiB;
  }
  const params = fsParams(part, id, ctx, kib);
  params.label = part.label ?? "ESP";
  const file = makeFs(part, { dir, entries, prefix: [] }, params);
  return { file, sizeKiB: partitionKiB(part, kib) };
}
