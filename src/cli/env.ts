// `kiln env [TARGET]`: every variable and function of the global configuration or of a recipe,
// each with its history (operation, file:line) as comments, like `bitbake -e`.

import type { DataStore, HistoryEvent } from "../data/index.js";
import { isTrueWord, pyCompare, pyStr } from "../data/index.js";
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
    out.push(`${exported}${name}="${shellQuote(rendered)}"`);
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
