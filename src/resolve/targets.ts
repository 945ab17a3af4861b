// From a target name to the datastore of the recipe that provides it: parse every recipe (as
// BitBake does before answering, from the parse cache where possible), choose the provider in
// the target's multiconfig ("mc:NAME:target"), then parse that recipe alone.

import type { DataStore, Reporter } from "../data/index.js";
import {
  appendsFor,
  type Configuration,
  type Evaluator,
  parseAllRecipes,
  parseRecipeFile,
  type RecipeInfo,
  splitVirtualName,
  type Tree,
  type TreeOptions,
} from "../parse/index.js";
import { NoProvider, ProviderIndex } from "./providers.js";

export interface ParsedTree extends Tree {
  /** Provider indexes per multiconfig ("" for the default configuration). */
  indexes: Map<string, ProviderIndex>;
}

/** Parse (or load from cache) every recipe file BBFILES names and index the providers. */
export async function parseTree(
  ev: Evaluator,
  configs: Map<string, Configuration>,
  reporter: Reporter,
  opts: TreeOptions,
): Promise<ParsedTree> {
  const tree = await parseAllRecipes(ev, configs, reporter, opts);
  // A long-running process (the server) asking again with nothing changed gets the same indexes,
  // and with them what they remember about runtime providers.
  if (previous && previous.configs === configs && sameTargets(previous.tree, tree)) {
    return { ...previous.tree, stats: tree.stats };
  }
  const indexes = new Map<string, ProviderIndex>();
  for (const [mc, config] of configs) {
    indexes.set(
      mc,
      new ProviderIndex(
        tree.infos.filter((i) => i.mc === mc),
        config.data,
        reporter,
      ),
    );
  }
  const parsed = { ...tree, indexes };
  previous = { configs, tree: parsed };
  return parsed;
}

let previous: { configs: Map<string, Configuration>; tree: ParsedTree } | undefined;

/** The same recipe results (the very objects, as the held parse cache hands them out) and appends. */
function sameTargets(a: Tree, b: Tree): boolean {
  if (a.infos.length !== b.infos.length || a.infos.some((info, i) => info !== b.infos[i])) return false;
  return JSON.stringify([...a.appends]) === JSON.stringify([...b.appends]);
}

/** "mc:NAME:target" → ["NAME", "target"]; a plain target is in the default configuration. */
export function splitTarget(target: string): [string, string] {
  const parts = target.split(":");
  if (target.startsWith("mc:") && parts.length >= 3) return [parts[1], parts.slice(2).join(":")];
  return ["", target];
}

/** The finalised datastore of the recipe providing `target` (a PN or a PROVIDES name). */
export function targetData(
  ev: Evaluator,
  configs: Map<string, Configuration>,
  tree: ParsedTree,
  target: string,
  reporter: Reporter,
): { data: DataStore; recipe: string } {
  const [mc, name] = splitTarget(target);
  const config = configs.get(mc);
  const index = tree.indexes.get(mc);
  if (!config || !index) throw new NoProvider(`Multiconfig '${mc}' is not enabled (BBMULTICONFIG)`);
  const best = index.bestProvider(name, config.data, reporter);
  const { file, variant } = splitVirtualName(best);
  const appends = appendsFor(file, tree.appends.get(mc) ?? []);
  const variants = parseRecipeFile(ev, config, file, appends, variant || "default", true);
  const data = variants.get(variant);
  if (!data) throw new Error(`kiln internal error: variant '${variant}' of ${file} was not produced`);
  return { data, recipe: best };
}

/** The parse result of one target by its recipe name, from its multiconfig's index. */
export function recipeInfo(indexes: Map<string, ProviderIndex>, name: string): RecipeInfo {
  const info = indexes.get(splitVirtualName(name).mc)?.byName.get(name);
  if (!info) throw new Error(`kiln internal error: no recipe ${name}`);
  return info as RecipeInfo;
}

/** The finalised datastore of one target by its recipe name ("virtual:native:/path/x.bb", "mc:..."). */
export function recipeData(
  ev: Evaluator,
  configs: Map<string, Configuration>,
  tree: ParsedTree,
  name: string,
): DataStore {
  const { file, variant, mc } = splitVirtualName(name);
  const config = configs.get(mc);
  if (!config) throw new NoProvider(`Multiconfig '${mc}' is not enabled (BBMULTICONFIG)`);
  const appends = appendsFor(file, tree.appends.get(mc) ?? []);
  const data = parseRecipeFile(ev, config, file, appends, variant || "default", true).get(variant);
  if (!data) throw new Error(`kiln internal error: variant '${variant}' of ${file} was not produced`);
  return data;
}
