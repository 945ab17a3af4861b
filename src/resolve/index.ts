// resolve: providers and preferred versions; from target names to recipes.

export {
  type AppendedRecipe,
  appendedRecipes,
  type CrossDependency,
  crossDependencies,
  LayerLocator,
  type LayerRow,
  type ListedRecipe,
  layerRows,
  listRecipes,
  missingClasses,
  type OverlayedClass,
  overlayedClasses,
  type RecipeListing,
} from "./layer-report.js";
export { type Candidate, NoProvider, ProviderIndex } from "./providers.js";
export { type ParsedTree, parseTree, recipeData, recipeInfo, splitTarget, targetData } from "./targets.js";
export { fnOf, TaskData, type TaskEntry, taskId, taskOf } from "./taskdata.js";
