// A package feed's index: "Packages" (and "Packages.gz") in the directory of the package files, one
// paragraph per package: its control fields, then Filename, Size and checksums, Description last.
// opkg reads MD5Sum and SHA256sum; apt reads MD5sum and SHA256 (so a .deb feed carries those).

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { writeFileAtomic } from "../util/atomic.js";
import { readAr } from "./ar.js";
import type { PackageFormat } from "./archive.js";
import { foldValue, parseControl } from "./control.js";
import { PackageError } from "./errors.js";
import { decompressTar, readTarMember } from "./tar.js";
import { byteOrder } from "./tree.js";

/** The control fields of a package file (.ipk or .deb), in the order written. */
export function readPackageControl(file: string): Record<string, string> {
  const members = readAr(readFileSync(file), file);
  const member = members.find((m) => m.name.startsWith("control.tar"));
  if (!member) throw new PackageError(`${file} has no control.tar member`);
  const tar = decompressTar(member.name, member.data, file);
  const text = readTarMember(tar, "control");
  if (!text) throw new PackageError(`${file} has no control file`);
  const paragraphs = parseControl(text.toString("utf8"));
  if (paragraphs.length === 0) throw new PackageError(`${file} has an empty control file`);
  return paragraphs[0]!;
}

function gzip(data: Buffer): Buffer {
  const r = spawnSync("gzip", ["-n", "-9", "-c"], { input: data, maxBuffer: 1024 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    throw new PackageError(`gzip -n -9 failed: ${r.error?.message ?? r.stderr.toString()}`);
  }
  return r.stdout;
}

function paragraph(fields: Array<[string, string]>): string {
  return fields.map(([f, v]) => `${f}: ${v.includes("\n") ? foldValue(v) : v}\n`).join("");
}

/**
 * Write `dir`/Packages and `dir`/Packages.gz listing every *.<format> file in `dir`, sorted by
 * file name: the control fields (Description last), Filename (the bare name), Size, and
 * MD5Sum + SHA256sum for ipk feeds, MD5sum + SHA256 for deb feeds.
 */
export function writeFeedIndex(dir: string, format: PackageFormat): void {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith(`.${format}`) && statSync(path.join(dir, n)).isFile())
    .sort(byteOrder);
  const paragraphs = names.map((name) => {
    const file = path.join(dir, name);
    const data = readFileSync(file);
    const control = readPackageControl(file);
    const fields = Object.entries(control).filter(([f]) => f !== "Description");
    const md5 = createHash("md5").update(data).digest("hex");
    const sha256 = createHash("sha256").update(data).digest("hex");
    fields.push(["Filename", name], ["Size", String(data.length)]);
    if (format === "ipk") fields.push(["MD5Sum", md5], ["SHA256sum", sha256]);
    else fields.push(["MD5sum", md5], ["SHA256", sha256]);
    if (control["Description"] !== undefined) fields.push(["Description", control["Description"]]);
    return paragraph(fields);
  });
  const text = Buffer.from(paragraphs.join("\n"));
  writeFileAtomic(path.join(dir, "Packages"), text);
  writeFileAtomic(path.join(dir, "Packages.gz"), gzip(text));
}

/** The paragraphs of `dir`/Packages (or Packages.gz), as written by writeFeedIndex. */
export function readFeedIndex(dir: string): Array<Record<string, string>> {
  const plain = path.join(dir, "Packages");
  if (existsSync(plain)) return parseControl(readFileSync(plain, "utf8"));
  const gz = path.join(dir, "Packages.gz");
  if (existsSync(gz)) return parseControl(gunzipSync(readFileSync(gz)).toString("utf8"));
  throw new PackageError(`No Packages index in ${dir}`);
}
