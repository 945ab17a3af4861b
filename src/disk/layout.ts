// Where each partition goes and what it is called, as wic lays a disk out (sectors of 512 bytes):
//   - the first partition starts after the table's own sectors (1 for msdos, 34 for GPT), then
//     each follows the previous one, moved up to its --align (KiB) boundary, or put at --offset;
//   - the disk ends with the last partition (GPT: 34 sectors more, for its backup table);
//   - partitions are numbered in kickstart order, --no-table ones not counted;
//   - the root device for the kernel command line: PARTUUID= when the root partition has
//     --uuid or --use-uuid, else PARTLABEL= (GPT, when it has a name), else /dev/<ondisk><n>;
//   - /etc/fstab gets one line per other partition mounted at a path or used as swap.
// Identifiers not given in the kickstart are derived (ids.ts); every GPT partition gets a GUID
// (GPT requires one; wic leaves the choice to parted, which picks at random).

import { DiskError } from "./errors.js";
import { derivedId32, derivedUuid, hex8 } from "./ids.js";
import type { Kickstart, WksPartition } from "./wks.js";

export const SECTOR = 512;
const MBR_OVERHEAD = 1;
const GPT_OVERHEAD = 34;

export const GPT_TYPES = {
  linux: "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
  swap: "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F",
  basicData: "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7",
  esp: "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
} as const;

export interface DiskIds {
  /** GPT: the disk GUID; msdos: the disk signature as 8 hex digits. */
  diskId: string;
  /** Per partition (kickstart order). */
  parts: Array<{
    /** Number in the partition table; 0 for --no-table. */
    num: number;
    /** GPT partition GUID, or msdos "SSSSSSSS-NN" (what the kernel calls its PARTUUID). */
    uuid: string;
    /** Whether the kickstart asked for the partition UUID to be used (--uuid or --use-uuid). */
    uuidRequested: boolean;
    /** File-system UUID, or for vfat/msdos the volume id as eight upper-case hex digits. */
    fsuuid: string;
  }>;
}

function isFat(p: WksPartition): boolean {
  return p.fstype === "vfat" || p.fstype === "msdos";
}

/** Numbers and identifiers, decided before any file system is made (mkfs needs them). */
export function assignIds(ks: Kickstart, identity: string): DiskIds {
  const { ptable } = ks.bootloader;
  const tableParts = ks.partitions.filter((p) => !p.noTable);
  if (ptable === "msdos") {
    if (tableParts.length > 4)
      throw new DiskError(
        "more than four partitions in an msdos table (logical partitions) are not supported by kiln yet: use --ptable gpt",
        tableParts[4]!.at,
      );
    for (const p of ks.partitions) {
      if (p.partName !== undefined) throw new DiskError("--part-name needs --ptable gpt", p.at);
      if (p.partType !== undefined)
        throw new DiskError("--part-type needs --ptable gpt (msdos: --system-id)", p.at);
    }
  } else {
    for (const p of ks.partitions)
      if (p.systemId !== undefined)
        throw new DiskError("--system-id is for msdos tables (GPT: --part-type)", p.at);
  }
  let diskId: string;
  const given = ks.bootloader.diskid;
  if (ptable === "gpt") diskId = (given ?? derivedUuid(identity, "disk")).toLowerCase();
  else diskId = hex8(given !== undefined ? Number(given) : derivedId32(identity, "disk"));
  let num = 0;
  const seen = new Map<string, WksPartition>();
  const parts = ks.partitions.map((p) => {
    const n = p.noTable ? 0 : ++num;
    const where = `${p.index}:${p.mountpoint ?? ""}:${p.label ?? ""}`;
    let uuid: string;
    if (p.uuid !== undefined) uuid = p.uuid.toLowerCase();
    else if (ptable === "gpt") uuid = derivedUuid(identity, "partition", where);
    else uuid = `${diskId}-${n.toString(16).padStart(2, "0")}`;
    if (ptable === "gpt" && n > 0) {
      const other = seen.get(uuid);
      if (other) throw new DiskError(`partition UUID ${uuid} is also that of line ${other.at.line}`, p.at);
      seen.set(uuid, p);
    }
    let fsuuid: string;
    if (isFat(p)) {
      const given = p.fsuuid?.replace(/^0x/i, "");
      fsuuid = (given ?? hex8(derivedId32(identity, "volume", where))).padStart(8, "0").toUpperCase();
    } else fsuuid = (p.fsuuid ?? derivedUuid(identity, "filesystem", where)).toLowerCase();
    return { num: n, uuid, uuidRequested: p.uuid !== undefined || p.useUuid, fsuuid };
  });
  return { diskId, parts };
}

export interface Placed {
  /** First sector. */
  start: number;
  /** Sectors. */
  size: number;
}

/** Start and size of each partition (sizes in KiB, kickstart order), and the disk's size in bytes. */
export function placePartitions(ks: Kickstart, sizesKiB: number[]): { placed: Placed[]; diskBytes: number } {
  const gpt = ks.bootloader.ptable === "gpt";
  let offset = gpt ? GPT_OVERHEAD : MBR_OVERHEAD;
  const placed = ks.partitions.map((p, i) => {
    if (p.align) {
      const unit = (p.align * 1024) / SECTOR;
      if (!Number.isInteger(unit))
        throw new DiskError(`--align ${p.align}: not a whole number of 512-byte sectors`, p.at);
      const off = offset % unit;
      if (off) offset += unit - off;
    }
    if (p.offset !== undefined) {
      if (p.offset % SECTOR !== 0)
        throw new DiskError(`--offset ${p.offset} bytes is not a whole number of 512-byte sectors`, p.at);
      const at = p.offset / SECTOR;
      if (at < offset)
        throw new DiskError(
          `--offset ${p.offset / 1024}K is inside the previous partition or the table (next free sector ${offset})`,
          p.at,
        );
      offset = at;
    }
    const size = (sizesKiB[i]! * 1024) / SECTOR;
    const out = { start: offset, size };
    offset += size;
    return out;
  });
  const end = offset + (gpt ? GPT_OVERHEAD : 0);
  return { placed, diskBytes: end * SECTOR };
}

/** The device name of a partition without identifiers: /dev/sda2, /dev/mmcblk0p2. */
function deviceName(p: WksPartition, num: number): string {
  return `/dev/${p.disk}${/\d$/.test(p.disk) ? "p" : ""}${num}`;
}

/** What the kernel's root= should say for this layout (undefined: no "/" partition). */
export function rootDevice(ks: Kickstart, ids: DiskIds): string | undefined {
  const i = ks.partitions.findIndex((p) => p.mountpoint === "/");
  if (i < 0) return undefined;
  const p = ks.partitions[i]!;
  const id = ids.parts[i]!;
  if (id.uuidRequested) return `PARTUUID=${id.uuid}`;
  const name = p.partName ?? p.label;
  if (name !== undefined && ks.bootloader.ptable === "gpt") return `PARTLABEL=${name}`;
  return deviceName(p, id.num);
}

/** The fstab lines for the partitions other than "/" (wic's update_fstab). */
export function fstabLines(ks: Kickstart, ids: DiskIds): string[] {
  const lines: string[] = [];
  ks.partitions.forEach((p, i) => {
    const id = ids.parts[i]!;
    const mp = p.mountpoint;
    if (!id.num || !mp || mp === "/" || !(mp.startsWith("/") || mp === "swap")) return;
    let device: string;
    if (p.useUuid) {
      if (p.fstype === "none") device = `PARTUUID=${id.uuid}`;
      else if (isFat(p)) device = `UUID=${id.fsuuid.slice(0, 4)}-${id.fsuuid.slice(4)}`;
      else device = `UUID=${id.fsuuid}`;
    } else if (p.useLabel) device = `LABEL=${p.label}`;
    else device = deviceName(p, id.num);
    lines.push([device, mp, p.fstype, p.fsoptions ?? "defaults", "0", p.fspassno ?? "0"].join("\t"));
  });
  return lines;
}

/** The partition's type: a GPT type GUID or an MBR type byte (hex), from the kickstart or the content. */
export function partitionType(ks: Kickstart, p: WksPartition): string {
  const gpt = ks.bootloader.ptable === "gpt";
  if (gpt && p.partType) return p.partType.toUpperCase();
  if (!gpt && p.systemId) return p.systemId.replace(/^0x/i, "");
  const esp = p.source === "bootimg-efi" || p.source === "bootimg_efi";
  if (esp) return gpt ? GPT_TYPES.esp : "ef";
  if (p.fstype === "swap") return gpt ? GPT_TYPES.swap : "82";
  if (isFat(p)) return gpt ? GPT_TYPES.basicData : p.fstype === "msdos" ? "6" : "c";
  return gpt ? GPT_TYPES.linux : "83";
}
