// What `kiln layers show-*` reports about the configured layers and the parsed recipes, computed
// the way bitbake-layers does (its choices of which file stands for which layer, of preferred
// versions, and of what counts as crossing a layer boundary), returned as data for the CLI to print.

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { FileLayers } from "../config/index.js";
import { pyCompare, type Reporter } from "../data/index.js";
import { appendsFor, type Configuration, type RecipeInfo } from "../parse/index.js";
import { which as findAlongPath } from "../parse/paths.js";
import { pySplit } from "../syntax/index.js";
import { fnmatchRegExp } from "../util/glob.js";
import type { ProviderIndex } from "./providers.js";
import type { ParsedTree } from "./targets.js";

/** One configured collection: its name, layer directory and priority. */
export interface LayerRow {
  name: string;
  path: string;
  priority: number;
}

/** Collections in BBFILE_COLLECTIONS order, as `bitbake-layers show-layers` lists them. */
export function layerRows(config: Configuration): LayerRow[] {
  const dirs = collectionDirs(config);
  const priorities = new Map(config.collections.map((c) => [c.name, c.priority]));
  return pySplit(String(config.data.getVar("BBFILE_COLLECTIONS") ?? "")).map((name) => ({
    name,
    path: dirs.get(name) ?? "",
    priority: priorities.get(name) ?? 0,
  }));
}

/** collection → the directory of the layer whose layer.conf added it. */
function collectionDirs(config: Configuration): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const layer of config.layers) for (const c of layer.collections) dirs.set(c, layer.dir);
  return dirs;
}

/** Where files belong: the collection whose pattern matches, named by its layer directory. */
export class LayerLocator {
  private readonly dirs: Map<string, string>;
  private readonly files: FileLayers;

  constructor(config: Configuration) {
    this.dirs = collectionDirs(config);
    this.files = new FileLayers(config.data);
  }

  /** The layer directory a file belongs to, if any. */
  layerDir(file: string): string | undefined {
    const collection = this.files.collectionOf(file);
    return collection === undefined ? undefined : this.dirs.get(collection);
  }

  /** The layer's directory name ("?" when no layer claims the file). */
  layerName(file: string): string {
    const dir = this.layerDir(file);
    return dir ? path.basename(dir.replace(/\/+$/, "")) : "?";
  }

  /** A path starting at its layer's directory name ("meta-foo/recipes-x/y.bb"). */
  short(file: string): string {
    const dir = this.layerDir(file);
    if (!dir) return file;
    const prefix = `${path.dirname(dir)}/`.replace(/\/+$/, "/");
    return file.startsWith(prefix) ? file.slice(prefix.length) : file;
  }
}

/** "pe:pv-pr", leaving out what is empty. */
export function versionString(pe: string | undefined, pv: string, pr?: string): string {
  let v = pv;
  if (pr) v = `${v}-${pr}`;
  if (pe) v = `${pe}:${v}`;
  return v;
}

export interface ListedRecipe {
  file: string;
  layer: string;
  version: string;
  preferred: boolean;
  skipped?: string;
}

export interface RecipeListing {
  pn: string;
  recipes: ListedRecipe[];
}

export interface ListOptions {
  pnspec?: string[];
  /** Only recipes provided by more than one file. */
  multiple?: boolean;
  /** Only recipes with versions in more than one layer. */
  overlayedOnly?: boolean;
  /** With overlayedOnly: only where every version is the same. */
  sameVersionOnly?: boolean;
  /** Only recipes inheriting every one of these classes (not counting INHERIT). */
  inherits?: string[];
  /** Only entries from this layer (directory name). */
  layer?: string;
}

interface Version {
  pe?: string;
  pv: string;
}

/** One file offering a recipe name: its version, its parse result (none when skipped), its path. */
interface Offer {
  version: Version;
  info: RecipeInfo | undefined;
  file: string;
}

/**
 * Recipes by name with the file of each version, the preferred one first; skipped recipes are
 * included with their reason, their names and versions guessed from the file name.
 */
export function listRecipes(
  tree: ParsedTree,
  config: Configuration,
  reporter: Reporter,
  opts: ListOptions = {},
): RecipeListing[] {
  const mc = config.mc;
  const index = tree.indexes.get(mc)!;
  const locate = new LayerLocator(config);
  const infos = tree.infos.filter((i) => i.mc === mc);
  const available = infos.filter((i) => i.skipped === undefined);
  const availableFiles = new Set(available.filter((i) => i.variant === "").map((i) => i.file));
  const skippedBase = new Map(
    infos.filter((i) => i.skipped !== undefined && i.variant === "").map((i) => [i.file, i.skipped!]),
  );

  const all = new Map<string, Offer[]>();
  const preferred = new Map<string, Offer>();
  const add = (pn: string, entry: Offer) => {
    const list = all.get(pn) ?? [];
    all.set(pn, list);
    list.push(entry);
  };
  for (const info of available)
    add(info.pn, { version: { pe: info.pe, pv: info.pv }, info, file: info.file });
  for (const [pn] of index.pkgPn) {
    const best = index.bestOfPn(pn, config.data, reporter);
    const info = best ? index.byName.get(best) : undefined;
    if (info)
      preferred.set(pn, { version: { pe: info.pe, pv: info.pv }, info: info as RecipeInfo, file: info.name });
  }
  for (const info of infos.filter((i) => i.skipped !== undefined)) {
    const parts = path
      .basename(info.file)
      .replace(/\.[^.]*$/, "")
      .split("_");
    const entry = {
      version: { pv: parts.length > 1 ? parts[1] : "unknown" },
      info: undefined,
      file: info.file,
    };
    add(parts[0], entry);
    if (!index.pkgPn.has(parts[0]) && !preferred.has(parts[0])) preferred.set(parts[0], entry);
  }

  const globalInherit = new Set(pySplit(String(config.data.getVar("INHERIT") ?? "")));
  const patterns = (opts.pnspec ?? []).map((p) => fnmatchRegExp(p));
  const shown = new Set<string>();
  const listings: RecipeListing[] = [];
  for (const pn of [...preferred.keys()].sort(pyCompare)) {
    if (patterns.length && !patterns.some((re) => re.test(pn))) continue;
    const providers = all.get(pn) ?? [];
    if (opts.multiple && providers.length <= 1) continue;
    const pref = preferred.get(pn)!;
    const prefInfo = pref.info;
    const prefFile = prefInfo ? prefInfo.file : pref.file;
    // A BBCLASSEXTEND variant is listed under its base recipe when that one is available.
    if (prefInfo && prefInfo.variant !== "" && availableFiles.has(prefInfo.file)) continue;
    if (opts.inherits?.length) {
      const base = available.find((i) => i.file === prefFile && i.variant === "");
      const classes = (base?.deps?.inherits ?? [])
        .filter((c) => !/^classes.*\//.test(c))
        .map((c) => path.basename(c).replace(/\.[^.]*$/, ""))
        .filter((c) => !globalInherit.has(c));
      const matched = classes.filter((c) => opts.inherits!.includes(c)).length;
      if (matched !== opts.inherits.length) continue;
    }
    if (shown.has(prefFile)) continue;
    const prefLayer = locate.layerName(prefFile);
    const provs = providers.map((p) => ({
      file: p.info ? p.info.file : p.file,
      layer: locate.layerName(p.info ? p.info.file : p.file),
      version: p.version,
    }));
    const multilayer = provs.some((p) => p.layer !== prefLayer);
    const sameVersion = provs.every(
      (p) => p.version.pe === pref.version.pe && p.version.pv === pref.version.pv,
    );
    if (opts.overlayedOnly && !multilayer) continue;
    if (opts.sameVersionOnly && !sameVersion) continue;
    const item = (file: string, layer: string, v: Version, isPreferred: boolean): ListedRecipe => {
      const entry: ListedRecipe = { file, layer, version: versionString(v.pe, v.pv), preferred: isPreferred };
      const reason = skippedBase.get(file);
      if (reason !== undefined) entry.skipped = reason;
      return entry;
    };
    const recipes = [item(prefFile, prefLayer, pref.version, true)];
    for (const p of provs) if (p.file !== prefFile) recipes.push(item(p.file, p.layer, p.version, false));
    listings.push({ pn, recipes: opts.layer ? recipes.filter((r) => r.layer === opts.layer) : recipes });
    shown.add(prefFile);
  }
  return listings;
}

/** Check that every named class exists along BBPATH; the missing ones. */
export function missingClasses(config: Configuration, classes: string[]): string[] {
  const bbpath = String(config.data.getVar("BBPATH") ?? "");
  return classes.filter(
    (name) =>
      !["classes-global", "classes-recipe", "classes"].some((dir) => which(bbpath, `${dir}/${name}.bbclass`)),
  );
}

/** bb.utils.which: the first `dir/item` along a search path that exists ("" when none does). */
function which(searchPath: string, item: string): string {
  return findAlongPath(searchPath, item).found;
}

export interface OverlayedClass {
  name: string;
  /** The file BBPATH finds as classes/NAME ("" when it finds none there). */
  main: string;
  mainLayer: string;
  others: Array<{ file: string; layer: string }>;
}

/** Class files present in more than one layer, with the one BBPATH finds first. */
export function overlayedClasses(config: Configuration): OverlayedClass[] {
  const layers = pySplit(String(config.data.getVar("BBLAYERS") ?? ""));
  const found = new Map<string, string[]>();
  for (const layer of layers) {
    for (const sub of ["classes-global", "classes-recipe", "classes"]) {
      const dir = path.join(layer, sub);
      let names: string[];
      try {
        names = readdirSync(dir).sort(pyCompare);
      } catch {
        continue;
      }
      for (const name of names) {
        if (path.extname(name) !== ".bbclass") continue;
        const dirs = found.get(name) ?? [];
        found.set(name, dirs);
        dirs.push(dir);
      }
    }
  }
  const bbpath = String(config.data.getVar("BBPATH") ?? "");
  const out: OverlayedClass[] = [];
  for (const [name, dirs] of found) {
    if (dirs.length < 2) continue;
    const main = which(bbpath, path.join("classes", name));
    let mainLayer = "?";
    for (const layer of layers)
      if (main.startsWith(path.join(layer, "classes"))) mainLayer = path.basename(layer);
    const others = dirs
      .map((dir) => ({ file: path.join(dir, name), layer: path.basename(path.dirname(dir)) }))
      .filter((o) => o.file !== main);
    out.push({ name, main, mainLayer, others });
  }
  return out;
}

export interface AppendedRecipe {
  /** The recipe file's base name. */
  recipe: string;
  skipped: boolean;
  appends: string[];
}

/** Recipes with the .bbappend files that apply to them (skipped ones too, unless a pnspec is given). */
export function appendedRecipes(
  tree: ParsedTree,
  config: Configuration,
  reporter: Reporter,
  pnspec: string[] = [],
): AppendedRecipe[] {
  const mc = config.mc;
  const index = tree.indexes.get(mc)!;
  const appends = tree.appends.get(mc) ?? [];
  const patterns = pnspec.map((p) => fnmatchRegExp(p));
  const out: AppendedRecipe[] = [];
  const forFiles = (
    infos: Array<Pick<RecipeInfo, "file" | "variant">>,
    preferred: string | undefined,
    skipped: boolean,
  ) => {
    const missing: string[] = [];
    let any = false;
    for (const info of infos) {
      if (info.variant !== "") continue;
      const found = appendsFor(info.file, appends);
      const recipe = path.basename(info.file);
      if (found.length) {
        out.push({ recipe, skipped, appends: found });
        any = true;
      } else missing.push(recipe);
    }
    if (any && preferred && missing.includes(preferred))
      reporter.warn(`${preferred}: missing append for preferred version`);
  };
  for (const pn of [...index.pkgPn.keys()].sort(pyCompare)) {
    if (patterns.length && !patterns.some((re) => re.test(pn))) continue;
    const infos = index.pkgPn.get(pn)!.map((n) => index.byName.get(n) as RecipeInfo);
    const best = index.findBestProvider(pn, config.data, reporter);
    forFiles(infos, best ? path.basename(index.byName.get(best)!.name) : undefined, false);
  }
  if (!pnspec.length) {
    // Every skipped target, variants included, is looked up by its file's base name.
    const skipped = tree.infos.filter((i) => i.mc === mc && i.skipped !== undefined);
    forFiles(
      skipped.map((i) => ({ file: i.file, variant: "" })),
      undefined,
      true,
    );
  }
  return out;
}

export interface CrossDependency {
  from: string;
  kind: "DEPENDS" | "RDEPENDS" | "RRECOMMENDS" | "inherits" | "requires" | "includes";
  to: string;
}

/**
 * Dependencies that cross layer boundaries: build and runtime dependencies resolved to the
 * providing recipe, inherited classes, and files required or included by recipes, machine
 * configurations, .inc files and classes.
 */
export function crossDependencies(
  tree: ParsedTree,
  config: Configuration,
  reporter: Reporter,
  ignore: string[] = [],
): CrossDependency[] {
  const mc = config.mc;
  const index: ProviderIndex = tree.indexes.get(mc)!;
  const locate = new LayerLocator(config);
  const bbpath = String(config.data.getVar("BBPATH") ?? "");
  const globalInherit = new Set(pySplit(String(config.data.getVar("INHERIT") ?? "")));
  const out: CrossDependency[] = [];
  const crosses = (layer: string, file: string) => {
    const other = locate.layerName(file);
    return other !== layer && !ignore.includes(other);
  };
  const needFile = (from: string, kind: CrossDependency["kind"], layer: string, wanted: string) => {
    const found = which(bbpath, wanted);
    if (found && crosses(layer, found)) out.push({ from, kind, to: found });
  };
  const lineRe = /^(require|include)\s+(.+)/;
  const buildProvider = memo((pn: string) => {
    const best = index.findBestProvider(pn, config.data, reporter);
    return best ? (index.byName.get(best) as RecipeInfo).file : undefined;
  });
  const runtimeProviders = memo((name: string) => index.runtimeProviders(name));
  const runtimeProvider = memo((name: string) => {
    const best = index.filterRuntimeProviders(runtimeProviders(name), name, config.data, reporter)
      .eligible[0];
    return best ? (index.byName.get(best) as RecipeInfo).file : undefined;
  });

  const base = new Map(
    tree.infos
      .filter((i) => i.mc === mc && i.variant === "" && i.skipped === undefined)
      .map((i) => [i.file, i]),
  );
  for (const info of tree.infos) {
    if (info.mc !== mc || info.skipped !== undefined) continue;
    const f = info.file;
    const layer = locate.layerName(f);
    const deps = base.get(f)?.deps;
    // The recipe cache keeps each DEPENDS entry once.
    for (const pn of new Set(deps?.depends ?? [])) {
      if (!index.pkgPn.has(pn)) continue;
      const file = buildProvider(pn);
      if (file && crosses(layer, file)) out.push({ from: f, kind: "DEPENDS", to: file });
    }
    for (const [kind, global, perPkg] of [
      ["RDEPENDS", deps?.rdepends, deps?.rdependsPkg],
      ["RRECOMMENDS", deps?.rrecommends, deps?.rrecommendsPkg],
    ] as const) {
      const names = new Set<string>();
      for (const pkg of deps?.packages ?? [])
        for (const n of [...(global ?? []), ...(perPkg?.[pkg] ?? [])]) names.add(n);
      for (const name of names) {
        const all = runtimeProviders(name);
        if (!all.length || all.includes(f)) continue;
        const file = runtimeProvider(name);
        if (file && crosses(layer, file)) out.push({ from: f, kind, to: file });
      }
    }
    for (const cls of deps?.inherits ?? []) {
      if (/^classes.*\//.test(cls)) continue;
      if (globalInherit.has(path.basename(cls).replace(/\.[^.]*$/, ""))) continue;
      if (crosses(layer, cls)) out.push({ from: f, kind: "inherits", to: cls });
    }
    for (const line of readLines(f)) {
      const m = lineRe.exec(line);
      if (!m) continue;
      const wanted = base.has(f) ? m[2].replace(/\$\{PV\}/g, base.get(f)!.pv) : m[2];
      needFile(f, m[1] === "require" ? "requires" : "includes", layer, wanted);
    }
  }

  for (const layerDir of pySplit(String(config.data.getVar("BBLAYERS") ?? ""))) {
    const layer = path.basename(layerDir.replace(/\/+$/, ""));
    for (const f of walk(layerDir)) {
      const isClass = f.endsWith(".bbclass");
      if (!(/\/conf\/machine\/[^/]*\.conf$/.test(f) || f.endsWith(".inc") || isClass)) continue;
      for (const line of readLines(f)) {
        const m = lineRe.exec(line);
        if (m) needFile(f, m[1] === "require" ? "requires" : "includes", layer, m[2]);
        else if (isClass) {
          const inherit = /^inherit\s+(.+)/.exec(line);
          if (inherit) needFile(f, "inherits", layer, `${inherit[1]}.bbclass`);
        }
      }
    }
  }
  return out;
}

/** A one-argument function that remembers its answers. */
function memo<T>(fn: (key: string) => T): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    if (!known.has(key)) known.set(key, fn(key));
    return known.get(key)!;
  };
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, "utf8").split("\n");
  } catch {
    return [];
  }
}

/** Every file under a directory, in name order. */
function walk(dir: string): string[] {
  const out: string[] = [];
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  entries.sort((a, b) => pyCompare(a.name, b.name));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}
