// `kiln env [TARGET]`: every variable and function of the global configuration or of a recipe,
// each with its history (operation, file:line) as comments, like `bitbake -e`.

import type { DataStore, HistoryEvent } from "../data/index.js";
import { isTrueWord, overrideSuffixes, pyCompare, pyStr } from "../data/index.js";
import { shellQuote } from "../exec/index.js";
import { finalizeConfiguration } from "../parse/index.js";
import { parseTree, targetData } from "../resolve/index.js";
import { describe, fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";
import { renderValue } from "./values.js";

function comment(text: string, indent: string): string {
  return text.replace(/\n/g, `\n#${indent}`);
}

function historyLines(d: DataStore, name: string): string[] {
  const events: HistoryEvent[] = d.history.variable(name);
  const out: string[] = ["#"];
  if (events.length === 0) {
    out.push(`# $${name}`, "#   [no history recorded]");
    return out;
  }
  out.push(events.length === 1 ? `# $${name}` : `# $${name} [${events.length} operations]`);
  for (const e of events) {
    const where = e.file ? `${e.file}:${e.line}` : "(kiln)";
    const flag = e.flag !== undefined ? `[${e.flag}] ` : "";
    out.push(`#   ${e.op} ${where}`, `#     ${flag}"${comment(pyStr(e.detail), "     ")}"`);
  }
  if (events.length > 1) {
    out.push(
      "# pre-expansion value:",
      `#   "${comment(renderValue(d.getVar(name, false)) ?? "None", "   ")}"`,
    );
  }
  return out;
}

/**
 * One variable's entry in `bitbake -e` (BitBake's emit_var with all=True): its history, including
 * that of its override-style variants, then how a shell would set it (export, unset, a shell
 * function). Python functions have none.
 */
export function renderVariable(d: DataStore, name: string): string {
  const isFunc = Boolean(d.getVarFlag(name, "func", false));
  if (isFunc && d.getVarFlag(name, "python", false)) return "";
  const out: string[] = [];
  let raw: unknown;
  let value: unknown;
  try {
    raw = d.getVar(name, false);
    value = d.getVar(name);
  } catch (e) {
    return `# expansion of ${name} threw ${errorType(e)}: ${describe(e)}\n`;
  }
  out.push(...fullHistory(d, name, raw));
  if (isTrueWord(d.getVarFlag(name, "unexport"))) return `${[...out, `unset ${name}`].join("\n")}\n`;
  if (value === undefined || value === null) return `${out.join("\n")}\n`;
  const text = pyStr(value);
  if (isFunc) {
    out.push(
      `# line: ${pyStr(d.getVarFlag(name, "lineno", false))}, file: ${pyStr(d.getVarFlag(name, "filename", false))}`,
    );
    out.push(`${name}() {\n${text.replace(/\n+$/, "")}\n}`);
  } else {
    const exported = isTrueWord(d.getVarFlag(name, "export")) ? "export " : "";
    out.push(`${exported}${name}="${shellQuote(text, d.bitbakeAtLeast(2, 16))}"`);
  }
  return `${out.join("\n")}\n`;
}

const errorType = (e: unknown) =>
  (e as { pythonType?: string }).pythonType ?? (e as Error).name ?? "Exception";

/** A variable's history as BitBake's VariableHistory.emit writes it (also when there is none). */
function fullHistory(d: DataStore, name: string, raw: unknown): string[] {
  const events = [...d.history.variable(name)];
  // Operations on NAME:override count, named after their override (flags of those only when internal).
  for (const other of d.keys()) {
    for (const [shortvar, override] of overrideSuffixes(other)) {
      if (shortvar !== name) continue;
      for (const e of d.history.variable(other)) {
        if (e.flag !== undefined && !e.flag.startsWith("_") && !e.flag.startsWith(":")) continue;
        events.push({ ...e, variable: name, op: `override[${override}]:${e.op}` });
      }
    }
  }
  const comment = (text: string, indent: string) => text.replace(/\n/g, `\n#${indent}`);
  const shownRaw = comment(raw === undefined ? "None" : pyStr(raw), "");
  if (events.length === 0) return ["#", `# $${name}`, "#   [no history recorded]", "#", `#   "${shownRaw}"`];
  const out = ["#", events.length === 1 ? `# $${name}` : `# $${name} [${events.length} operations]`];
  for (const e of events) {
    // Internal code (a Python function) is named by its file's base name and the function; what
    // kiln itself did has no file (BitBake names its own source there).
    const where = !e.file
      ? "(kiln)"
      : e.func
        ? `${e.file.replace(/.*\//, "")}:${e.line} [${e.func}]`
        : `${e.file}:${e.line}`;
    const flag = e.flag !== undefined ? `[${e.flag}] ` : "";
    out.push(`#   ${e.op} ${where}`, `#     ${flag}"${comment(pyStr(e.detail), "     ")}"`);
  }
  if (events.length > 1) out.push("# pre-expansion value:", `#   "${shownRaw}"`);
  return out;
}

/** Render the whole datastore: plain variables first, then functions, each group sorted. */
export function renderEnvironment(d: DataStore): string {
  const out: string[] = [];
  const names = [...new Set(d.keys())].filter((k) => !k.startsWith("__")).sort(pyCompare);
  const isFunc = (k: string) => Boolean(d.getVarFlag(k, "func", false));
  for (const name of names.filter((k) => !isFunc(k))) {
    out.push(...historyLines(d, name));
    let value: unknown;
    try {
      value = d.getVar(name);
    } catch (e) {
      out.push(`# expansion of ${name} failed: ${describe(e)}`);
      continue;
    }
    const rendered = renderValue(value);
    if (rendered === null) continue;
    if (isTrueWord(d.getVarFlag(name, "unexport", false))) {
      out.push(`unset ${name}`);
      continue;
    }
    const exported = isTrueWord(d.getVarFlag(name, "export", false)) ? "export " : "";
    out.push(`${exported}${name}="${shellQuote(rendered, d.bitbakeAtLeast(2, 16))}"`);
  }
  const isPython = (k: string) => Boolean(d.getVarFlag(k, "python", false));
  for (const name of names.filter((k) => isFunc(k) && !isPython(k))) {
    let body: unknown;
    try {
      body = d.getVar(name);
    } catch (e) {
      out.push(`# expansion of ${name} failed: ${describe(e)}`);
      continue;
    }
    if (body === undefined) continue;
    const text = String(body).replace(/\n+$/, "");
    out.push(
      `# line: ${pyStr(d.getVarFlag(name, "lineno", false))}, file: ${pyStr(d.getVarFlag(name, "filename", false))}`,
    );
    out.push(`${name}() {`, text, "}", "");
  }
  // Python functions last, as bitbake -e shows them: not shell, so after the environment, with
  // their bodies as written (unexpanded), anonymous ones ("__anon_...") included.
  out.push("");
  const pythonFuncs = [...new Set(d.keys())].filter((k) => isFunc(k) && isPython(k)).sort(pyCompare);
  for (const name of pythonFuncs) {
    out.push("", `python ${name} () {\n${pyStr(d.getVar(name, false))}}`, "");
  }
  return `${out.join("\n")}\n`;
}

/** Every variable as JSON {NAME: value} (Python functions and "__" names left out, as bitbake -e does). */
export function environmentJson(d: DataStore): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of [...new Set(d.keys())].filter((k) => !k.startsWith("__")).sort(pyCompare)) {
    if (d.getVarFlag(name, "python", false) && d.getVarFlag(name, "func", false)) continue;
    try {
      const value = renderValue(d.getVar(name));
      if (value !== null) out[name] = value;
    } catch (e) {
      out[name] = { error: describe(e) };
    }
  }
  return out;
}

export async function env(target: string | undefined, opts: { json?: boolean } = {}): Promise<void> {
  let d: DataStore;
  try {
    const { ev, config, configs, reporter } = await openSession({ tracking: true });
    if (target) {
      const tree = await parseTree(ev, configs, reporter, treeOptions());
      d = targetData(ev, configs, tree, target, reporter).data;
    } else {
      d = finalizeConfiguration(ev, config);
    }
  } catch (e) {
    fail(e);
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(environmentJson(d), null, 0)}\n`);
  else process.stdout.write(renderEnvironment(d));
}
