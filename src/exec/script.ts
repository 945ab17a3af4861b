// The script a shell function runs from: the exported variables, the shell functions it calls
// (found by parsing the function bodies), a `cd` into its directory, then the call. BitBake keeps
// such a script as ${T}/run.FUNC.PID so that a failed task can be rerun by hand; kiln does too.

import { type DataStore, isTrueWord, pyCompare } from "../data/index.js";
import { shellExecs } from "../tasks/index.js";

/** A value inside double quotes, as BitBake writes it (" and $ escaped, lines continued; backquotes
 * escaped from BitBake 2.16 on, so that a value holding them is no command substitution). */
export function shellQuote(value: string, backquotes: boolean): string {
  const quoted = value.replace(/"/g, '\\"');
  return (backquotes ? quoted.replace(/`/g, "\\`") : quoted).replace(/\n/g, " \\\n").replace(/\$/g, "\\$");
}

const isShellFunc = (d: DataStore, name: string) =>
  Boolean(d.getVarFlag(name, "func", false)) && !d.getVarFlag(name, "python", false);

/** `func` and every shell function it calls, directly or through others (in call order). */
export function shellClosure(d: DataStore, func: string): string[] {
  const seen = new Set<string>([func]);
  const order = [func];
  for (let i = 0; i < order.length; i++) {
    const body = String(d.getVar(order[i]) ?? "");
    const extra = String(d.getVarFlag(order[i], "vardeps") ?? "").split(/\s+/);
    for (const name of [...shellExecs(body), ...extra]) {
      if (name && !seen.has(name) && isShellFunc(d, name)) {
        seen.add(name);
        order.push(name);
      }
    }
  }
  return order;
}

/** The exported variables of `d` as `export NAME="value"` lines (unexported ones unset), sorted. */
export function exportLines(d: DataStore): string[] {
  const lines: string[] = [];
  const backquotes = d.bitbakeAtLeast(2, 16);
  for (const [name, value] of exportedVariables(d)) {
    if (!d.getVarFlag(name, "func", false) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      lines.push(value === null ? `unset ${name}` : `export ${name}="${shellQuote(value, backquotes)}"`);
  }
  return lines;
}

/**
 * The variables `d` exports, expanded, in name order ("__" names left out, as BitBake leaves
 * them out); null for the ones marked [unexport]. Values that cannot be expanded are left out,
 * as BitBake leaves them out too.
 */
export function exportedVariables(d: DataStore): Array<[string, string | null]> {
  const out: Array<[string, string | null]> = [];
  for (const name of [...new Set(d.keys())].filter((k) => !k.startsWith("__")).sort(pyCompare)) {
    if (isTrueWord(d.getVarFlag(name, "unexport", false))) {
      out.push([name, null]);
      continue;
    }
    if (!isTrueWord(d.getVarFlag(name, "export", false))) continue;
    let value: unknown;
    try {
      value = d.getVar(name);
    } catch {
      continue;
    }
    if (value !== undefined && value !== null) out.push([name, String(value)]);
  }
  return out;
}

/** The whole run script of shell function `func`, run in `cwd`. */
export function shellScript(d: DataStore, func: string, cwd: string, umask?: string): string {
  const out = [
    "#!/bin/bash",
    "",
    `# kiln: function ${func} of ${String(d.getVar("PN") ?? "")}; rerun by hand with bash`,
    "",
  ];
  out.push(...exportLines(d), "");
  for (const name of shellClosure(d, func).reverse()) {
    out.push(`${name}() {`, String(d.getVar(name) ?? "").replace(/^\n+|\s+$/g, "") || "    :", "}", "");
  }
  out.push("set -e");
  if (umask) out.push(`umask ${umask}`);
  out.push(`cd '${cwd.replace(/'/g, "'\\''")}'`, func, "");
  return out.join("\n");
}
