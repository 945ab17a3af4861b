// Recognising ELF files by their header bytes, and reading the dynamic section (SONAME, NEEDED)
// with readelf.

import { closeSync, openSync, readSync } from "node:fs";
import { runTool } from "./run.js";

/** What an ELF file is, from e_type (ET_REL, ET_EXEC, ET_DYN, ET_CORE). */
export type ElfType = "relocatable" | "executable" | "shared" | "core" | "other";

/** The ELF type of a regular file, or undefined when it does not start with the ELF magic. */
export function elfType(file: string): ElfType | undefined {
  const buf = Buffer.alloc(18);
  let n = 0;
  const fd = openSync(file, "r");
  try {
    n = readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 18 || buf[0] !== 0x7f || buf[1] !== 0x45 || buf[2] !== 0x4c || buf[3] !== 0x46) return undefined;
  const bigEndian = buf[5] === 2;
  const type = bigEndian ? buf.readUInt16BE(16) : buf.readUInt16LE(16);
  // ET_DYN covers shared libraries and position-independent executables alike.
  return (["other", "relocatable", "executable", "shared", "core"] as const)[type] ?? "other";
}

export interface DynamicInfo {
  soname?: string;
  needed: string[];
}

/**
 * The SONAME and NEEDED entries of ELF files, read with one `readelf -d -W` run over all of them.
 * Files without a dynamic section give { needed: [] }.
 */
export function readDynamic(files: string[], readelf = "readelf"): Map<string, DynamicInfo> {
  const out = new Map<string, DynamicInfo>();
  for (const f of files) out.set(f, { needed: [] });
  if (files.length === 0) return out;
  const text = runTool([], [readelf, "-d", "-W", ...files], "Reading the dynamic sections of ELF files");
  // With several files readelf heads each report with "File: <name>"; with one it does not.
  let current = out.get(files[0]!);
  for (const line of text.split("\n")) {
    const file = /^File: (.*)$/.exec(line);
    if (file) {
      current = out.get(file[1]!);
      continue;
    }
    const entry = /\((NEEDED|SONAME)\)\s+[^[]*\[(.*)\]\s*$/.exec(line);
    if (!entry || !current) continue;
    if (entry[1] === "SONAME") current.soname = entry[2]!;
    else if (!current.needed.includes(entry[2]!)) current.needed.push(entry[2]!);
  }
  return out;
}
