// The control file of a binary package (Debian's format, which opkg shares) and the paragraphs of a
// feed's Packages index: "Field: value" lines, continuation lines starting with a space, " ." for
// an empty line of a multi-line value, paragraphs separated by an empty line.

import { PackageError } from "./errors.js";

export interface PackageControl {
  name: string;
  /** The full version: [PE:]PV-PR. */
  version: string;
  /** The package architecture as the package manager spells it ("x86_64" for opkg, "amd64" for dpkg). */
  architecture: string;
  maintainer: string;
  /** SUMMARY as the first line; DESCRIPTION, if any, on the following lines (the extended description). */
  description: string;
  section?: string;
  priority?: string;
  license?: string;
  homepage?: string;
  /** Each entry is a package name, optionally with a version constraint: "foo (>= 1.0)". */
  depends: string[];
  recommends: string[];
  suggests?: string[];
  provides: string[];
  conflicts: string[];
  replaces: string[];
  /** Absolute paths of configuration files (CONFFILES). */
  conffiles?: string[];
  /** Maintainer scripts (pkg_preinst and friends); "#!/bin/sh" is added when there is no "#!" line. */
  scripts?: { preinst?: string; postinst?: string; prerm?: string; postrm?: string };
  /** SOURCE_DATE_EPOCH: every time stamp in the package is clamped to it. */
  sourceDateEpoch: number;
  /** More fields, written after the standard ones in the order given (e.g. { Source: "hello_1.0.bb" }). */
  extraFields?: Record<string, string>;
}

const SINGLE_LINE = /^[^\n\r]*$/;

function checkValue(field: string, value: string): string {
  if (!SINGLE_LINE.test(value))
    throw new PackageError(`Control field ${field} must be one line: ${JSON.stringify(value)}`);
  return value.trim();
}

function relations(field: string, entries: string[] | undefined): string {
  const seen: string[] = [];
  for (const e of entries ?? []) {
    const v = checkValue(field, e).replace(/\s+/g, " ");
    if (v && !seen.includes(v)) seen.push(v);
  }
  return seen.join(", ");
}

/** A multi-line value written as a control field value (continuation lines indented, " ." for empty). */
export function foldValue(value: string): string {
  const lines = value.replace(/\s+$/, "").split("\n");
  return [lines[0]!.trim(), ...lines.slice(1).map((l) => (l.trim() === "" ? " ." : ` ${l.trimEnd()}`))].join(
    "\n",
  );
}

/** The version without its epoch ("1:2.0-r0" → "2.0-r0"), as package file names carry it. */
export function versionInFileName(version: string): string {
  const colon = version.indexOf(":");
  return colon >= 0 ? version.slice(colon + 1) : version;
}

/** The text of the control file, with Installed-Size (KiB) when given. */
export function formatControl(c: PackageControl, installedSize?: number): string {
  if (!/^[^\s,/_]+$/.test(c.name)) throw new PackageError(`Invalid package name '${c.name}'`);
  if (!/^[^\s/_]+$/.test(c.version)) throw new PackageError(`Invalid version '${c.version}' of ${c.name}`);
  if (!/^[^\s/]+$/.test(c.architecture)) {
    throw new PackageError(`Invalid architecture '${c.architecture}' of ${c.name}`);
  }
  if (c.description.trim() === "") throw new PackageError(`Package ${c.name} has no description`);
  const fields: Array<[string, string]> = [
    ["Package", c.name],
    ["Version", c.version],
    ["Architecture", c.architecture],
    ["Maintainer", checkValue("Maintainer", c.maintainer)],
    ["Installed-Size", installedSize === undefined ? "" : String(installedSize)],
    ["Section", checkValue("Section", c.section ?? "")],
    ["Priority", checkValue("Priority", c.priority ?? "")],
    ["License", checkValue("License", c.license ?? "")],
    ["Homepage", checkValue("Homepage", c.homepage ?? "")],
    ["Depends", relations("Depends", c.depends)],
    ["Recommends", relations("Recommends", c.recommends)],
    ["Suggests", relations("Suggests", c.suggests)],
    ["Provides", relations("Provides", c.provides)],
    ["Conflicts", relations("Conflicts", c.conflicts)],
    ["Replaces", relations("Replaces", c.replaces)],
  ];
  for (const [field, value] of Object.entries(c.extraFields ?? {})) {
    if (!/^[A-Za-z0-9][!-9;-~]*$/.test(field))
      throw new PackageError(`Invalid control field name '${field}'`);
    fields.push([field, checkValue(field, value)]);
  }
  fields.push(["Description", foldValue(c.description)]);
  return fields
    .filter(([, v]) => v !== "")
    .map(([f, v]) => `${f}: ${v}\n`)
    .join("");
}

/** A maintainer script as written into the control archive. */
export function scriptText(body: string): string {
  const text = body.startsWith("#!") ? body : `#!/bin/sh\n${body}`;
  return text.endsWith("\n") ? text : `${text}\n`;
}

/**
 * The paragraphs of a control file or Packages index, fields in the order written. A multi-line
 * value comes back as its lines joined with "\n" (the indentation space removed, " ." read as an
 * empty line), so a description parses back to what formatControl was given.
 */
export function parseControl(text: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  let current: Record<string, string> | undefined;
  let last: string | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      if (current) out.push(current);
      current = undefined;
      last = undefined;
      continue;
    }
    if ((line.startsWith(" ") || line.startsWith("\t")) && current && last !== undefined) {
      current[last] += `\n${line.trim() === "." ? "" : line.slice(1)}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue; // not a field: ignored, as package managers do
    current ??= {};
    last = line.slice(0, colon);
    current[last] = line.slice(colon + 1).trim();
  }
  if (current) out.push(current);
  return out;
}
