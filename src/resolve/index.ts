// resolve: providers and preferred versions; from target names to recipes.
export { type Candidate, NoProvider, ProviderIndex } from "./providers.js";
export { type ParsedTree, parseTree, splitTarget, targetData } from "./targets.js";
