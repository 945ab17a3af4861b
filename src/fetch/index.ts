// kiln's fetch stage: what BitBake's bb.fetch2 does for do_fetch, do_unpack and (with applyPatches)
// do_patch, as a synchronous library (callers run inside an embedded Python interpreter that
// cannot await). Network access happens only in child processes (git, and http-get.js for
// HTTP(S)), so a caller can confine those, e.g. to a network namespace.
//
// API
//   parseUrl(url): ParsedUrl
//       "scheme://[user[:password]@]host/path;key=value;..." → { scheme, host, path, user?,
//       password?, params }. For file:// everything after "//" is the path.
//   download(urls, env): Array<{ url: string; localPath: string }>
//       Fetch every URL (Fetch(urls, d).download()). Throws FetchError (NetworkAccessError,
//       ChecksumError) for the first URL that fails.
//   localPath(url, env): string
//       Where a URL is, or will be after download: the file found along FILESPATH (FetchError if
//       none), DL_DIR/<downloadfilename= or base name> for http(s), DL_DIR/git2/<mirror name> for git.
//   unpack(urls, env, rootDir): void
//       Fetch(urls, d).unpack(rootDir), after download: into rootDir or rootDir/<subdir=>, archives
//       (tar with any compression, zip) extracted (striplevel= strips leading components), single
//       compressed files decompressed, anything else (and everything with unpack=0) copied; file://
//       copies keep the directories of their path. git URLs are checked out into
//       rootDir/<destsuffix=, default "git/">. Throws FetchError naming the URL and the tool's output.
//   patchesOf(urls, env): PatchEntry[]   ({ url, file, striplevel, patchdir? })
//       The SRC_URI entries that are patches (*.patch, *.diff, possibly compressed, or apply=yes;
//       not apply=no), in order, with striplevel= (default 1) and patchdir=.
//   applyPatches(patches: PatchEntry[], sourceDir: string, log: (line: string) => void): void
//       Apply them with `patch`; already-applied patches are skipped. Throws PatchError.
//
// Semantics per scheme:
//   file://   relative paths searched in FILESPATH order (subdirectories and directories allowed),
//             absolute paths used as they are; nothing is copied to DL_DIR.
//   http(s):// downloaded to DL_DIR, checked against sha256sum=/md5sum=/... (URL parameter, else
//             SRC_URI[<name>.<kind>]), then marked with "<file>.done"; a later download finds the
//             stamped file and verifies it without network access. BB_STRICT_CHECKSUM "1" makes a
//             missing checksum an error, "ignore" accepts it, anything else warns.
//   git://, gitsm:// (submodules not fetched): see git.ts.
// PREMIRRORS and MIRRORS (see mirrors.ts) are tried before and after the original URL; the first
// source that succeeds (and verifies) wins. With BB_NO_NETWORK any source needing the network is
// refused with a NetworkAccessError (file:// mirrors still work).

import { existsSync } from "node:fs";
import path from "node:path";
import { downloadFile, downloadPath, HTTP_SCHEMES } from "./download.js";
import type { FetchEnv } from "./env.js";
import { FetchError } from "./errors.js";
import { GIT_SCHEMES, gitDownload, gitMirrorDir, gitUnpack } from "./git.js";
import { resolveLocal } from "./local.js";
import type { PatchEntry } from "./patch.js";
import { decompressorOf, unpackFile } from "./unpack.js";
import { type ParsedUrl, parseUrl, toBoolean } from "./url.js";

export type { ChecksumKind, FetchEnv } from "./env.js";
export { ChecksumError, FetchError, NetworkAccessError, PatchError } from "./errors.js";
export { applyPatches, type PatchEntry } from "./patch.js";
export { type ParsedUrl, parseUrl } from "./url.js";

function unsupported(url: string, u: ParsedUrl): FetchError {
  return new FetchError(
    `Unsupported URL scheme '${u.scheme}' in ${url} (supported: file, http, https, git, gitsm)`,
    url,
  );
}

export function localPath(url: string, env: FetchEnv): string {
  const u = parseUrl(url);
  if (u.scheme === "file") return resolveLocal(url, u, env);
  if (HTTP_SCHEMES.has(u.scheme)) return downloadPath(u, env);
  if (GIT_SCHEMES.has(u.scheme)) return gitMirrorDir(u, env);
  throw unsupported(url, u);
}

export function download(urls: string[], env: FetchEnv): Array<{ url: string; localPath: string }> {
  const out: Array<{ url: string; localPath: string }> = [];
  for (const url of urls) {
    const u = parseUrl(url);
    let local: string;
    if (u.scheme === "file") local = resolveLocal(url, u, env);
    else if (HTTP_SCHEMES.has(u.scheme)) local = downloadFile(url, u, env);
    else if (GIT_SCHEMES.has(u.scheme)) local = gitDownload(url, u, env);
    else throw unsupported(url, u);
    out.push({ url, localPath: local });
  }
  return out;
}

export function unpack(urls: string[], env: FetchEnv, rootDir: string): void {
  for (const url of urls) {
    const u = parseUrl(url);
    if (GIT_SCHEMES.has(u.scheme)) {
      gitUnpack(url, u, env, rootDir);
      continue;
    }
    const file = localPath(url, env);
    if (!existsSync(file))
      throw new FetchError(`Unpack failure for ${url}: ${file} does not exist (download first)`, url);
    unpackFile(url, u, file, rootDir);
  }
}

export function patchesOf(urls: string[], env: FetchEnv): PatchEntry[] {
  const out: PatchEntry[] = [];
  for (const url of urls) {
    const u = parseUrl(url);
    if (GIT_SCHEMES.has(u.scheme)) continue;
    const file = localPath(url, env);
    let name = path.basename(file);
    const compressed = decompressorOf(name);
    if (compressed) name = name.slice(0, -compressed.ext.length);
    const isPatch = name.endsWith(".patch") || name.endsWith(".diff");
    if (!toBoolean(u.params["apply"], isPatch, "apply", url)) continue;
    const level = u.params["striplevel"] ?? u.params["pnum"] ?? "1";
    if (!/^\d+$/.test(level))
      throw new FetchError(`The URL '${url}' has an invalid striplevel= value '${level}'`, url);
    const entry: PatchEntry = { url, file, striplevel: Number(level) };
    if (u.params["patchdir"]) entry.patchdir = u.params["patchdir"];
    out.push(entry);
  }
  return out;
}
