// Finding a recipe's signature data files by name, as bitbake-diffsigs asks the metadata to
// (OpenEmbedded-Core's find_siginfo): the configuration's STAMP for that PN with any version,
// release, epoch and target system, followed by ".TASK.sigdata.HASH". Works for BitBake's files
// and kiln's alike, since both are written beside the stamps.

import { statSync } from "node:fs";
import type { Configuration } from "../parse/index.js";
import { findSigdataFiles, readSigData, type SigFileData, type SigLookup } from "../tasks/index.js";

export interface SigFinder {
  /** The files of `pn`'s `task` (in multiconfig `mc`), by hash. */
  files(mc: string, pn: string, task: string): Map<string, string>;
  /** A dependency's signature ("pn:task", or "mc:NAME:pn:task") with a given hash. */
  lookup: SigLookup;
}

export function sigFinder(configs: Map<string, Configuration>): SigFinder {
  const files = (mc: string, pn: string, task: string) => {
    const config = configs.get(mc) ?? configs.get("")!;
    const d = config.data.createCopy();
    d.setVar("PN", pn);
    for (const name of ["PV", "PR", "MULTIMACH_TARGET_SYS"]) d.setVar(name, "*");
    d.setVar("EXTENDPE", "");
    return findSigdataFiles(String(d.getVar("STAMP") ?? ""), task);
  };
  const read = new Map<string, SigFileData>();
  const lookup: SigLookup = (pnid, hash) => {
    const parts = pnid.split(":");
    const [mc, pn, task] = parts[0] === "mc" ? [parts[1], parts[2], parts[3]] : ["", parts[0], parts[1]];
    const file = files(mc, pn, task).get(hash);
    if (!file) return undefined;
    if (!read.has(file)) read.set(file, readSigData(file));
    return read.get(file);
  };
  return { files, lookup };
}

/** The newest `count` of some files (by modification time), oldest first. */
export function newest(files: Iterable<string>, count: number): string[] {
  return [...files]
    .map((f) => ({ f, t: statSync(f).mtimeMs }))
    .sort((a, b) => a.t - b.t)
    .slice(-count)
    .map((x) => x.f);
}
