// From a target name to the datastore of the recipe that provides it: parse every recipe (as
// BitBake does before answering), choose the provider, then parse that recipe alone.

import { type DataStore, FatalError, type Reporter } from "../data/index.js";
import {
  appendsFor,
  type Configuration,
  collectRecipeFiles,
  type Evaluator,
  parseRecipeFile,
  type RecipeInfo,
  recipeInfos,
  splitVirtualName,
} from "../parse/index.js";
import { ProviderIndex } from "./providers.js";

export interface ParsedTree {
  infos: RecipeInfo[];
  index: ProviderIndex;
  appends: Array<[string, string]>;
  masked: number;
  recipeCount: number;
}

/** Parse every recipe file BBFILES names (minus BBMASK) and index the providers. */
export function parseTree(ev: Evaluator, config: Configuration, reporter: Reporter): ParsedTree {
  if (!config.data.getVar("CACHE")) {
    throw new FatalError("Please ensure CACHE is set to the cache directory for BitBake to use");
  }
  const files = collectRecipeFiles(config, reporter);
  const infos: RecipeInfo[] = [];
  const applied = new Set<string>();
  for (const file of files.recipes) {
    const appends = appendsFor(file, files.appends);
    for (const a of appends) applied.add(a);
    const variants = parseRecipeFile(ev, config, file, appends);
    infos.push(...recipeInfos(file, variants, config.collections));
  }
  const dangling = files.appends.map(([, f]) => f).filter((f) => !applied.has(f));
  if (dangling.length)
    throw new FatalError(`No recipes in default available for:\n  ${dangling.join("\n  ")}`);
  return {
    infos,
    index: new ProviderIndex(infos, config.data, reporter),
    appends: files.appends,
    masked: files.masked,
    recipeCount: files.recipes.length,
  };
}

/** The finalised datastore of the recipe providing `target` (a PN or a PROVIDES name). */
export function targetData(
  ev: Evaluator,
  config: Configuration,
  tree: ParsedTree,
  target: string,
  reporter: Reporter,
): { data: DataStore; recipe: string } {
  const best = tree.index.bestProvider(target, config.data, reporter);
  const { file, variant } = splitVirtualName(best);
  const variants = parseRecipeFile(
    ev,
    config,
    file,
    appendsFor(file, tree.appends),
    variant || "default",
    true,
  );
  const data = variants.get(variant);
  if (!data) throw new Error(`kiln internal error: variant '${variant}' of ${file} was not produced`);
  return { data, recipe: best };
}
