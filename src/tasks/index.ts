// tasks: the task graph of a build (task flags resolved into dependencies) and its output files.
export { type DepGraphFiles, renderDepGraph } from "./depgraph.js";
export { buildTaskGraph, fnOf, type GraphTarget, type TaskGraph, taskOf } from "./graph.js";
export { initShellParser, shellExecs } from "./shell.js";
export { type RecipeSignatures, recipeSignatures, type VarSignature } from "./signatures.js";
