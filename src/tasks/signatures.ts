// Task signatures (BitBake's bb.data.build_dependencies / generate_dependency_hash and siggen):
// for every task, the variables and functions its value depends on, found by reading the
// metadata the way BitBake does — ${} references, shell commands that are metadata functions,
// what metadata Python reads and calls, [vardeps]/[vardepsexclude]/[vardepvalue]/
// [vardepvalueexclude], bb.utils.contains checks, :remove — and a base hash over their values.
// docs/signatures.md describes the rules and where kiln differs.

import { createHash } from "node:crypto";
import { type DataStore, isTrueWord, pyCompare, pyStr, pyTruthy, type VariableParse } from "../data/index.js";
import { pySplit } from "../syntax/index.js";
import { shellExecs } from "./shell.js";

/** What one variable or function contributes to a signature. */
export interface VarSignature {
  deps: Set<string>;
  /** The text hashed for it (null: an unset flag, which contributes only its name). */
  value: string | null;
}

export interface RecipeSignatures {
  /** Task → every variable/function it depends on, directly or through others. */
  taskdeps: Map<string, Set<string>>;
  /** Task → sha256 base hash. */
  basehash: Map<string, string>;
  /** Every name looked at → its direct dependencies and hashed value. */
  vars: Map<string, VarSignature>;
}

/** BB_SIGNATURE_EXCLUDE_FLAGS as BitBake tests a flag against it: a list of flag names from
 * BitBake 2.18 on; before, a string a flag was looked for in (so that a flag named like part of
 * an excluded one, "lock" in "lockfiles", was excluded too). */
export type ExcludedFlags = { includes(flag: string): boolean; length: number };

/** What building one name's dependencies needs (BitBake's build_dependencies arguments). */
export interface DependencyContext {
  d: DataStore;
  /** d with BB_HASH_CODEPARSER_VALS forced: function bodies are read from it. */
  codeData: DataStore;
  /** The names a call may name (functions called become dependencies only when they are keys). */
  keys: Set<string>;
  /** Exported variables: every shell function depends on them. */
  shelldeps: Set<string>;
  /** When any, every flag of a name that is not excluded is a dependency. */
  excludedFlags: ExcludedFlags;
  /** Names no signature depends on (BB_BASEHASH_IGNORE_VARS). */
  ignored: Set<string>;
}

/** The context for a datastore's signatures, as BitBake's generate_dependencies makes it. */
export function dependencyContext(d: DataStore, ignored?: Set<string>): DependencyContext {
  const exportList = (d.getVar("__exportlist", false) as Set<string> | undefined) ?? new Set<string>();
  const excludedText = String(d.getVar("BB_SIGNATURE_EXCLUDE_FLAGS") ?? "");
  // Function bodies are read with some values forced, so that e.g. PV does not change them.
  const codeData = d.createCopy();
  for (const forced of pySplit(String(d.getVar("BB_HASH_CODEPARSER_VALS") ?? ""))) {
    const cut = forced.indexOf("=");
    if (cut > 0) codeData.setVar(forced.slice(0, cut), forced.slice(cut + 1));
  }
  return {
    d,
    codeData,
    keys: new Set(d.keys().filter((k) => !k.startsWith("__"))),
    shelldeps: new Set(
      [...exportList].filter(
        (k) => isTrueWord(d.getVarFlag(k, "export")) && !isTrueWord(d.getVarFlag(k, "unexport")),
      ),
    ),
    excludedFlags: d.bitbakeAtLeast(2, 18) ? pySplit(excludedText) : excludedText,
    ignored: ignored ?? new Set(pySplit(String(d.getVar("BB_BASEHASH_IGNORE_VARS") ?? ""))),
  };
}

export function recipeSignatures(d: DataStore): RecipeSignatures {
  const { tasks, vars } = generateDependencies(dependencyContext(d));
  return { ...dependencyHashes(tasks, vars), vars };
}

/** Every task's direct dependencies and those of every name they reach (BitBake's
 * generate_dependencies). */
export function generateDependencies(ctx: DependencyContext): {
  tasks: string[];
  vars: Map<string, VarSignature>;
} {
  const vars = new Map<string, VarSignature>();
  const tasks = ((ctx.d.getVar("__BBTASKS", false) as string[] | undefined) ?? []).map(String);
  for (const task of tasks) {
    if (!vars.has(task)) vars.set(task, buildDependencies(task, ctx));
    let fresh = [...vars.get(task)!.deps];
    const seen = new Set<string>();
    while (fresh.length) {
      const next: string[] = [];
      for (const dep of fresh) {
        seen.add(dep);
        if (!vars.has(dep)) vars.set(dep, buildDependencies(dep, ctx));
      }
      for (const dep of fresh) for (const x of vars.get(dep)!.deps) if (!seen.has(x)) next.push(x);
      fresh = [...new Set(next)];
    }
  }
  return { tasks, vars };
}

/** Each task's closure and its sha256 base hash: the task's text, then every name it reaches
 * (sorted) with its text (BitBake's generate_dependency_hash). */
export function dependencyHashes(
  tasks: string[],
  vars: Map<string, VarSignature>,
): Pick<RecipeSignatures, "taskdeps" | "basehash"> {
  const taskdeps = new Map<string, Set<string>>();
  const basehash = new Map<string, string>();
  for (const task of tasks) {
    const closure = closureOf(task, vars);
    let data = vars.get(task)!.value ?? "";
    for (const dep of [...closure].sort(pyCompare)) {
      data += dep;
      const v = vars.get(dep)?.value;
      if (v !== null && v !== undefined) data += v;
    }
    basehash.set(task, createHash("sha256").update(data, "utf8").digest("hex"));
    taskdeps.set(task, closure);
  }
  return { taskdeps, basehash };
}

/** One name's direct dependencies and the text its signature hashes (BitBake's
 * build_dependencies): a variable, a function or "VAR[flag]". */
export function buildDependencies(key: string, ctx: DependencyContext): VarSignature {
  const { d, codeData, keys, shelldeps, excludedFlags, ignored } = ctx;
  const python = d.python;

  const withCalls = (deps: Set<string>, execs: Iterable<string>) => {
    for (const e of execs) if (keys.has(e)) deps.add(e);
  };
  /** Lines recording whether each looked-for item is in the variable, instead of the whole value. */
  const containsText = (value: unknown, contains: Map<string, Set<string>>, exclusions: string[]): string => {
    let out = pyTruthy(value) ? pyStr(value) : "";
    for (const k of [...contains.keys()].sort(pyCompare)) {
      if (exclusions.includes(k) || ignored.has(k)) continue;
      const words = pySplit(String(d.getVar(k) ?? ""));
      for (const item of [...contains.get(k)!].sort(pyCompare)) {
        const set = pySplit(item).every((w) => words.includes(w));
        out += `\n${k}{${item}} = ${set ? "Set" : "Unset"}`;
      }
    }
    return out;
  };

  /** ":remove" values that removed something; BitBake passes on only the first one's references. */
  const removeText = (
    value: string,
    deps: Set<string>,
    parser: VariableParse,
    exclusions: string[],
  ): string => {
    let out = value;
    let first = true;
    for (const r of [...(parser.removes ?? [])].sort(pyCompare)) {
      const p = d.expandWithRefs(r, null);
      out += `\n_remove of ${r}`;
      if (first) for (const ref of p.references) deps.add(ref);
      first = false;
      out = containsText(out, p.contains, exclusions);
    }
    return out;
  };

  const deps = new Set<string>();
  if (key.endsWith("]")) {
    const cut = key.indexOf("[");
    const name = key.slice(0, cut);
    const flag = key.slice(cut + 1, -1);
    if (flag === "vardepvalueexclude") return { deps, value: "" };
    const [raw, parser] = d.getVarFlagWithParser(name, flag);
    for (const r of parser.references) deps.add(r);
    withCalls(deps, parser.execs);
    for (const i of ignored) deps.delete(i);
    // Hashed as Python's str() gives it: a flag set to True by Python is "True".
    return { deps, value: raw === undefined || raw === null ? null : pyStr(raw) };
  }
  const flags =
    d.getVarFlags(key, [
      "vardeps",
      "vardepvalue",
      "vardepsexclude",
      "exports",
      "postfuncs",
      "prefuncs",
      "lineno",
      "filename",
    ]) ?? {};
  const exclusions = pySplit(String(flags.vardepsexclude ?? ""));
  let value: string;
  if ("vardepvalue" in flags) {
    value = pyStr(flags.vardepvalue);
  } else if (pyTruthy(flags.func)) {
    if (pyTruthy(flags.python)) {
      const raw = codeData.getVar(key, false);
      const text = raw === undefined || raw === null ? "" : String(raw);
      const found = python?.analyse?.(text) ?? { references: [], execs: [], contains: {} };
      for (const r of found.references) deps.add(r);
      withCalls(deps, found.execs);
      value = containsText(
        raw,
        new Map(Object.entries(found.contains).map(([k, v]) => [k, new Set(v)])),
        exclusions,
      );
    } else {
      const [raw, parser] = codeData.getVarFlagWithParser(key);
      for (const s of shelldeps) deps.add(s);
      for (const r of parser.references) deps.add(r);
      withCalls(deps, shellExecs(String(parser.value ?? "")));
      withCalls(deps, parser.execs);
      value = removeText(containsText(raw, parser.contains, exclusions), deps, parser, exclusions);
    }
    for (const f of ["prefuncs", "postfuncs", "exports"]) {
      if (f in flags) for (const w of pySplit(String(flags[f] ?? ""))) deps.add(w);
    }
  } else {
    const [raw, parser] = d.getVarFlagWithParser(key);
    for (const r of parser.references) deps.add(r);
    withCalls(deps, parser.execs);
    value = removeText(containsText(raw, parser.contains, exclusions), deps, parser, exclusions);
  }
  if ("vardepvalueexclude" in flags) {
    for (const piece of String(flags.vardepvalueexclude ?? "").split("|")) {
      if (piece) value = value.split(piece).join("");
    }
  }
  if (excludedFlags.length > 0) {
    for (const f of Object.keys(flags)) if (!excludedFlags.includes(f)) deps.add(`${key}[${f}]`);
  }
  for (const w of pySplit(String(flags.vardeps ?? ""))) deps.add(w);
  for (const e of exclusions) deps.delete(e);
  for (const i of ignored) deps.delete(i);
  return { deps, value };
}

/** Every name reachable from a task's direct dependencies. */
function closureOf(task: string, vars: Map<string, VarSignature>): Set<string> {
  const seen = new Set<string>();
  let fresh = [...(vars.get(task)?.deps ?? [])];
  while (fresh.length) {
    const next: string[] = [];
    for (const dep of fresh) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      for (const x of vars.get(dep)?.deps ?? []) if (!seen.has(x)) next.push(x);
    }
    fresh = next;
  }
  return seen;
}
