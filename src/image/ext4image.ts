// ext4 images with mke2fs -d, reproducibly:
//   - the features, block size and inode size come from kiln's own mke2fs.conf (MKE2FS_CONFIG),
//     not from the host's;
//   - a fixed UUID and directory hash seed, root owned by 0:0, file-system times from
//     E2FSPROGS_FAKE_TIME (and SOURCE_DATE_EPOCH, which newer e2fsprogs also honour);
//   - mke2fs (1.47.0) copies each file's atime and ctime from the host, where neither can be
//     chosen, so afterwards debugfs sets both to SOURCE_DATE_EPOCH on every inode (mtimes were
//     clamped in the root filesystem beforehand; crtime is the fake time already);
//   - mke2fs reads directories in sorted order (LC_ALL=C), so inode numbers follow the names.
// Size: the files' blocks, inode tables and journal, estimated, plus extraSpaceMiB free, in
// whole MiB; if mke2fs still runs out of room the image grows by a quarter and is made again.

import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ImageError } from "./errors.js";
import { STABLE_ENV, spawn } from "./run.js";
import type { Entry } from "./walk.js";

const BLOCK = 4096;
const INODE_SIZE = 256;
const MIB = 1024 * 1024;

const MKE2FS_CONF = `[defaults]
	base_features = sparse_super,large_file,filetype,resize_inode,dir_index,ext_attr
	default_mntopts = acl,user_xattr
	blocksize = ${BLOCK}
	inode_size = ${INODE_SIZE}
	inode_ratio = 16384
	reserved_ratio = 5.0

[fs_types]
	ext4 = {
		features = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize
	}
	kiln = {
		inode_size = ${INODE_SIZE}
	}
`;

export interface Ext4Options {
  entries: Entry[];
  epoch: number;
  fakeroot: string[];
  extraSpaceMiB: number;
  /** The exact size in KiB (a disk partition's); mke2fs failing for lack of room is then an error, not a retry. */
  sizeKiB?: number;
  /** ext4 unless given (ext2 and ext3 for disk partitions that ask for them). */
  fsType?: "ext2" | "ext3" | "ext4";
  /** Empty: no label. */
  label: string;
  uuid: string;
  /** Where kiln's mke2fs.conf and debugfs commands are written. */
  workdir: string;
}

function journalBytes(size: number): number {
  if (size < 128 * MIB) return 4 * MIB;
  if (size < 1024 * MIB) return 16 * MIB;
  if (size < 2048 * MIB) return 32 * MIB;
  if (size < 16384 * MIB) return 64 * MIB;
  return 256 * MIB;
}

/** Blocks the files need and how many inodes, hard links counted once. */
export function ext4Estimate(entries: Entry[], extraSpaceMiB: number): { mib: number; inodes: number } {
  const seen = new Set<string>();
  let blocks = 0;
  let inodes = 0;
  for (const e of entries) {
    const key = `${e.st.dev}:${e.st.ino}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inodes++;
    if (e.st.isFile()) blocks += Math.ceil(e.st.size / BLOCK) + (e.st.size > 4 * 32768 * BLOCK ? 1 : 0);
    else if (e.st.isDirectory()) blocks += 1;
    else if (e.st.isSymbolicLink() && e.st.size >= 60) blocks += 1;
  }
  // Directory blocks for the names (a little under 4096 bytes of entries per block).
  const nameBytes = entries.reduce((n, e) => n + e.rel.length - e.rel.lastIndexOf(0x2f) + 8, 0);
  blocks += Math.ceil(nameBytes / 3500);
  const inodeCount = Math.max(256, Math.ceil(inodes * 1.25) + 64);
  const base = blocks * BLOCK + inodeCount * INODE_SIZE;
  const total = base + journalBytes(base) + Math.ceil(base * 0.03) + 2 * MIB + extraSpaceMiB * MIB;
  return { mib: Math.ceil(total / MIB), inodes: inodeCount };
}

/** A path for a debugfs command: in double quotes, a quote doubled. */
function debugfsPath(rel: Buffer): Buffer {
  if (rel.includes(0x0a))
    throw new ImageError(`cannot put ${JSON.stringify(rel.toString())} in an ext4 image: newline in name`);
  const quoted = Buffer.from(rel.toString("latin1").replace(/"/g, '""'), "latin1");
  return Buffer.concat([Buffer.from('"/'), quoted, Buffer.from('"')]);
}

function fixTimes(image: string, opts: Ext4Options, env: Record<string, string | undefined>): void {
  const lines: Buffer[] = [];
  for (const e of opts.entries) {
    const p = debugfsPath(e.rel);
    for (const field of ["atime", "ctime"]) {
      lines.push(Buffer.from("sif "), p, Buffer.from(` ${field} @${opts.epoch}\n`));
    }
  }
  const commands = path.join(opts.workdir, "debugfs-times");
  writeFileSync(commands, Buffer.concat(lines));
  const r = spawn(["debugfs", "-w", "-f", commands, image], { env });
  const errors = r.stderr
    .toString()
    .split("\n")
    .filter((l) => l.trim() !== "" && !/^debugfs \d/.test(l));
  if (r.status !== 0 || r.error || errors.length > 0) {
    throw new ImageError(
      `debugfs could not set times in ${image}:\n${errors.join("\n") || r.error?.message}`,
    );
  }
}

export function makeExt4(rootfs: string, output: string, opts: Ext4Options): void {
  const conf = path.join(opts.workdir, "mke2fs.conf");
  writeFileSync(conf, MKE2FS_CONF);
  const env = {
    ...STABLE_ENV,
    MKE2FS_CONFIG: conf,
    MKE2FS_SYNC: undefined,
    MKE2FS_DEVICE_SECTSIZE: undefined,
    MKE2FS_DEVICE_PHYS_SECTSIZE: undefined,
    MKE2FS_FIRST_META_BG: undefined,
    E2FSPROGS_FAKE_TIME: String(opts.epoch),
    SOURCE_DATE_EPOCH: String(opts.epoch),
  };
  let { mib, inodes } = ext4Estimate(opts.entries, opts.extraSpaceMiB);
  const size = () => (opts.sizeKiB ? `${opts.sizeKiB}k` : `${mib}M`);
  for (let attempt = 1; ; attempt++) {
    rmSync(output, { force: true });
    const argv = [
      "mke2fs",
      "-q",
      "-F",
      "-t",
      opts.fsType ?? "ext4",
      "-T",
      "kiln",
      "-b",
      String(BLOCK),
      "-I",
      String(INODE_SIZE),
      "-N",
      String(inodes),
      ...(opts.label ? ["-L", opts.label] : []),
      "-U",
      opts.uuid,
      "-E",
      `hash_seed=${opts.uuid},root_owner=0:0`,
      "-d",
      rootfs,
      output,
      size(),
    ];
    const r = spawn(argv, { prefix: opts.fakeroot, env });
    if (r.status === 0 && !r.error) break;
    const out = `${r.stderr?.toString() ?? ""}${r.stdout?.toString() ?? ""}`.trim();
    rmSync(output, { force: true });
    if (!opts.sizeKiB && attempt < 6 && /allocate|no space|no free|too small|Could not/i.test(out)) {
      mib = Math.ceil(mib * 1.25);
      inodes = Math.ceil(inodes * 1.25);
      continue;
    }
    throw new ImageError(
      `mke2fs could not make ${output} (${opts.sizeKiB ? `${opts.sizeKiB} KiB` : `${mib} MiB`}, ${inodes} inodes):\n${out || r.error?.message}`,
    );
  }
  try {
    fixTimes(output, opts, env);
  } catch (e) {
    rmSync(output, { force: true });
    throw e;
  }
}
