// parse: evaluating metadata files into datastores: configuration, recipes, appends, variants.
export { type Configuration, finalizeConfiguration, parseConfiguration } from "./config.js";
export { FileNotFound, locate, MetadataError } from "./errors.js";
export { type Diagnostics, Evaluator } from "./evaluate.js";
export type { Variants } from "./finalize.js";
export {
  appendsFor,
  collectRecipeFiles,
  parseRecipeFile,
  type RecipeFiles,
  type RecipeInfo,
  recipeInfos,
  splitVirtualName,
  virtualName,
} from "./recipes.js";
