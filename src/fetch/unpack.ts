// Unpacking one downloaded (or local) file into the unpack directory: archives are extracted
// with tar/unzip, single compressed files decompressed, anything else copied (file:// entries keep
// the directories of their path, e.g. file://sub/a.c → <root>/sub/a.c, and as BitBake does,
// file:///abs/dir/a.c → <root>/abs/dir/a.c). Archives found along a subdirectory of FILESPATH are
// still extracted into the unpack directory itself.

import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { FetchError } from "./errors.js";
import { commandLine, run, tail } from "./run.js";
import { type ParsedUrl, toBoolean, unquote } from "./url.js";

const TAR_TYPES: Array<[string[], string[]]> = [
  [[".tar"], []],
  [[".tar.gz", ".tgz", ".taz"], ["-z"]],
  [[".tar.bz2", ".tbz", ".tbz2", ".tb2"], ["-j"]],
  [[".tar.xz", ".txz"], ["-J"]],
  [[".tar.zst", ".tzst"], ["--zstd"]],
  [[".tar.lz"], ["--lzip"]],
  [[".tar.lzma", ".tlz"], ["--lzma"]],
  [[".tar.Z"], ["-Z"]],
];

const DECOMPRESSORS: Array<[string, string]> = [
  [".gz", "gzip"],
  [".Z", "gzip"],
  [".bz2", "bzip2"],
  [".xz", "xz"],
  [".zst", "zstd"],
  [".lz4", "lz4"],
];

/** The program that decompresses a file with this name (to stdout with -dc), if it is compressed. */
export function decompressorOf(name: string): { ext: string; program: string } | undefined {
  for (const [ext, program] of DECOMPRESSORS) if (name.endsWith(ext)) return { ext, program };
  return undefined;
}

function failed(url: string, program: string, args: string[], status: number, output: string): FetchError {
  return new FetchError(
    `Unpack failure for ${url}: command "${commandLine(program, args)}" failed with exit status ${status}: ${tail(output)}`,
    url,
  );
}

function tool(url: string, program: string, args: string[], cwd: string): void {
  const r = run(program, args, { cwd });
  if (r.status !== 0) throw failed(url, program, args, r.status, r.stderr || r.stdout);
}

function decompress(url: string, program: string, file: string, out: string): void {
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.part.${process.pid}`);
  const fd = openSync(tmp, "w");
  let r: ReturnType<typeof spawnSync>;
  try {
    r = spawnSync(program, ["-dc", file], { stdio: ["ignore", fd, "pipe"], encoding: "utf8" });
  } finally {
    closeSync(fd);
  }
  const status = r.error ? 127 : (r.status ?? 1);
  if (status !== 0) {
    rmSync(tmp, { force: true });
    const why = r.error ? `${program}: ${r.error.message}` : String(r.stderr);
    throw failed(url, program, ["-dc", file], status, why);
  }
  renameSync(tmp, out);
}

/**
 * Unpack `file`, the local copy of `url`, into rootDir (or rootDir/<subdir=>). Honours unpack=
 * (no: copy only) and striplevel= (tar --strip-components).
 */
export function unpackFile(url: string, u: ParsedUrl, file: string, rootDir: string): void {
  const subdir = u.params["subdir"] ?? "";
  const root = path.resolve(rootDir);
  const dest = path.resolve(root, subdir);
  if (dest !== root && !dest.startsWith(root + path.sep)) {
    throw new FetchError(
      `Unpack failure for ${url}: subdir=${subdir} is not below the unpack directory ${root}`,
      url,
    );
  }
  mkdirSync(dest, { recursive: true });
  const doUnpack = toBoolean(u.params["unpack"], true, "unpack", url);
  const name = path.basename(file);
  if (doUnpack && statSync(file).isFile()) {
    const striplevel = u.params["striplevel"];
    if (striplevel !== undefined && !/^\d+$/.test(striplevel)) {
      throw new FetchError(`Unpack failure for ${url}: striplevel=${striplevel} is not a number`, url);
    }
    for (const [exts, flags] of TAR_TYPES) {
      if (exts.some((e) => name.endsWith(e))) {
        const strip = striplevel ? [`--strip-components=${striplevel}`] : [];
        tool(url, "tar", ["x", "--no-same-owner", ...flags, ...strip, "-f", file], dest);
        return;
      }
    }
    if (name.endsWith(".zip")) {
      const dos = toBoolean(u.params["dos"], false, "dos", url) ? ["-a"] : [];
      tool(url, "unzip", ["-q", "-o", ...dos, file, "-d", dest], dest);
      return;
    }
    const compressed = decompressorOf(name);
    if (compressed) {
      decompress(url, compressed.program, file, path.join(dest, name.slice(0, -compressed.ext.length)));
      return;
    }
  }
  copyInto(url, u, file, dest);
}

/** cp -fpPRH the file or directory into dest, keeping a file:// path's directories. */
function copyInto(url: string, u: ParsedUrl, file: string, dest: string): void {
  let target = dest;
  if (u.scheme === "file") {
    const rel = unquote(u.path).replace(/\/+$/, "").replace(/^\/+/, "");
    const dir = path.posix.dirname(rel);
    if (dir !== ".") target = path.join(dest, dir);
  }
  const copy = path.join(target, path.basename(file));
  if (existsSync(copy) && path.resolve(copy) === path.resolve(file)) return;
  mkdirSync(target, { recursive: true });
  tool(url, "cp", ["-fpPRH", file, `${target}/`], target);
}
