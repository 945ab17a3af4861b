// Reading Linux kernel configurations: a full `.config` written by Kconfig, or a configuration
// fragment (`.cfg`) in the same syntax listing what one feature needs. Every option keeps its
// line number so that reports and errors can point at it.
//
// The line forms understood:
//   CONFIG_FOO=y              built in (bool or tristate)
//   CONFIG_FOO=m              built as a module (tristate)
//   CONFIG_FOO=n              disabled; the same as "is not set"
//   # CONFIG_FOO is not set   disabled (how Kconfig writes a disabled bool or tristate)
//   CONFIG_FOO="text"         a string; \" and \\ are the only escapes, as Kconfig writes them
//   CONFIG_FOO=123, =-1       a decimal integer
//   CONFIG_FOO=0x1f           a hexadecimal integer
// Blank lines and other comments are skipped; anything else is an error naming file:line. When
// one file sets an option twice, the later line wins (as when Kconfig reads it), and a warning
// names both lines.

import { readFileSync } from "node:fs";

export type ConfigValue =
  | { kind: "tristate"; value: "y" | "m" }
  | { kind: "unset" }
  | { kind: "string"; value: string }
  | { kind: "int"; value: string }
  | { kind: "hex"; value: string };

export interface ConfigEntry {
  /** The full symbol name, with its CONFIG_ prefix. */
  name: string;
  value: ConfigValue;
  /** 1-based line number of the (last) line setting it. */
  line: number;
}

export interface KernelConfig {
  file: string;
  /** Options in the order they first appear. */
  options: Map<string, ConfigEntry>;
  /** The comment block the file starts with (without the "# "), e.g. what a fragment is for. */
  description: string;
  /** Lines that set an option again. */
  warnings: string[];
}

export class KernelConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${problem}`);
    this.name = "KernelConfigError";
  }
}

const NAME = "CONFIG_[A-Za-z0-9_]+";
const NOT_SET = new RegExp(`^#\\s*(${NAME}) is not set\\s*$`);
const ASSIGN = new RegExp(`^(${NAME})=(.*?)\\s*$`);
/** A comment that looks like a mistyped "is not set" line: report it rather than skip it. */
const NEAR_NOT_SET = new RegExp(`^#\\s*${NAME}\\s+is\\s+not\\s+set`);

/** The value written after `CONFIG_FOO=`, or a description of what is wrong with it. */
function parseValue(text: string): ConfigValue | string {
  if (text === "y" || text === "m") return { kind: "tristate", value: text };
  if (text === "n") return { kind: "unset" };
  if (/^-?[0-9]+$/.test(text)) return { kind: "int", value: text };
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return { kind: "hex", value: text };
  if (text.startsWith('"')) {
    let out = "";
    for (let i = 1; i < text.length; i++) {
      const c = text[i];
      if (c === "\\") {
        if (i + 1 >= text.length) break;
        out += text[++i];
      } else if (c === '"') {
        if (i !== text.length - 1) return `text after the closing quote: ${text.slice(i + 1)}`;
        return { kind: "string", value: out };
      } else {
        out += c;
      }
    }
    return "unterminated string (no closing quote)";
  }
  if (text === "") return 'no value (an empty string is written "")';
  return `bad value "${text}" (expected y, m, n, a number, 0x..., or a "quoted string")`;
}

/** Parse the text of a .config or .cfg; `file` names it in errors and warnings. */
export function parseKernelConfig(text: string, file: string): KernelConfig {
  const options = new Map<string, ConfigEntry>();
  const warnings: string[] = [];
  const description: string[] = [];
  let header = true;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].replace(/\r$/, "").trim();
    let entry: ConfigEntry | undefined;
    const unset = NOT_SET.exec(line);
    if (unset) {
      entry = { name: unset[1], value: { kind: "unset" }, line: lineNo };
    } else if (line.startsWith("#")) {
      if (NEAR_NOT_SET.test(line)) {
        throw new KernelConfigError(file, lineNo, `bad line (expected "# CONFIG_NAME is not set"): ${line}`);
      }
      if (header) {
        const comment = line.replace(/^#+\s?/, "");
        if (comment !== "" || description.length > 0) description.push(comment);
      }
      continue;
    } else if (line === "") {
      if (description.length > 0) header = false;
      continue;
    } else {
      const assign = ASSIGN.exec(line);
      if (!assign) {
        throw new KernelConfigError(file, lineNo, `bad line (expected CONFIG_NAME=value): ${line}`);
      }
      const value = parseValue(assign[2]);
      if (typeof value === "string") throw new KernelConfigError(file, lineNo, `${assign[1]}: ${value}`);
      entry = { name: assign[1], value, line: lineNo };
    }
    header = false;
    const earlier = options.get(entry.name);
    if (earlier) {
      warnings.push(
        `${file}:${lineNo}: ${entry.name} set again (first at line ${earlier.line}); this line wins`,
      );
      earlier.value = entry.value;
      earlier.line = lineNo;
    } else {
      options.set(entry.name, entry);
    }
  }
  while (description.length > 0 && description[description.length - 1] === "") description.pop();
  return { file, options, description: description.join("\n"), warnings };
}

/** Read and parse a .config or .cfg file. */
export function readKernelConfig(file: string): KernelConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String(e);
    throw new KernelConfigError(file, undefined, `cannot read: ${why}`);
  }
  return parseKernelConfig(text, file);
}

/** A value as it would be written after `CONFIG_FOO=` (or "is not set"). */
export function formatValue(value: ConfigValue | undefined): string {
  if (value === undefined) return "absent";
  switch (value.kind) {
    case "tristate":
    case "int":
    case "hex":
      return value.value;
    case "unset":
      return "is not set";
    case "string":
      return `"${value.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
}

/** Is this an enabled bool/tristate or any value other than "not set"? */
export function isEnabled(value: ConfigValue | undefined): boolean {
  return value !== undefined && value.kind !== "unset";
}
