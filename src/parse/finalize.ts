// The end of a recipe's parse: bbappends, deferred inherits, key expansion, anonymous Python,
// task registration, and the BBCLASSEXTEND variants (BitBake's multi_finalize / finalize).

import path from "node:path";
import { type DataStore, expandKeys, FatalError, SkipRecipe } from "../data/index.js";
import { pySplit } from "../syntax/index.js";
import { locate } from "./errors.js";
import { type Evaluator, inheritDefer } from "./evaluate.js";
import { registerTasks } from "./tasks.js";

/** The datastores a recipe file yields: "" for the recipe itself, then one per variant. */
export type Variants = Map<string, DataStore>;

/** Finalise one datastore (BitBake's finalize). SkipRecipe propagates to the caller. */
export function finalize(ev: Evaluator, fn: string, d: DataStore): void {
  ev.python.withHandlersRestored(() => finalizeSteps(ev, fn, d));
}

function finalizeSteps(ev: Evaluator, fn: string, d: DataStore): void {
  const py = ev.python;
  if (d.getVar("_FAILPARSINGERRORHANDLED", false) === true) {
    throw new FatalError(`${fn}: renamed variables are in use (see the errors above)`);
  }
  const deferred = (d.getVar("__BBDEFINHERITS", false) as Array<[string, string, number]> | undefined) ?? [];
  py.fireEvent("RecipePreDeferredInherits", [fn, deferred.length ? deferred.map((x) => x[0]) : [""]], d);
  for (;;) {
    const pending = (d.getVar("__BBDEFINHERITS", false) as Array<[string, string, number]> | undefined) ?? [];
    if (pending.length === 0) break;
    const [expression, file, line] = pending.shift()!;
    d.setVar("__BBDEFINHERITS", pending);
    try {
      ev.inherit(expression, file, line, d, true);
    } catch (e) {
      throw locate(e, file, line);
    }
  }
  py.registerHandlers(d);
  py.fireEvent("RecipePreFinalise", [fn], d);
  expandKeys(d);
  py.fireEvent("RecipePostKeyExpansion", [fn], d);
  runAnonymous(ev, d);
  const tasks = (d.getVar("__BBTASKS", false) as string[] | undefined) ?? [];
  py.fireEvent("RecipeTaskPreProcess", [fn, [...tasks]], d);
  remapVirtualProviders(tasks, d);
  registerTasks(tasks, d);
  d.setVar("BBINCLUDED", fileDepends(d));
  if (d.getVar("__BBAUTOREV_SEEN") && d.getVar("__BBSRCREV_SEEN") && !d.getVar("__BBAUTOREV_ACTED_UPON")) {
    throw new FatalError(
      "AUTOREV/SRCPV set too late for the fetcher to work properly, please set the variables earlier in parsing. Erroring instead of later obtuse build failures.",
    );
  }
  py.fireEvent("RecipeParsed", [fn], d);
}

/** Run the anonymous functions collected while parsing, in the order they were defined. */
export function runAnonymous(ev: Evaluator, d: DataStore): void {
  const names = (d.getVar("__BBANONFUNCS", false) as string[] | undefined) ?? [];
  ev.python.runAnonymous(names, d);
}

/** Recipe-level virtual providers: DEPENDS entries listed in BB_RECIPE_VIRTUAL_PROVIDERS are
 * replaced by their PREFERRED_PROVIDER, in DEPENDS and in task [depends]. */
function remapVirtualProviders(tasks: string[], d: DataStore): void {
  const virtuals = pySplit(String(d.getVar("BB_RECIPE_VIRTUAL_PROVIDERS") ?? ""));
  const preferred = (dep: string) => {
    const p = d.getVar(`PREFERRED_PROVIDER_${dep}`) as string | undefined;
    if (!p) throw new FatalError(`Error, recipe virtual provider PREFERRED_PROVIDER_${dep} not set`);
    return p;
  };
  const depends = pySplit(String(d.getVar("DEPENDS") ?? "")).map((dep) =>
    virtuals.includes(dep) ? preferred(dep) : dep,
  );
  d.setVar("DEPENDS", depends.join(" "));
  for (const task of tasks) {
    const remapped = pySplit(String(d.getVarFlag(task, "depends") ?? "")).map((entry) => {
      const parts = entry.split(":");
      if (parts.length !== 2) {
        throw new FatalError(`${task}[depends] entry '${entry}' is not of the form recipe:task`);
      }
      const [r, t] = parts;
      return `${virtuals.includes(r) ? d.getVar(`PREFERRED_PROVIDER_${r}`) : r}:${t}`;
    });
    d.setVarFlag(task, "depends", remapped.join(" "));
  }
}

/** Every file the parse depended on (BBINCLUDED). */
function fileDepends(d: DataStore): string {
  type Depends = Array<[string, unknown]> | undefined;
  const base = renderedBase((d.getVar("__base_depends", false) as Depends) ?? []);
  const own = ((d.getVar("__depends", false) as Depends) ?? []).map(([f]) => resolvedPath(f)).join(" ");
  return base && own ? `${base} ${own}` : base || own;
}

/** The configuration's files (__base_depends) as fileDepends renders them, kept for the next
 * recipe: every recipe holds a copy of the same list (the same entries), hundreds of files long. */
let baseRendered: { entries: Array<[string, unknown]>; cwd: string; text: string } | undefined;

function renderedBase(entries: Array<[string, unknown]>): string {
  const cwd = process.cwd();
  const last = baseRendered;
  if (
    last &&
    last.cwd === cwd &&
    last.entries.length === entries.length &&
    last.entries.every((e, i) => e === entries[i])
  )
    return last.text;
  const text = entries.map(([f]) => resolvedPath(f)).join(" ");
  baseRendered = { entries, cwd, text };
  return text;
}

/** Absolute paths normalised once: every recipe lists the configuration's files again. */
const resolvedPaths = new Map<string, string>();

function resolvedPath(file: string): string {
  if (!path.isAbsolute(file)) return path.resolve(file); // depends on the working directory
  let resolved = resolvedPaths.get(file);
  if (resolved === undefined) {
    resolved = path.resolve(file);
    resolvedPaths.set(file, resolved);
  }
  return resolved;
}

/**
 * After the recipe file itself was evaluated: apply bbappends, finalise the recipe and create
 * and finalise its BBCLASSEXTEND variants. `only` limits which variants are finalised
 * ("default" for the recipe alone), like BitBake's __ONLYFINALISE.
 */
export function multiFinalize(ev: Evaluator, fn: string, d: DataStore, only?: string): Variants {
  for (const append of pySplit(String(d.getVar("__BBAPPEND") ?? ""))) {
    ev.handleRecipeStyle(append, d, true);
  }
  const safe = d;
  const main = safe.createCopy();
  try {
    finalize(ev, fn, main);
  } catch (e) {
    if (!(e instanceof SkipRecipe)) throw e;
    main.setVar("__SKIPPED", e.reason);
  }
  const stores: Variants = new Map([["", safe]]);

  const extended = String(main.getVar("BBCLASSEXTEND") ?? "");
  if (extended) {
    const classOf = new Map<string, string>();
    const variantOf = new Map<string, string>();
    for (const ext of pySplit(extended)) {
      const parts = ext.split(":");
      if (parts.length > 1) {
        classOf.set(ext, parts[0]);
        variantOf.set(ext, parts[1]);
      } else {
        classOf.set(ext, ext);
      }
    }
    const pn = main.getVar("PN");
    const extend = (name: string, v: DataStore) => {
      if (name !== classOf.get(name)) {
        v.setVar("BBEXTENDCURR", classOf.get(name));
        v.setVar("BBEXTENDVARIANT", variantOf.get(name));
      } else {
        v.setVar("PN", `${pn}-${name}`);
      }
      inheritDefer(classOf.get(name)!, fn, 0, v);
    };
    safe.setVar("BBCLASSEXTEND", extended);
    createVariants(stores, [...classOf.keys()], extend, only);
  }

  for (const [variant, v] of stores) {
    if (!variant) continue;
    // BitBake tests membership in __ONLYFINALISE as a substring test; so do we.
    if (only && !only.includes(variant)) continue;
    try {
      finalize(ev, fn, v);
    } catch (e) {
      if (!(e instanceof SkipRecipe)) throw e;
      v.setVar("__SKIPPED", e.reason);
    }
  }
  stores.set("", main);
  return stores;
}

function createVariants(
  stores: Variants,
  names: string[],
  extend: (name: string, d: DataStore) => void,
  only: string | undefined,
): void {
  const wanted = (name: string) => !only || only.includes(name);
  for (const variant of [...stores.keys()]) {
    for (const name of names) {
      const full = variant ? `${variant}-${name}` : name;
      if (!wanted(full)) continue;
      const copy = stores.get(variant)!.createCopy();
      extend(name, copy);
      stores.set(full, copy);
    }
  }
}
