// Reading OpenEmbedded kickstart (.wks) files: the statements `part`, `bootloader` and
// `include`, with wic's options, units and defaults (Yocto's "OpenEmbedded Kickstart (.wks)
// Reference"):
//   - sizes (--size, --fixed-size, --extra-space, --extra-partition-space) are whole numbers with
//     an optional unit k/K, M or G, MiB when none is given; kept here in KiB;
//   - --align is in KiB; --offset in bytes with a unit K (default), M, G or s/S (sectors);
//   - --fstype defaults to vfat, --ondisk to sda, bootloader --ptable to msdos;
//   - unless --fixed-size is given, --overhead-factor defaults to 1.3 and --extra-space to 10M;
//     with --fixed-size neither may be given;
//   - ${VAR} in a line is replaced by the variable's value (kept as it is when unset), before
//     the line is split into words.
// Every problem is a DiskError naming the file and line; nothing is read beyond the kickstart
// files themselves (sources and their parameters are checked in plan.ts).

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { DiskError, type WksLocation } from "./errors.js";
import { splitWords } from "./words.js";

export const DEFAULT_OVERHEAD_FACTOR = 1.3;
export const DEFAULT_EXTRA_SPACE_KIB = 10 * 1024;

export const FSTYPES = [
  "ext2",
  "ext3",
  "ext4",
  "vfat",
  "msdos",
  "erofs",
  "squashfs",
  "swap",
  "none",
] as const;
export type FsType = (typeof FSTYPES)[number];

export interface WksPartition {
  at: WksLocation;
  /** 1-based position among the partitions of the kickstart (includes counted). */
  index: number;
  mountpoint?: string;
  source?: string;
  /** --sourceparams as key=value pairs (a key without "=" has the value null). */
  sourceparams: Map<string, string | null>;
  fstype: FsType;
  label?: string;
  useLabel: boolean;
  partName?: string;
  partType?: string;
  uuid?: string;
  useUuid: boolean;
  fsuuid?: string;
  /** KiB; 0 when not given. */
  sizeKiB: number;
  fixedSizeKiB: number;
  extraSpaceKiB: number;
  extraPartitionSpaceKiB: number;
  overheadFactor: number;
  /** KiB. */
  align?: number;
  /** Bytes. */
  offset?: number;
  active: boolean;
  excludePaths: string[];
  rootfsDir?: string;
  disk: string;
  fsoptions?: string;
  fspassno?: string;
  noFstabUpdate: boolean;
  noTable: boolean;
  mkfsExtraopts: string;
  hidden: boolean;
  systemId?: string;
}

export interface WksBootloader {
  at?: WksLocation;
  ptable: "gpt" | "msdos";
  timeout?: number;
  append?: string;
  /** GPT: a GUID; msdos: a 32-bit number. */
  diskid?: string;
}

export interface Kickstart {
  partitions: WksPartition[];
  bootloader: WksBootloader;
  /** Every kickstart file read, the top one first. */
  files: string[];
}

export interface ReadOptions {
  /** The value of a variable named in a line (${NAME}); undefined leaves the reference as it is. */
  getVar?: (name: string) => string | undefined;
  /** Directories searched for an `include`d file after the including file's own directory. */
  searchPath?: string[];
}

type Kind = "flag" | "value" | "values";
interface OptionSpec {
  kind: Kind;
  key: string;
}

const PART_OPTIONS: Record<string, OptionSpec> = {
  "--active": { kind: "flag", key: "active" },
  "--align": { kind: "value", key: "align" },
  "--offset": { kind: "value", key: "offset" },
  "--exclude-path": { kind: "values", key: "excludePaths" },
  "--extra-space": { kind: "value", key: "extraSpace" },
  "--extra-filesystem-space": { kind: "value", key: "extraSpace" },
  "--extra-partition-space": { kind: "value", key: "extraPartitionSpace" },
  "--fsoptions": { kind: "value", key: "fsoptions" },
  "--fspassno": { kind: "value", key: "fspassno" },
  "--fstype": { kind: "value", key: "fstype" },
  "--mkfs-extraopts": { kind: "value", key: "mkfsExtraopts" },
  "--label": { kind: "value", key: "label" },
  "--use-label": { kind: "flag", key: "useLabel" },
  "--no-table": { kind: "flag", key: "noTable" },
  "--ondisk": { kind: "value", key: "disk" },
  "--ondrive": { kind: "value", key: "disk" },
  "--overhead-factor": { kind: "value", key: "overheadFactor" },
  "--part-name": { kind: "value", key: "partName" },
  "--part-type": { kind: "value", key: "partType" },
  "--rootfs-dir": { kind: "value", key: "rootfsDir" },
  "--size": { kind: "value", key: "size" },
  "--fixed-size": { kind: "value", key: "fixedSize" },
  "--source": { kind: "value", key: "source" },
  "--sourceparams": { kind: "value", key: "sourceparams" },
  "--system-id": { kind: "value", key: "systemId" },
  "--use-uuid": { kind: "flag", key: "useUuid" },
  "--uuid": { kind: "value", key: "uuid" },
  "--fsuuid": { kind: "value", key: "fsuuid" },
  "--no-fstab-update": { kind: "flag", key: "noFstabUpdate" },
  "--hidden": { kind: "flag", key: "hidden" },
};

const BOOTLOADER_OPTIONS: Record<string, OptionSpec> = {
  "--append": { kind: "value", key: "append" },
  "--ptable": { kind: "value", key: "ptable" },
  "--timeout": { kind: "value", key: "timeout" },
  "--diskid": { kind: "value", key: "diskid" },
};

/** wic options kiln knows but does not implement yet: said as such, not as unknown. */
const NOT_YET: Record<string, string> = {
  "--include-path": "part",
  "--change-directory": "part",
  "--type": "part",
  "--mbr": "part",
  "--configfile": "bootloader",
  "--source": "bootloader",
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "<n>[k|K|M|G]" (or s/S with sectors) in `unit` multiples of a KiB or bytes. */
export function parseSize(text: string, defaultUnit: "K" | "M", inBytes = false): number {
  const m = /^(\d+)([kKMGsS]?)$/.exec(text);
  if (!m) throw new Error(`invalid size: ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  const unit = m[2] || defaultUnit;
  if (unit === "s" || unit === "S") {
    if (!inBytes) throw new Error(`invalid size: ${JSON.stringify(text)}`);
    return n * 512;
  }
  const kib = unit === "G" ? n * 1024 * 1024 : unit === "M" ? n * 1024 : n;
  return inBytes ? kib * 1024 : kib;
}

function parseOptions(
  words: string[],
  specs: Record<string, OptionSpec>,
  statement: string,
): { values: Map<string, string | string[] | true>; positional: string[] } {
  const values = new Map<string, string | string[] | true>();
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith("--")) {
      if (w.startsWith("-") && w.length > 1) throw new Error(`unknown option ${w} for ${statement}`);
      positional.push(w);
      continue;
    }
    const eq = w.indexOf("=");
    const name = eq < 0 ? w : w.slice(0, eq);
    const spec = specs[name];
    if (!spec) {
      if (NOT_YET[name] === statement) throw new Error(`${statement} ${name} is not supported by kiln yet`);
      throw new Error(`unknown option ${name} for ${statement}`);
    }
    if (spec.kind === "flag") {
      if (eq >= 0) throw new Error(`${name} takes no value`);
      values.set(spec.key, true);
      continue;
    }
    if (spec.kind === "values") {
      const list = (values.get(spec.key) as string[] | undefined) ?? [];
      if (eq >= 0) list.push(w.slice(eq + 1));
      while (i + 1 < words.length && !words[i + 1]!.startsWith("-")) list.push(words[++i]!);
      if (list.length === 0) throw new Error(`${name} needs at least one path`);
      values.set(spec.key, list);
      continue;
    }
    let value: string;
    if (eq >= 0) value = w.slice(eq + 1);
    else {
      if (i + 1 >= words.length) throw new Error(`${name} needs a value`);
      value = words[++i]!;
    }
    if (values.has(spec.key) && spec.key !== "sourceparams")
      throw new Error(`${name} is given twice (or with its other name)`);
    values.set(spec.key, value);
  }
  return { values, positional };
}

function sourceParams(text: string | undefined): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const item of (text ?? "").split(",")) {
    if (!item) continue;
    const eq = item.indexOf("=");
    if (eq < 0) out.set(item, null);
    else out.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return out;
}

function makePartition(words: string[], at: WksLocation, index: number): WksPartition {
  const { values, positional } = parseOptions(words, PART_OPTIONS, "part");
  if (positional.length > 1) throw new Error(`part takes one mount point, not ${positional.join(" ")}`);
  const str = (k: string) => values.get(k) as string | undefined;
  const size = (k: string) => (values.has(k) ? parseSize(str(k)!, "M") : 0);
  const fstype = (str("fstype") ?? "vfat") as FsType;
  if (!FSTYPES.includes(fstype)) throw new Error(`--fstype ${fstype}: not one of ${FSTYPES.join(", ")}`);
  if (values.has("size") && values.has("fixedSize"))
    throw new Error("--size and --fixed-size cannot be given together");
  const fixedSizeKiB = size("fixedSize");
  let overheadFactor = DEFAULT_OVERHEAD_FACTOR;
  if (values.has("overheadFactor")) {
    overheadFactor = Number(str("overheadFactor"));
    if (!Number.isFinite(overheadFactor) || overheadFactor < 1)
      throw new Error(`--overhead-factor ${str("overheadFactor")}: must be a number of at least 1.0`);
  }
  if (fixedSizeKiB && (values.has("overheadFactor") || values.has("extraSpace")))
    throw new Error("--overhead-factor and --extra-space cannot be given with --fixed-size");
  let align: number | undefined;
  if (values.has("align")) {
    align = Number(str("align"));
    if (!/^\d+$/.test(str("align")!) || align <= 0)
      throw new Error(`--align ${str("align")}: must be a positive whole number of KiB`);
  }
  const label = str("label");
  if (fstype === "squashfs" && (values.has("fsuuid") || label !== undefined))
    throw new Error("squashfs has neither a file-system UUID (--fsuuid) nor a label (--label)");
  if (fstype === "erofs" && label !== undefined) throw new Error("erofs has no label (--label)");
  const fsuuid = str("fsuuid");
  if (fsuuid !== undefined) {
    if (fstype === "vfat" || fstype === "msdos") {
      if (!/^(0[xX])?[0-9a-fA-F]{1,8}$/.test(fsuuid))
        throw new Error(
          `--fsuuid ${fsuuid}: a ${fstype} volume id is a 32-bit hexadecimal number (0xABCD1234)`,
        );
    } else if (!GUID.test(fsuuid)) throw new Error(`--fsuuid ${fsuuid}: not a UUID`);
  }
  const uuid = str("uuid");
  if (uuid !== undefined && !GUID.test(uuid) && !/^[0-9a-f]{8}-[0-9a-f]{2}$/i.test(uuid))
    throw new Error(`--uuid ${uuid}: not a partition UUID`);
  if (values.has("useLabel") && label === undefined) throw new Error("--use-label needs --label");
  if (label !== undefined && (fstype === "vfat" || fstype === "msdos") && Buffer.byteLength(label) > 11)
    throw new Error(`--label ${label}: a ${fstype} label has at most 11 characters`);
  if (label !== undefined && fstype.startsWith("ext") && Buffer.byteLength(label) > 16)
    throw new Error(`--label ${label}: an ext label has at most 16 bytes`);
  for (const p of (values.get("excludePaths") as string[] | undefined) ?? []) {
    if (p.startsWith("/")) throw new Error(`--exclude-path ${p}: must be relative to the partition's root`);
    if (path.posix.normalize(p).split("/")[0] === "..")
      throw new Error(`--exclude-path ${p}: must stay inside the partition's root`);
  }
  return {
    at,
    index,
    mountpoint: positional[0],
    source: str("source"),
    sourceparams: sourceParams(str("sourceparams")),
    fstype,
    label,
    useLabel: values.has("useLabel"),
    partName: str("partName"),
    partType: str("partType"),
    uuid,
    useUuid: values.has("useUuid"),
    fsuuid,
    sizeKiB: size("size"),
    fixedSizeKiB,
    extraSpaceKiB: fixedSizeKiB ? 0 : values.has("extraSpace") ? size("extraSpace") : DEFAULT_EXTRA_SPACE_KIB,
    extraPartitionSpaceKiB: size("extraPartitionSpace"),
    overheadFactor: fixedSizeKiB ? 1 : overheadFactor,
    align,
    offset: values.has("offset") ? parseSize(str("offset")!, "K", true) : undefined,
    active: values.has("active"),
    excludePaths: (values.get("excludePaths") as string[] | undefined) ?? [],
    rootfsDir: str("rootfsDir"),
    disk: str("disk") ?? "sda",
    fsoptions: str("fsoptions"),
    fspassno: str("fspassno"),
    noFstabUpdate: values.has("noFstabUpdate"),
    noTable: values.has("noTable"),
    mkfsExtraopts: str("mkfsExtraopts") ?? "",
    hidden: values.has("hidden"),
    systemId: str("systemId"),
  };
}

function makeBootloader(words: string[], at: WksLocation): WksBootloader {
  const { values, positional } = parseOptions(words, BOOTLOADER_OPTIONS, "bootloader");
  if (positional.length > 0) throw new Error(`bootloader takes no ${positional[0]}`);
  const ptable = (values.get("ptable") as string | undefined) ?? "msdos";
  if (ptable === "gpt-hybrid") throw new Error("bootloader --ptable gpt-hybrid is not supported by kiln yet");
  if (ptable !== "gpt" && ptable !== "msdos") throw new Error(`--ptable ${ptable}: not gpt or msdos`);
  const timeoutText = values.get("timeout") as string | undefined;
  if (timeoutText !== undefined && !/^\d+$/.test(timeoutText))
    throw new Error(`--timeout ${timeoutText}: not a whole number of seconds`);
  const diskid = values.get("diskid") as string | undefined;
  if (diskid !== undefined) {
    if (ptable === "gpt" && !GUID.test(diskid))
      throw new Error(`--diskid ${diskid}: a GPT disk id is a GUID`);
    if (ptable === "msdos") {
      const n = Number(diskid);
      if (!/^(0x[0-9a-f]+|\d+)$/i.test(diskid) || n > 0xffffffff)
        throw new Error(`--diskid ${diskid}: an msdos disk id is a 32-bit number`);
    }
  }
  return {
    at,
    ptable,
    timeout: timeoutText === undefined ? undefined : Number(timeoutText),
    append: values.get("append") as string | undefined,
    diskid,
  };
}

/** ${NAME} replaced by its value where it has one (wic's expand_line). */
function expandLine(line: string, getVar: ReadOptions["getVar"]): string {
  if (!getVar) return line;
  return line.replace(/\$\{([^{}@\n\t :]+)\}/g, (ref, name: string) => getVar(name) ?? ref);
}

/** Reads the kickstart `text` (the contents of `file`) and the files it includes. */
export function parseKickstart(file: string, text: string, opts: ReadOptions = {}): Kickstart {
  const result: Kickstart = { partitions: [], bootloader: { ptable: "msdos" }, files: [] };
  let bootloaderSeen = false;
  const visit = (name: string, body: string, chain: string[]) => {
    result.files.push(name);
    const lines = body.split("\n");
    for (let n = 0; n < lines.length; n++) {
      const at = { file: name, line: n + 1 };
      const raw = lines[n]!.trim();
      if (raw === "" || raw.startsWith("#")) continue;
      try {
        const words = splitWords(expandLine(raw, opts.getVar));
        const statement = words.shift();
        if (statement === "part") {
          result.partitions.push(makePartition(words, at, result.partitions.length + 1));
        } else if (statement === "bootloader") {
          if (bootloaderSeen) throw new Error("more than one bootloader statement");
          bootloaderSeen = true;
          result.bootloader = makeBootloader(words, at);
        } else if (statement === "include") {
          if (words.length !== 1) throw new Error("include takes one file name");
          const found = findInclude(words[0]!, path.dirname(name), opts.searchPath ?? []);
          if (!found)
            throw new Error(
              `include ${words[0]}: not found in ${[path.dirname(name), ...(opts.searchPath ?? [])].join(", ")}`,
            );
          if (chain.includes(found)) throw new Error(`include ${words[0]}: includes itself (${found})`);
          visit(found, readFileSync(found, "utf8"), [...chain, found]);
        } else {
          throw new Error(
            `unknown statement ${JSON.stringify(statement)} (kiln knows part, bootloader and include)`,
          );
        }
      } catch (e) {
        if (e instanceof DiskError) throw e;
        throw new DiskError((e as Error).message, at);
      }
    }
  };
  visit(file, text, [file]);
  if (result.partitions.length === 0) throw new DiskError(`${file}: no partitions (no part statement)`);
  return result;
}

function findInclude(name: string, dir: string, searchPath: string[]): string | undefined {
  if (path.isAbsolute(name)) return existsSync(name) ? name : undefined;
  for (const d of [dir, ...searchPath]) {
    const p = path.join(d, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}
