// Where signature data is kept: ${TMPDIR}/kiln/sigdata/PN/TASK.HASH.json, written by `kiln sigs`
// and by builds, read by `kiln diffsigs` and by `kiln build -n` to explain why a task reruns.

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../util/atomic.js";
import type { SigData } from "./taskhash.js";

export function sigdataDir(tmpdir: string): string {
  return path.join(tmpdir, "kiln", "sigdata");
}

/** The file of one signature; `pnid` is "pn:task" (prefixed "mc:NAME:" in a multiconfig). */
export function sigdataFile(dir: string, pnid: string, taskhash: string): string {
  const cut = pnid.lastIndexOf(":");
  return path.join(dir, pnid.slice(0, cut).replaceAll("/", "_"), `${pnid.slice(cut + 1)}.${taskhash}.json`);
}

/** Keep `sig` (once: the same hash always has the same data). */
export function writeSigData(dir: string, pnid: string, sig: SigData): void {
  const file = sigdataFile(dir, pnid, sig.taskhash);
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(sig, null, 1)}\n`);
}

export function readSigData(file: string): SigData {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as SigData;
  } catch (e) {
    throw new Error(`${file}: not kiln signature data (${(e as Error).message})`);
  }
}
