// tasks: the task graph of a build (task flags resolved into dependencies) and its output files.
export { type DepGraphFiles, renderDepGraph } from "./depgraph.js";
export { buildTaskGraph, fnOf, type GraphTarget, type TaskGraph, taskOf } from "./graph.js";
