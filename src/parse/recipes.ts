// Finding and parsing recipes: BBFILES globbing, BBMASK, bbappends (with % wildcards), and the
// parse of one recipe file into its datastores (the recipe and its BBCLASSEXTEND variants).

import { readdirSync } from "node:fs";
import path from "node:path";
import { type Collection, fileCollection } from "../config/index.js";
import {
  type DataStore,
  isTrueWord,
  pyCompare,
  type Reporter,
  renderValue,
  SkipRecipe,
  splitFlag,
} from "../data/index.js";
import { pySplit } from "../syntax/index.js";
import { glob } from "../util/glob.js";
import { pyRegExp, pySearch } from "../util/pyregex.js";
import { explodeDeps } from "../util/version.js";
import type { Configuration } from "./config.js";
import { describeError } from "./errors.js";
import type { Evaluator } from "./evaluate.js";
import { multiFinalize, type Variants } from "./finalize.js";
import { isDir, pyBasename } from "./paths.js";
import type { TaskDeps } from "./tasks.js";

export interface RecipeFiles {
  /** .bb files in priority order (lowest first), as BitBake lists them. */
  recipes: string[];
  /** [recipe base name the append applies to (with %), append file] in discovery order. */
  appends: Array<[string, string]>;
  masked: number;
}

function walkRecipes(dir: string): string[] {
  const found: string[] = [];
  const visit = (d: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!["SCCS", "CVS", ".svn"].includes(e.name)) visit(path.join(d, e.name));
      } else if (e.name.endsWith(".bb") || e.name.endsWith(".bbappend")) {
        found.push(path.join(d, e.name));
      }
    }
  };
  visit(dir);
  return found;
}

/**
 * BBFILES patterns ordered by the priority of the collection each falls in (stable), stored as
 * BBFILES_PRIORITIZED: BitBake sets it on the configuration before recipes are parsed, so every
 * recipe sees it.
 */
export function prioritizeBbfiles(config: Configuration): string[] {
  const d = config.data;
  const priority = (f: string) => fileCollection(f, config.collections)?.priority ?? 0;
  const patterns = pySplit(String(d.getVar("BBFILES") ?? ""));
  const ordered = patterns
    .map((p, i) => ({ p, i, prio: priority(p) }))
    .sort((a, b) => a.prio - b.prio || a.i - b.i)
    .map((o) => o.p);
  d.setVar("BBFILES_PRIORITIZED", ordered.join(" "));
  return ordered;
}

/** BBFILES and BBMASK → the recipe and append files to parse (BitBake's collect_bbfiles). */
export function collectRecipeFiles(config: Configuration, reporter: Reporter): RecipeFiles {
  const d = config.data;
  const ordered = prioritizeBbfiles(config).map((p) => ({ p }));

  const files: string[] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  };
  for (const { p } of ordered) {
    if (isDir(p)) {
      for (const f of walkRecipes(p)) add(f);
      continue;
    }
    for (const f of glob(p).sort(pyCompare)) add(f);
  }

  let mask: RegExp | null = null;
  const bbmask = d.getVar("BBMASK") as string | undefined;
  if (bbmask) {
    const valid: string[] = [];
    for (let m of pySplit(bbmask)) {
      if (m.startsWith("|")) {
        reporter.warn(`BBMASK contains regular expression beginning with '|', fixing: ${m}`);
        m = m.slice(1);
      }
      try {
        pyRegExp(m);
        valid.push(m);
      } catch {
        reporter.error(`BBMASK contains an invalid regular expression, ignoring: ${m}`);
      }
    }
    if (valid.length) mask = pyRegExp(valid.join("|"));
  }

  const recipes: string[] = [];
  const appends: Array<[string, string]> = [];
  let masked = 0;
  for (const f of files) {
    if (mask && pySearch(mask, f)) {
      masked++;
      continue;
    }
    if (f.endsWith(".bb")) recipes.push(f);
    else if (f.endsWith(".bbappend")) appends.push([pyBasename(f).replace(".bbappend", ".bb"), f]);
  }
  return { recipes, appends, masked };
}

/** The bbappends that apply to a recipe file, in order ("%" in an append's name matches any rest). */
export function appendsFor(recipe: string, appends: Array<[string, string]>): string[] {
  const name = pyBasename(recipe);
  return appends
    .filter(
      ([base]) => base === name || (base.includes("%") && base.startsWith(name.slice(0, base.indexOf("%")))),
    )
    .map(([, f]) => f);
}

/** "virtual:<variant>:<file>" for a variant, the file itself for the recipe. */
export function virtualName(file: string, variant: string): string {
  return variant ? `virtual:${variant}:${file}` : file;
}

/** "mc:<mc>:virtual:<variant>:<file>" (each prefix optional) into its parts. */
export function splitVirtualName(name: string): { file: string; variant: string; mc: string } {
  let rest = name;
  let mc = "";
  if (rest.startsWith("mc:") && rest.split(":").length >= 3) {
    const parts = rest.split(":");
    mc = parts[1];
    rest = parts.slice(2).join(":");
  }
  if (!rest.startsWith("virtual:")) return { file: rest, variant: "", mc };
  const parts = rest.split(":");
  return { file: parts[parts.length - 1], variant: parts.slice(1, -1).join(":"), mc };
}

/**
 * Parse one recipe file with its appends. `only` restricts finalisation to one variant
 * ("default" for the recipe itself), as a single-recipe query does.
 */
export function parseRecipeFile(
  ev: Evaluator,
  config: Configuration,
  file: string,
  appends: string[],
  only?: string,
  tracking = false,
): Variants {
  const d = config.data.createCopy();
  d.tracking = tracking;
  if (only !== undefined) d.setVar("__ONLYFINALISE", only);
  d.setVar("__BBMULTICONFIG", config.mc);
  d.setVar("FILE_LAYERNAME", fileCollection(file, config.collections)?.name);
  if (d.bitbakeAtLeast(2, 18)) d.setVar("__BB_RECIPE_FILE", file);
  if (appends.length) d.setVar("__BBAPPEND", appends.join(" "));
  try {
    ev.handleRecipeStyle(file, d, false);
  } catch (e) {
    if (e instanceof SkipRecipe) return new Map([["", d]]);
    throw e;
  }
  return multiFinalize(ev, file, d, only);
}

/** What provider selection needs to know about one parsed recipe (or variant). */
export interface RecipeInfo {
  /** The recipe file, "virtual:<variant>:<file>" for a variant, prefixed "mc:<name>:" in a multiconfig. */
  name: string;
  file: string;
  variant: string;
  mc: string;
  pn: string;
  pe: string | undefined;
  pv: string;
  pr: string;
  defaultPreference: number;
  provides: string[];
  /** Why the recipe is unavailable, when it was skipped. */
  skipped?: string;
  priority: number;
  /** Values asked for by `kiln query --all` (never cached). */
  values?: Record<string, QueriedValue>;
  /** What provider and dependency resolution need; absent for skipped targets. */
  deps?: RecipeDeps;
}

/** A recipe's build and runtime dependencies and what it provides at runtime (BitBake's recipe cache). */
export interface RecipeDeps {
  depends: string[];
  packages: string[];
  packagesDynamic: string[];
  rprovides: string[];
  rdepends: string[];
  rrecommends: string[];
  /** Per package in PACKAGES: RPROVIDES:pkg, RDEPENDS:pkg, RRECOMMENDS:pkg. */
  rprovidesPkg: Record<string, string[]>;
  rdependsPkg: Record<string, string[]>;
  rrecommendsPkg: Record<string, string[]>;
  /** Class files inherited (__inherit_cache), in order. */
  inherits: string[];
  /** The recipe's tasks, their [deps] ("parents") and dependency flags (`_task_deps`). */
  taskDeps: TaskDeps;
  /** EXCLUDE_FROM_WORLD is set. */
  notWorld: boolean;
  /** The expanded text of calculate_extra_depends, which adds to DEPENDS when the graph is made. */
  extraDependsFunc?: string;
}

/** Read a recipe's dependency facts the way BitBake's recipe cache does. */
function recipeDeps(d: DataStore, pn: string): RecipeDeps {
  const get = (name: string) => {
    const v = d.getVar(name);
    return v === undefined || v === null || v === false ? "" : String(v);
  };
  const words = (name: string) => pySplit(get(name));
  const deps = (name: string) => explodeDeps(get(name));
  const packages = words("PACKAGES");
  if (packages.length === 0) packages.push(pn);
  const perPackage = (name: string) =>
    Object.fromEntries(packages.map((pkg) => [pkg, deps(`${name}:${pkg}`)])) as Record<string, string[]>;
  const inherits = d.getVar("__inherit_cache", false);
  return {
    depends: deps("DEPENDS"),
    packages,
    packagesDynamic: words("PACKAGES_DYNAMIC"),
    rprovides: deps("RPROVIDES"),
    rdepends: deps("RDEPENDS"),
    rrecommends: deps("RRECOMMENDS"),
    rprovidesPkg: perPackage("RPROVIDES"),
    rdependsPkg: perPackage("RDEPENDS"),
    rrecommendsPkg: perPackage("RRECOMMENDS"),
    inherits: Array.isArray(inherits) ? inherits.map(String) : [],
    taskDeps: structuredClone(
      (d.getVar("_task_deps", false) as TaskDeps | undefined) ?? { tasks: [], parents: {} },
    ),
    notWorld: isTrueWord(get("EXCLUDE_FROM_WORLD")),
    ...(get("calculate_extra_depends") ? { extraDependsFunc: get("calculate_extra_depends") } : {}),
  };
}

/** Summarise each datastore a recipe file produced. */
export function recipeInfos(
  file: string,
  variants: Variants,
  collections: Collection[],
  mc = "",
): RecipeInfo[] {
  const priority = fileCollection(file, collections)?.priority ?? 0;
  const infos: RecipeInfo[] = [];
  const keys = [...variants.keys()].sort(pyCompare).reverse();
  for (const variant of keys) {
    const d = variants.get(variant)!;
    const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
    const skipped = d.getVar("__SKIPPED");
    const info: RecipeInfo = {
      name: mc ? `mc:${mc}:${virtualName(file, variant)}` : virtualName(file, variant),
      file,
      variant,
      mc,
      pn:
        str(d.getVar("PN")) ||
        (pyBasename(file)
          .replace(/\.(bb|bbappend)$/, "")
          .split("_")[0] ??
          ""),
      pe: str(d.getVar("PE")),
      pv: str(d.getVar("PV")) ?? "",
      pr: str(d.getVar("PR")) ?? "",
      defaultPreference: Number.parseInt(String(d.getVar("DEFAULT_PREFERENCE") ?? "0"), 10) || 0,
      provides: explodeDeps(String(d.getVar("PROVIDES") ?? "")),
      priority,
    };
    if (skipped) info.skipped = skipped === true ? "True" : String(skipped);
    else info.deps = recipeDeps(d, info.pn);
    infos.push(info);
  }
  return infos;
}

/** Files a parse depended on (its __depends list), for cache validation. */
export function dependencyFiles(variants: Variants): string[] {
  const files = new Set<string>();
  for (const d of variants.values()) {
    for (const [f] of (d.getVar("__depends", false) as Array<[string, unknown]> | undefined) ?? [])
      files.add(f);
  }
  return [...files];
}

export interface ParsedRecipe {
  infos: RecipeInfo[];
  deps: string[];
}

export type QueriedValue = string | null | { error: string };

/** The rendered values (or errors) of variables/flags ("VAR" or "VAR[flag]") in a datastore. */
export function readValues(d: DataStore, names: string[], expand = true): Record<string, QueriedValue> {
  const out: Record<string, QueriedValue> = {};
  for (const name of names) {
    const [variable, flag] = splitFlag(name);
    try {
      out[name] = renderValue(
        flag === undefined ? d.getVar(variable, expand) : d.getVarFlag(variable, flag, expand),
      );
    } catch (e) {
      out[name] = { error: describeError(e) };
    }
  }
  return out;
}

/** Parse one recipe file for the tree: what provider selection and caching need. */
export function parseForTree(
  ev: Evaluator,
  config: Configuration,
  file: string,
  appends: string[],
  names?: string[],
): ParsedRecipe {
  const variants = parseRecipeFile(ev, config, file, appends);
  const infos = recipeInfos(file, variants, config.collections, config.mc);
  if (names) {
    for (const info of infos) {
      if (info.skipped === undefined) info.values = readValues(variants.get(info.variant)!, names);
    }
  }
  return { infos, deps: dependencyFiles(variants) };
}
