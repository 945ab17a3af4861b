// kiln's disk stage: partitioned disk images from OpenEmbedded kickstart (.wks) files, what
// `wic create` makes for IMAGE_FSTYPES "wic" (and "wic.qcow2", "wic.zst"). Partitions are file
// systems written to plain files by their own tools (mke2fs -d, mkfs.vfat + mcopy, mkfs.erofs,
// mksquashfs, mkswap) and copied into the disk at their offsets; the table is written by
// sfdisk. No loop devices, no mounts, no root: owners come from the caller's fakeroot state.
// Synchronous, like src/image (callers run inside an embedded Python that cannot await).
//
// API
//   makeDisk(req: DiskRequest): DiskLayout
//       Reads req.wks (or req.wksText), checks every statement and source, then writes each of
//       req.outputs and, with req.manifest, the layout as JSON. DiskError ("FILE:LINE: what")
//       for bad input, before any output is written.
//   parseKickstart(file, text, { getVar?, searchPath? }): Kickstart
//       The statements of a kickstart and the files it includes, defaults applied (wks.ts).
//   parseBootFiles(IMAGE_EFI_BOOT_FILES, deployDir): EspFile[]
//   findKickstart(names, searchPath): string | undefined
//       The first of WKS_FILES found (absolute names as they are, others along the path).

export {
  DISK_TYPES,
  type DiskLayout,
  type DiskPartition,
  type DiskRequest,
  type DiskType,
  makeDisk,
} from "./disk.js";
export { DiskError, type WksLocation } from "./errors.js";
export { parseBootFiles } from "./esp.js";
export { findKickstart } from "./find.js";
export type { EspFile } from "./sources.js";
export { type Kickstart, parseKickstart, type WksBootloader, type WksPartition } from "./wks.js";
