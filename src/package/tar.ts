// tar archives: the GNU tar command line that makes reproducible archives, and a small reader that
// finds one member in an (uncompressed) archive, enough to read a package's control file.

import { spawnSync } from "node:child_process";
import { gunzipSync } from "node:zlib";
import { PackageError } from "./errors.js";

/**
 * GNU tar arguments archiving the contents of `dir` (as "./", "./usr/", ...) into `out`: names
 * sorted, times clamped to `epoch`, numeric owners, GNU format (no access/change times), no
 * uname/gname. Owners are recorded as `owner` (e.g. "0") when given, else as found (under fakeroot:
 * as recorded in its session).
 */
export function tarCreateArgs(dir: string, out: string, epoch: number, owner?: string): string[] {
  return [
    "tar",
    "--create",
    "--file",
    out,
    "--directory",
    dir,
    "--format=gnu",
    "--sort=name",
    `--mtime=@${Math.floor(epoch)}`,
    "--clamp-mtime",
    "--numeric-owner",
    ...(owner === undefined ? [] : [`--owner=${owner}`, `--group=${owner}`]),
    "--no-acls",
    "--no-selinux",
    "--no-xattrs",
    ".",
  ];
}

function octal(buf: Buffer, start: number, length: number): number {
  const raw = buf.subarray(start, start + length);
  if (raw[0]! & 0x80) {
    // GNU base-256 encoding for big values
    let n = 0;
    for (let i = 1; i < raw.length; i++) n = n * 256 + raw[i]!;
    return n;
  }
  const text = raw.toString("latin1").replace(/\0.*$/s, "").trim();
  return text === "" ? 0 : Number.parseInt(text, 8);
}

function cString(buf: Buffer, start: number, length: number): string {
  const raw = buf.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString("utf8");
}

function normalName(name: string): string {
  return name.replace(/^(\.\/)+/, "").replace(/^\/+/, "");
}

/** The data of the regular file `name` ("control" matches "./control") in an uncompressed tar. */
export function readTarMember(tar: Buffer, name: string): Buffer | undefined {
  const wanted = normalName(name);
  let pos = 0;
  let longName: string | undefined;
  while (pos + 512 <= tar.length) {
    const header = tar.subarray(pos, pos + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const data = tar.subarray(pos + 512, pos + 512 + size);
    pos += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (type === "x") {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString("utf8"));
      if (m) longName = m[1];
      continue;
    }
    let entryName = longName;
    longName = undefined;
    if (entryName === undefined) {
      entryName = cString(header, 0, 100);
      if (header.subarray(257, 263).toString("latin1") === "ustar\0") {
        const prefix = cString(header, 345, 155);
        if (prefix) entryName = `${prefix}/${entryName}`;
      }
    }
    if ((type === "0" || type === "\0" || type === "7") && normalName(entryName) === wanted) return data;
  }
  return undefined;
}

/** Decompress a member named *.tar, *.tar.gz, *.tar.xz or *.tar.zst. */
export function decompressTar(name: string, data: Buffer, what: string): Buffer {
  if (name.endsWith(".tar")) return data;
  if (name.endsWith(".gz")) return gunzipSync(data);
  const program = name.endsWith(".xz") ? "xz" : name.endsWith(".zst") ? "zstd" : undefined;
  if (!program) throw new PackageError(`${what}: unsupported compression of ${name}`);
  const r = spawnSync(program, ["-dc"], { input: data, maxBuffer: 1024 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    throw new PackageError(`${what}: ${program} -dc failed on ${name}: ${r.error?.message ?? r.stderr}`);
  }
  return r.stdout;
}
