// parse: evaluating metadata files into datastores: configuration, recipes, appends, variants.

export { FileHasher, PARSER_VERSION, ParseCache } from "./cache.js";
export {
  type Configuration,
  finalizeConfiguration,
  type LayerEntry,
  parseConfiguration,
  parseConfigurations,
} from "./config.js";
export { configurationHash } from "./confighash.js";
export { describeError, FileNotFound, locate, MetadataError } from "./errors.js";
export { type Diagnostics, Evaluator } from "./evaluate.js";
export type { Variants } from "./finalize.js";
export { type LayerLibrary, layerLibrariesKey, layerLibraryFiles } from "./layer-libraries.js";
export { provideParseServices } from "./python-services.js";
export {
  appendsFor,
  collectRecipeFiles,
  parseRecipeFile,
  prioritizeBbfiles,
  type QueriedValue,
  type RecipeDeps,
  type RecipeFiles,
  type RecipeInfo,
  readValues,
  recipeInfos,
  splitVirtualName,
  virtualName,
} from "./recipes.js";
export { ensureTaskPrefix, type TaskDeps } from "./tasks.js";
export {
  configurationHashes,
  sameConfigurationHashes,
  type ThreadInit,
  threadConfigurations,
} from "./thread-config.js";
export {
  ParseFailures,
  parseAllRecipes,
  summaryLine,
  type Tree,
  type TreeOptions,
  type TreeStats,
} from "./tree.js";
