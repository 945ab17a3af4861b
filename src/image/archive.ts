// Opening .deb and .ipk packages: an ar archive (debian-binary, control.tar.*, data.tar.*), or
// for old .ipk files a gzipped tar holding the same members. The members are read into memory;
// tar unpacks them.

import { lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PackageError, readAr } from "../package/index.js";
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

/** The members of an ar archive, with the package stage's reader; its errors as ImageErrors. */
function readArMembers(buf: Buffer, file: string): Member[] {
  try {
    return readAr(buf, file);
  } catch (e) {
    if (e instanceof PackageError) throw new ImageError(e.message);
    throw e;
  }
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
  const members = buf[0] === 0x1f && buf[1] === 0x8b ? readTarGz(file) : readArMembers(buf, file);
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
