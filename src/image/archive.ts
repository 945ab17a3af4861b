// Opening .deb and .ipk packages: an ar archive (debian-binary, control.tar.*, data.tar.*), or
// for old .ipk files a gzipped tar holding the same members. The members are read into memory;
// tar unpacks them.

import { lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ImageError } from "./errors.js";
import { run } from "./run.js";

export interface Member {
  name: string;
  data: Buffer;
}

export interface PackageArchive {
  kind: "deb" | "ipk";
  control: Member;
  data: Member;
}

const AR_MAGIC = "!<arch>\n";

/** The members of an ar archive (common and GNU formats, BSD long names). */
export function readAr(buf: Buffer, source: string): Member[] {
  if (buf.subarray(0, 8).toString("latin1") !== AR_MAGIC)
    throw new ImageError(`${source}: not an ar archive`);
  const members: Member[] = [];
  let off = 8;
  while (off + 60 <= buf.length) {
    const header = buf.subarray(off, off + 60).toString("latin1");
    if (header.slice(58, 60) !== "`\n") throw new ImageError(`${source}: corrupt ar header at offset ${off}`);
    let name = header.slice(0, 16).trimEnd();
    const size = Number.parseInt(header.slice(48, 58).trim(), 10);
    if (!Number.isFinite(size) || size < 0 || off + 60 + size > buf.length) {
      throw new ImageError(`${source}: corrupt ar member size at offset ${off}`);
    }
    let data = buf.subarray(off + 60, off + 60 + size);
    const bsd = /^#1\/(\d+)$/.exec(name);
    if (bsd) {
      const len = Number.parseInt(bsd[1], 10);
      name = data.subarray(0, len).toString("utf8").replace(/\0+$/, "");
      data = data.subarray(len);
    } else if (name.endsWith("/") && name !== "/" && name !== "//") {
      name = name.slice(0, -1);
    }
    members.push({ name, data });
    off += 60 + size + (size % 2);
  }
  return members;
}

/** Members of a gzipped tar (old .ipk layout), names without "./". */
function readTarGz(file: string): Member[] {
  const names = run(["tar", "-tzf", file])
    .toString()
    .split("\n")
    .filter((n) => /^(\.\/)?(control|data)\.tar/.test(n));
  return names.map((n) => ({ name: n.replace(/^\.\//, ""), data: run(["tar", "-xzOf", file, n]) }));
}

export function openPackage(file: string): PackageArchive {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new ImageError(`cannot read package ${file}: ${(e as Error).message}`);
  }
  const members = buf[0] === 0x1f && buf[1] === 0x8b ? readTarGz(file) : readAr(buf, file);
  const find = (prefix: string): Member => {
    const m = members.find((x) => x.name === prefix || x.name.startsWith(`${prefix}.`));
    if (!m) throw new ImageError(`${file}: no ${prefix}.* member`);
    return m;
  };
  return {
    kind: /\.u?deb$/.test(file) ? "deb" : "ipk",
    control: find("control.tar"),
    data: find("data.tar"),
  };
}

/** tar's option for the compression of a member named like data.tar.xz. */
export function decompressOption(member: string): string[] {
  const ext = member.slice(member.lastIndexOf(".tar") + 4);
  switch (ext) {
    case "":
      return [];
    case ".gz":
      return ["--gzip"];
    case ".xz":
      return ["--xz"];
    case ".zst":
      return ["--zstd"];
    case ".bz2":
      return ["--bzip2"];
    case ".lzma":
      return ["--lzma"];
    default:
      throw new ImageError(`unsupported compression of package member ${member}`);
  }
}

/** Unpack a control archive into dir (no owners kept), returning its regular files by name. */
export function readControlArchive(member: Member, dir: string, source: string): Map<string, Buffer> {
  run(["tar", "-x", ...decompressOption(member.name), "-f", "-", "-C", dir, "--no-same-owner"], {
    input: member.data,
  });
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (lstatSync(file).isFile()) files.set(name, readFileSync(file));
  }
  if (!files.has("control")) throw new ImageError(`${source}: control archive has no control file`);
  return files;
}
