// From a target name to the datastore of the recipe that provides it: parse every recipe (as
// BitBake does before answering, from the parse cache where possible), choose the provider,
// then parse that recipe alone.

import type { DataStore, Reporter } from "../data/index.js";
import {
  appendsFor,
  type Configuration,
  type Evaluator,
  parseAllRecipes,
  parseRecipeFile,
  splitVirtualName,
  type Tree,
  type TreeOptions,
} from "../parse/index.js";
import { ProviderIndex } from "./providers.js";

export interface ParsedTree extends Tree {
  index: ProviderIndex;
}

/** Parse (or load from cache) every recipe file BBFILES names and index the providers. */
export async function parseTree(
  ev: Evaluator,
  config: Configuration,
  reporter: Reporter,
  opts: TreeOptions,
): Promise<ParsedTree> {
  const tree = await parseAllRecipes(ev, config, reporter, opts);
  return { ...tree, index: new ProviderIndex(tree.infos, config.data, reporter) };
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
