// `kiln kernel-config-check CONFIG [FRAGMENT...]`: does a kernel configuration have what some
// features need? An audit in the spirit of docker's check-config, driven by configuration
// fragments (.cfg files in .config syntax) instead of a built-in list. Without FRAGMENT
// arguments the fragments shipped in meta-kiln-virt (recipes-kernel/linux/files/*.cfg) are used.
//
// Semantics (see src/kernel/check.ts):
//   - A fragment's `CONFIG_FOO=m` means "enabled": a module or built in both satisfy it, as
//     docker's check-config accepts "enabled" and "enabled (as module)". Built in is reported as
//     ok with a note.
//   - A fragment's `CONFIG_FOO=y` means "built in": boot-critical options (a guest's root disk
//     and console drivers without an initramfs). A module does NOT satisfy it; it is reported
//     distinctly with the status "module" and counts as a failure.
//   - `# CONFIG_FOO is not set` (or =n) in a fragment: must be absent or not set; "enabled"
//     otherwise. Strings and numbers must be equal (numbers compared by value, 0x1f == 31).
//   - --builtin: every tristate requirement must be built in, =m ones too ("module" failures),
//     for kernels that boot without loadable modules.
// Output: one line per option (status, option, wanted, found), grouped per fragment, then
// "N of M options satisfied; ...". Colour only when stdout is a terminal and NO_COLOR is unset.
// --json prints the whole report as one JSON object instead.
// Exit status: 0 when every option is satisfied, 1 when any is not, 2 when a file cannot be read
// or has a bad line (the message names file:line).

import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type CheckReport,
  type CheckStatus,
  checkConfig,
  describeResult,
  type FragmentResult,
  type KernelConfig,
  KernelConfigError,
  readKernelConfig,
  summaryLine,
} from "../kernel/index.js";

export interface KernelConfigCheckOptions {
  json?: boolean;
  builtin?: boolean;
}

/** The directory of the fragments kiln ships (in the kiln checkout, found from this module). */
export const SHIPPED_FRAGMENTS_DIR = fileURLToPath(
  new URL("../../../layers/meta-kiln-virt/recipes-kernel/linux/files/", import.meta.url),
);

/** The shipped fragments, sorted by name. */
export function shippedFragments(dir = SHIPPED_FRAGMENTS_DIR): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new KernelConfigError(dir, undefined, "cannot read the shipped fragments directory");
  }
  const cfgs = names.filter((n) => n.endsWith(".cfg")).sort();
  if (cfgs.length === 0) throw new KernelConfigError(dir, undefined, "no .cfg fragments here");
  return cfgs.map((n) => path.join(dir, n));
}

const COLOURS: Record<CheckStatus, string> = {
  ok: "32",
  missing: "31",
  module: "33",
  wrong: "31",
  enabled: "31",
};

function useColour(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}

function paint(text: string, code: string, colour: boolean): string {
  return colour ? `\x1b[${code}m${text}\x1b[0m` : text;
}

/** A path as short as it can be shown: relative to the working directory when inside it. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

function formatFragment(f: FragmentResult, colour: boolean): string[] {
  const lines = [`${shown(f.fragment)}:`];
  const title = f.description.split("\n")[0];
  if (title) lines[0] += ` ${title}`;
  const width = Math.max(0, ...f.options.map((o) => o.option.length));
  for (const o of f.options) {
    const { wanted, found } = describeResult(o);
    const status = paint(o.status.padEnd(7), COLOURS[o.status], colour);
    let line = `  ${status} ${o.option.padEnd(width)}  wanted ${wanted}, found ${found}`;
    if (o.note) line += ` (${o.note})`;
    lines.push(line);
  }
  if (f.options.length === 0) lines.push("  (no options)");
  return lines;
}

/** The readable report: per fragment, one line per option, then the summary line. */
export function formatReport(report: CheckReport, colour = false): string {
  const out = [`Kernel configuration ${shown(report.config)}${report.builtin ? " (--builtin)" : ""}`, ""];
  for (const f of report.fragments) out.push(...formatFragment(f, colour), "");
  const summary = summaryLine(report.summary);
  out.push(paint(summary, report.satisfied ? "32" : "31;1", colour));
  return `${out.join("\n")}\n`;
}

export async function kernelConfigCheck(
  config: string,
  fragments: string[],
  opts: KernelConfigCheckOptions,
): Promise<void> {
  let report: CheckReport;
  try {
    const files = fragments.length > 0 ? fragments : shippedFragments();
    const kernel = readKernelConfig(config);
    const parsed: KernelConfig[] = files.map((f) => readKernelConfig(f));
    for (const c of [kernel, ...parsed]) {
      for (const w of c.warnings) process.stderr.write(`WARNING: ${w}\n`);
    }
    report = checkConfig(kernel, parsed, { builtin: opts.builtin });
  } catch (e) {
    if (!(e instanceof KernelConfigError)) throw e;
    process.stderr.write(`ERROR: ${e.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(formatReport(report, useColour()));
  }
  process.exitCode = report.satisfied ? 0 : 1;
}
