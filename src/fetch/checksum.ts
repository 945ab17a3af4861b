// Checksums of downloaded files against SRC_URI's sha256sum=/md5sum=/... (URL parameter first,
// then SRC_URI[<name>.<kind>]), BB_STRICT_CHECKSUM, and the "<file>.done" stamp that marks a
// verified download. The stamp records the file's size, mtime and sums, so re-verifying an
// unchanged file needs no re-hashing.

import { createHash, type Hash } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync } from "node:fs";
import { writeFileAtomic } from "../util/atomic.js";
import type { ChecksumKind, FetchEnv } from "./env.js";
import { ChecksumError } from "./errors.js";
import { type ParsedUrl, urlName } from "./url.js";

const KINDS: ChecksumKind[] = ["sha256sum", "md5sum", "sha1sum", "sha384sum", "sha512sum"];
const ALGORITHM: Record<ChecksumKind, string> = {
  sha256sum: "sha256",
  md5sum: "md5",
  sha1sum: "sha1",
  sha384sum: "sha384",
  sha512sum: "sha512",
};

type Sums = Partial<Record<ChecksumKind, string>>;

interface Stamp {
  size: number;
  mtimeMs: number;
  sums: Sums;
}

export function doneStamp(file: string): string {
  return `${file}.done`;
}

/** Hash a file in one pass for each kind asked for. */
export function fileSums(file: string, kinds: ChecksumKind[]): Sums {
  const hashes = new Map<ChecksumKind, Hash>(kinds.map((k) => [k, createHash(ALGORITHM[k])]));
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      const chunk = buf.subarray(0, n);
      for (const h of hashes.values()) h.update(chunk);
    }
  } finally {
    closeSync(fd);
  }
  const sums: Sums = {};
  for (const [k, h] of hashes) sums[k] = h.digest("hex");
  return sums;
}

/** The checksums the recipe expects for this URL. */
export function expectedSums(u: ParsedUrl, env: FetchEnv): Sums {
  const name = urlName(u);
  const sums: Sums = {};
  for (const kind of KINDS) {
    const value = (u.params[kind] ?? env.checksum(name, kind) ?? "").trim();
    if (value) sums[kind] = value.toLowerCase();
  }
  return sums;
}

function readStamp(file: string): Stamp | undefined {
  try {
    const stamp = JSON.parse(readFileSync(doneStamp(file), "utf8")) as Stamp;
    const st = statSync(file);
    if (stamp && stamp.size === st.size && stamp.mtimeMs === st.mtimeMs && typeof stamp.sums === "object") {
      return stamp;
    }
  } catch {
    // no stamp, not ours, or the file changed: hash again
  }
  return undefined;
}

function sumsOf(file: string, kinds: ChecksumKind[]): Sums {
  const cached = readStamp(file)?.sums ?? {};
  const missing = kinds.filter((k) => !cached[k]);
  return missing.length ? { ...cached, ...fileSums(file, missing) } : cached;
}

function srcUriLine(name: string, kind: ChecksumKind, sum: string): string {
  return `SRC_URI[${name === "default" ? "" : `${name}.`}${kind}] = "${sum}"`;
}

export interface VerifyOptions {
  /** The file was just downloaded: a missing checksum warns (or fails) and a failure deletes it. */
  fresh: boolean;
  /** Where the file came from, when that is a mirror (for messages). */
  source?: string;
}

/**
 * Check `file` (the download of `url`) against the recipe's checksums and write its done stamp.
 * Throws ChecksumError for a mismatch, or for a missing checksum under BB_STRICT_CHECKSUM = "1";
 * a freshly downloaded file is deleted then.
 */
export function verifyAndStamp(
  file: string,
  url: string,
  u: ParsedUrl,
  env: FetchEnv,
  options: VerifyOptions,
) {
  const expected = expectedSums(u, env);
  const wanted = Object.keys(expected) as ChecksumKind[];
  const actual = sumsOf(file, [...new Set<ChecksumKind>([...wanted, "sha256sum", "md5sum"])]);
  const name = urlName(u);
  const discard = () => {
    rmSync(doneStamp(file), { force: true });
    if (options.fresh) rmSync(file, { force: true });
  };
  const wrong = wanted.filter((k) => expected[k] !== actual[k]);
  if (wrong.length) {
    discard();
    const details = wrong.map((k) => `${k}: expected ${expected[k]}, got ${actual[k]}`).join("; ");
    throw new ChecksumError(
      `Checksum mismatch for ${url}${options.source ? ` (fetched from ${options.source})` : ""}: the file ${file} ${options.fresh ? "(now deleted) " : ""}has the wrong checksum (${details}). ` +
        `If this change is expected (e.g. a new version), update the recipe: ` +
        wrong.map((k) => srcUriLine(name, k, actual[k]!)).join(" "),
      url,
      "mismatch",
    );
  }
  if (!wanted.length) {
    const line = srcUriLine(name, "sha256sum", actual.sha256sum!);
    if (env.strictChecksum === "1") {
      if (options.fresh) discard();
      throw new ChecksumError(
        `No checksum specified for ${url} (BB_STRICT_CHECKSUM = "1"); please add one to the recipe: ${line}`,
        url,
        "missing",
      );
    }
    if (env.strictChecksum !== "ignore" && options.fresh) {
      env.warn(`Missing checksum for ${url} (${file}); consider adding to the recipe: ${line}`);
    }
  }
  const st = statSync(file);
  const stamp: Stamp = { size: st.size, mtimeMs: st.mtimeMs, sums: actual };
  writeFileAtomic(doneStamp(file), JSON.stringify(stamp) + "\n");
}

/** Is there a done stamp next to an existing file? */
export function hasDoneStamp(file: string): boolean {
  return existsSync(doneStamp(file)) && existsSync(file);
}
