// tasks: the task graph of a build (task flags resolved into dependencies) and its output files.
export { type DepGraphFiles, renderDepGraph } from "./depgraph.js";
export { compareSigData, type DepExplainer, followDeps, type SigLookup } from "./diffsigs.js";
export { computeBasehash, computeTaskhash, dumpSigData } from "./dumpsig.js";
export { buildTaskGraph, type GraphPart, type GraphTarget, type TaskGraph } from "./graph.js";
export { type PreparedGraph, prepareTaskGraph } from "./prepare.js";
export { provideSignatureServices } from "./python-services.js";
export { initShellParser, shellExecs } from "./shell.js";
export {
  decodeSigData,
  encodeSigData,
  findSigdataFiles,
  readSigData,
  type SigData,
  type SigFileData,
  sigdataFile,
  writeSigData,
} from "./sigdata.js";
export { type RecipeSignatures, recipeSignatures, type VarSignature } from "./signatures.js";
export { computeTaskHashes, fileChecksums, type TaskFacts } from "./taskhash.js";
