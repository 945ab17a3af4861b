// Where an entry lives. An entry is three files in a two-character fan-out directory of SSTATE_DIR:
//
//   <hash[0:2]>/kiln-sstate:<pn>:<task>:<hash>.tar.zst          the archive
//   <hash[0:2]>/kiln-sstate:<pn>:<task>:<hash>.tar.zst.sha256   "<sha256 hex>  <archive name>\n"
//   <hash[0:2]>/kiln-sstate:<pn>:<task>:<hash>.tar.zst.json     manifest (informational only)
//
// The same relative name is used on mirrors. Temporary files are hidden (leading dot) and end in
// ".tmp", so they never look like entries.

import { randomBytes } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import type { SstateKey } from "./types.js";

const SAFE_PART = /^[A-Za-z0-9._+-]+$/;
const HASH = /^[0-9a-f]{2,}$/;

export function checkKey(key: SstateKey): void {
  if (!SAFE_PART.test(key.pn)) throw new Error(`sstate: unusable recipe name ${JSON.stringify(key.pn)}`);
  if (!SAFE_PART.test(key.task)) throw new Error(`sstate: unusable task name ${JSON.stringify(key.task)}`);
  if (!HASH.test(key.hash))
    throw new Error(`sstate: task hash is not lower-case hex: ${JSON.stringify(key.hash)}`);
}

/** The entry's archive name relative to SSTATE_DIR (and to a mirror's PATH). */
export function sstateName(key: SstateKey): string {
  checkKey(key);
  return `${key.hash.slice(0, 2)}/kiln-sstate:${key.pn}:${key.task}:${key.hash}.tar.zst`;
}

export interface EntryPaths {
  /** Relative name, as sstateName gives it. */
  rel: string;
  /** The archive as shown to the user (SSTATE_DIR as configured, joined with rel). */
  shown: string;
  archive: string;
  sha256: string;
  manifest: string;
}

export function entryPaths(sstateDir: string, key: SstateKey): EntryPaths {
  const rel = sstateName(key);
  const archive = resolve(sstateDir, rel);
  return {
    rel,
    shown: join(sstateDir, rel),
    archive,
    sha256: `${archive}.sha256`,
    manifest: `${archive}.json`,
  };
}

/** A fresh temporary name in the same directory as `file` (so a rename into place is atomic). */
export function tempPath(file: string, tag = "tmp"): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.${tag}`);
}

export function describe(key: SstateKey): string {
  return `${key.task} of ${key.pn}`;
}
