// What a signature data file holds, line by line as bitbake-dumpsig prints it: lists sorted and
// shown as Python shows them, then the base and task hashes recomputed from the file's own data
// (so a file whose contents do not add up to its hash shows it).

import { createHash } from "node:crypto";
import { pyCompare, pyStr } from "../data/index.js";
import type { SigFileData } from "./sigdata.js";

const sorted = (items: Iterable<string>) => [...items].sort(pyCompare);
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const showTaint = (taint: string) => taint.replaceAll("nostamp:", "nostamp(uuid4):");

export function dumpSigData(sig: SigFileData): string[] {
  const out: string[] = [];
  out.push(`basehash_ignore_vars: ${pyStr(sorted(sig.basehash_ignore_vars ?? []))}`);
  // BitBake sorts this regular expression like a list: its characters, one by one.
  out.push(`taskhash_ignore_tasks: ${pyStr(sorted(sig.taskhash_ignore_tasks ?? ""))}`);
  out.push(`Task dependencies: ${pyStr(sorted(sig.taskdeps))}`);
  out.push(`basehash: ${sig.basehash}`);
  for (const dep of sorted(Object.keys(sig.gendeps)))
    out.push(`List of dependencies for variable ${dep} is ${pyStr(sorted(sig.gendeps[dep]))}`);
  for (const dep of sorted(Object.keys(sig.varvals)))
    out.push(`Variable ${dep} value is ${pyStr(sig.varvals[dep])}`);
  if (sig.runtaskdeps) out.push(`Tasks this task depends on: ${pyStr(sorted(sig.runtaskdeps))}`);
  if (sig.file_checksum_values) {
    const files = [...sig.file_checksum_values].sort(
      (a, b) => pyCompare(a[0], b[0]) || pyCompare(a[1], b[1]),
    );
    out.push(`This task depends on the checksums of files: ${pyStr(files)}`);
  }
  if (sig.runtaskhashes) {
    for (const dep of sorted(Object.keys(sig.runtaskhashes)))
      out.push(`Hash for dependent task ${dep} is ${sig.runtaskhashes[dep]}`);
  }
  if (sig.taint !== undefined) out.push(`Tainted (by forced/invalidated task): ${showTaint(sig.taint)}`);
  if (sig.task !== undefined)
    out.push(`Computed base hash is ${computeBasehash(sig, sig.task)} and from file ${sig.basehash}`);
  else out.push("Unable to compute base hash");
  if (sig.runtaskdeps) out.push(`Computed task hash is ${computeTaskhash(sig)}`);
  else out.push("Unable to compute task hash");
  return out;
}

/** The base hash from a file's data: the task's value, then each dependency's name and value. */
export function computeBasehash(sig: SigFileData, task: string): string {
  let data = sig.varvals[task] ?? "";
  for (const dep of sorted(sig.taskdeps)) {
    data += dep;
    const value = sig.varvals[dep];
    if (value !== null && value !== undefined) data += value;
  }
  return sha256(data);
}

/** The task hash from a file's data: base hash, dependencies' hashes, file checksums, taint. */
export function computeTaskhash(sig: SigFileData): string {
  let data = sig.basehash;
  for (const dep of sig.runtaskdeps ?? []) data += sig.runtaskhashes?.[dep] ?? "";
  for (const [name, sum] of sig.file_checksum_values ?? []) {
    if (!sum) continue;
    if (name.includes("./")) data += name;
    data += sum;
  }
  if (sig.taint !== undefined) data += sig.taint.includes("nostamp:") ? sig.taint.slice(8) : sig.taint;
  return sha256(data);
}
