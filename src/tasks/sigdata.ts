// Signature data files in BitBake's format (siggen's dump_sigtask): one JSON object per task with
// sorted keys and no spaces, sets written as {"_set_object": [sorted items]}, text ASCII-only
// (Python's json.dump), compressed with zstd. A task's file is STAMP.TASK.sigdata.HASH, where
// `bitbake -S none` writes it, so bitbake-dumpsig and bitbake-diffsigs read kiln's files and
// kiln reads BitBake's.

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "../config/index.js";
import { pyCompare } from "../data/index.js";
import { writeFileAtomic } from "../util/atomic.js";
import { glob } from "../util/glob.js";
import { isZstd, zstdCompress, zstdDecompress } from "../util/zstd.js";

/** Everything a task's hash covers, as a signature data file holds it (sets as sorted arrays). */
export interface SigFileData {
  task?: string;
  basehash_ignore_vars?: string[];
  taskhash_ignore_tasks?: string | null;
  taskdeps: string[];
  basehash: string;
  gendeps: Record<string, string[]>;
  varvals: Record<string, string | null>;
  // Only in files written once the task hash is known (sigdata, siginfo; not sigbasedata).
  runtaskdeps?: string[];
  file_checksum_values?: Array<[string, string]>;
  runtaskhashes?: Record<string, string>;
  taskhash?: string;
  unihash?: string;
  taint?: string;
}

/** A task's signature as kiln computes it: every field present. */
export interface SigData extends SigFileData {
  task: string;
  basehash_ignore_vars: string[];
  taskhash_ignore_tasks: string | null;
  runtaskdeps: string[];
  file_checksum_values: Array<[string, string]>;
  runtaskhashes: Record<string, string>;
  taskhash: string;
  unihash: string;
}

/** The file of a task's signature: where BitBake's `-S none` and its workers write it. */
export function sigdataFile(stamp: string, task: string, hash: string): string {
  return `${stamp}.${task}.sigdata.${hash}`;
}

/** The signature files of `task` for stamps matching `stampPattern` (glob), by hash. */
export function findSigdataFiles(stampPattern: string, task: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of glob(`${stampPattern}.${task}.sigdata.*`))
    found.set(file.slice(file.lastIndexOf(".") + 1), file);
  return found;
}

/** Keep `sig` (once: the same hash always has the same data). */
export function writeSigData(stamp: string, sig: SigData): void {
  const file = sigdataFile(stamp, sig.task, sig.unihash);
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, zstdCompress(Buffer.from(encodeSigData(sig), "ascii")));
}

export function readSigData(file: string): SigFileData {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(code === "ENOENT" ? "no such file" : (e as Error).message, file);
  }
  if (!isZstd(raw))
    throw new ConfigError("not a signature data file (sigdata/siginfo are zstd-compressed)", file);
  try {
    return decodeSigData(Buffer.from(zstdDecompress(raw)).toString("utf8"));
  } catch (e) {
    throw new ConfigError(`not readable signature data (${(e as Error).message})`, file);
  }
}

const asSet = (items: Iterable<string>) => ({ _set_object: [...items].sort(pyCompare) });

/** The file's JSON text, byte for byte what BitBake writes for the same data. */
export function encodeSigData(sig: SigFileData): string {
  const doc: Record<string, unknown> = { ...sig };
  if (sig.basehash_ignore_vars) doc.basehash_ignore_vars = asSet(sig.basehash_ignore_vars);
  doc.taskdeps = asSet(sig.taskdeps);
  doc.gendeps = Object.fromEntries(Object.entries(sig.gendeps).map(([k, v]) => [k, asSet(v)]));
  return pythonJson(doc);
}

export function decodeSigData(text: string): SigFileData {
  const data = JSON.parse(text, (_key, value) =>
    value && typeof value === "object" && !Array.isArray(value) && Array.isArray(value._set_object)
      ? [...(value._set_object as string[])].sort(pyCompare)
      : value,
  ) as SigFileData & { basewhitelist?: string[]; taskwhitelist?: string | null };
  if (typeof data !== "object" || data === null || !("basehash" in data) || !("varvals" in data))
    throw new Error("not a task's signature");
  // Files of BitBake before 4.0 (kirkstone) used the old names.
  if ("basewhitelist" in data) {
    data.basehash_ignore_vars = data.basewhitelist;
    delete data.basewhitelist;
  }
  if ("taskwhitelist" in data) {
    data.taskhash_ignore_tasks = data.taskwhitelist;
    delete data.taskwhitelist;
  }
  return data;
}

/** Python's json.dumps(sort_keys=True, separators=(",", ":")): ASCII-only, keys in code-point order. */
export function pythonJson(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return JSON.stringify(v).replace(/[\u007f-\uffff]/g, unicodeEscape);
  if (typeof v === "number" || typeof v === "boolean") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pythonJson).join(",")}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  entries.sort(([a], [b]) => pyCompare(a, b));
  return `{${entries.map(([k, x]) => `${pythonJson(k)}:${pythonJson(x)}`).join(",")}}`;
}

const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
