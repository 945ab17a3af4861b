// Downloads that end up as one file in DL_DIR (http, https): done stamp, mirrors, checksums.

import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { expectedSums, hasDoneStamp, verifyAndStamp } from "./checksum.js";
import type { FetchEnv } from "./env.js";
import { ChecksumError, FetchError, NetworkAccessError } from "./errors.js";
import { httpCommand, httpGet } from "./http.js";
import { findLocal } from "./local.js";
import { withLock } from "./lock.js";
import { candidates } from "./mirrors.js";
import { mirrorName, type ParsedUrl, parseUrl, stripParams, unquote } from "./url.js";

export const HTTP_SCHEMES = new Set(["http", "https"]);

/** DL_DIR/<downloadfilename= or the path's base name>. */
export function downloadPath(u: ParsedUrl, env: FetchEnv): string {
  const name = u.params["downloadfilename"] || unquote(path.posix.basename(u.path)) || mirrorName(u);
  return path.resolve(env.dlDir, name);
}

/**
 * Put the file at `source` (http(s) or file URL) at `dest`, atomically. `original` is the SRC_URI
 * entry this is for (named in messages).
 */
export function fetchFileTo(source: string, dest: string, env: FetchEnv, original: string): void {
  const s = parseUrl(source);
  mkdirSync(path.dirname(dest), { recursive: true });
  if (HTTP_SCHEMES.has(s.scheme)) {
    const bare = stripParams(source);
    if (env.noNetwork) throw new NetworkAccessError(httpCommand(bare), source);
    env.log(`Fetching ${bare}`);
    httpGet(bare, dest, source);
    return;
  }
  if (s.scheme === "file") {
    const { file } = findLocal(s, env);
    if (!file || !statSync(file).isFile())
      throw new FetchError(`${file ?? unquote(s.path)}: no such file`, original);
    env.log(`Copying ${file}`);
    const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.part.${process.pid}`);
    try {
      copyFileSync(file, tmp);
      renameSync(tmp, dest);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new FetchError(`copying ${file} to ${dest} failed: ${(e as Error).message}`, original);
    }
    return;
  }
  throw new FetchError(`the ${s.scheme}:// scheme is not supported for this download`, original);
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Download an http(s) URL into DL_DIR (or find it already there); returns the local file. */
export function downloadFile(url: string, u: ParsedUrl, env: FetchEnv): string {
  const dest = downloadPath(u, env);
  return withLock(dest, env.log, () => {
    // Already downloaded (done stamp), or put into DL_DIR by hand: keep it if it still verifies.
    const stamped = hasDoneStamp(dest);
    if (stamped || (existsSync(dest) && Object.keys(expectedSums(u, env)).length)) {
      try {
        verifyAndStamp(dest, url, u, env, { fresh: false });
        return dest;
      } catch (e) {
        if (!(e instanceof ChecksumError) || e.reason !== "mismatch") throw e;
        env.warn(`${e.message} Fetching it again.`);
        rmSync(dest, { force: true });
      }
    }
    const tries = candidates(url, u, env, { localName: path.basename(dest) });
    const failures: Array<{ source: string; error: unknown }> = [];
    for (const source of tries) {
      try {
        fetchFileTo(source, dest, env, url);
      } catch (e) {
        failures.push({ source, error: e });
        continue;
      }
      try {
        verifyAndStamp(dest, url, u, env, { fresh: true, source: source === url ? undefined : source });
        return dest;
      } catch (e) {
        if (!(e instanceof ChecksumError) || e.reason !== "mismatch") throw e;
        failures.push({ source, error: e });
      }
    }
    throw failure(url, failures);
  });
}

/** The error for a download that no source could satisfy. */
export function failure(url: string, failures: Array<{ source: string; error: unknown }>): FetchError {
  const checksum = failures.find((f) => f.error instanceof ChecksumError);
  if (checksum) return checksum.error as FetchError;
  const own = failures.find((f) => f.source === url)?.error;
  if (failures.length === 1 && own instanceof FetchError) return own;
  if (own instanceof NetworkAccessError && failures.every((f) => f.error instanceof NetworkAccessError))
    return own;
  const lines = failures.map((f) => `${f.source}: ${reason(f.error)}`.replace(/\n/g, "\n    "));
  return new FetchError(`Unable to fetch ${url} from any source. Tried:\n  ${lines.join("\n  ")}`, url);
}
