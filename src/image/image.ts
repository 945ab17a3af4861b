// makeImage: one image of a root filesystem, reproducibly (same root filesystem and
// SOURCE_DATE_EPOCH, same bytes). Mtimes in the root filesystem are clamped first; the
// archiving programs run under the fakeroot prefix so that they see the recorded owners (its
// state loaded but not saved: archiving changes no owner).

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { makeCpioGz } from "./cpioimage.js";
import { ImageError } from "./errors.js";
import { makeExt4 } from "./ext4image.js";
import { clampMtimes } from "./mtimes.js";
import { readOnlyPrefix, run, STABLE_ENV } from "./run.js";
import { makeTar } from "./tarimage.js";
import { walkRootfs } from "./walk.js";

export const IMAGE_TYPES = ["tar", "tar.gz", "tar.zst", "cpio.gz", "ext4", "qcow2"] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export interface ImageRequest {
  rootfs: string;
  type: ImageType;
  /** The image file to write (replaced; its directory is created). */
  output: string;
  sourceDateEpoch: number;
  /** Command prefix under which tar, cpio and mke2fs run (may be empty as root). */
  fakeroot: string[];
  /** ext4/qcow2: free space beyond the files and the file system's own structures (default 16). */
  extraSpaceMiB?: number;
  /** ext4/qcow2: volume label, at most 16 bytes (default "rootfs"). */
  label?: string;
  /** ext4/qcow2: file-system UUID (default: derived from the label and sourceDateEpoch). */
  uuid?: string;
  /** gzip (default 9) or zstd (default 3) level. */
  compressionLevel?: number;
}

/** A name-based UUID (version 5 layout) from SHA-256 of the words: stable across builds. */
export function stableUuid(...words: string[]): string {
  const b = createHash("sha256").update(words.join("\0")).digest().subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function check(req: ImageRequest, rootfs: string, output: string): void {
  if (!IMAGE_TYPES.includes(req.type)) {
    throw new ImageError(`unknown image type ${JSON.stringify(req.type)} (known: ${IMAGE_TYPES.join(", ")})`);
  }
  if (!Number.isInteger(req.sourceDateEpoch) || req.sourceDateEpoch < 0) {
    throw new ImageError(`sourceDateEpoch must be a whole number of seconds, not ${req.sourceDateEpoch}`);
  }
  if (!existsSync(rootfs) || !statSync(rootfs).isDirectory())
    throw new ImageError(`${rootfs} is not a directory`);
  const rel = path.relative(rootfs, output);
  if (!rel.startsWith("..") && !path.isAbsolute(rel)) {
    throw new ImageError(`the image ${output} cannot be inside the root filesystem ${rootfs}`);
  }
  if (req.label !== undefined && Buffer.byteLength(req.label) > 16) {
    throw new ImageError(`ext4 label ${JSON.stringify(req.label)} is longer than 16 bytes`);
  }
  if (req.uuid !== undefined && !/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(req.uuid)) {
    throw new ImageError(`not a UUID: ${req.uuid}`);
  }
}

export function makeImage(req: ImageRequest): string {
  const rootfs = path.resolve(req.rootfs);
  const output = path.resolve(req.output);
  check(req, rootfs, output);
  mkdirSync(path.dirname(output), { recursive: true });
  rmSync(output, { force: true });

  const epoch = req.sourceDateEpoch;
  const entries = walkRootfs(rootfs);
  clampMtimes(entries, epoch);
  const compressionLevel = req.compressionLevel;
  // The archivers only read owners: the fakeroot state is loaded, not saved back.
  const fakeroot = readOnlyPrefix(req.fakeroot);

  switch (req.type) {
    case "tar":
      makeTar(rootfs, output, { epoch, fakeroot, compression: "none" });
      break;
    case "tar.gz":
      makeTar(rootfs, output, { epoch, fakeroot, compression: "gzip", level: compressionLevel });
      break;
    case "tar.zst":
      makeTar(rootfs, output, { epoch, fakeroot, compression: "zstd", level: compressionLevel });
      break;
    case "cpio.gz":
      makeCpioGz(rootfs, output, { entries, fakeroot, level: compressionLevel });
      break;
    case "ext4":
    case "qcow2": {
      const label = req.label ?? "rootfs";
      const workdir = mkdtempSync(path.join(path.dirname(output), ".kiln-image-"));
      try {
        const ext4 = req.type === "ext4" ? output : path.join(workdir, "rootfs.ext4");
        makeExt4(rootfs, ext4, {
          entries,
          epoch,
          fakeroot,
          extraSpaceMiB: req.extraSpaceMiB ?? 16,
          label,
          uuid: req.uuid ?? stableUuid("kiln-ext4", label, String(epoch)),
          workdir,
        });
        if (req.type === "qcow2") {
          run(["qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", ext4, output], { env: STABLE_ENV });
        }
      } finally {
        rmSync(workdir, { recursive: true, force: true });
      }
      break;
    }
  }
  return output;
}
