// data: the datastore (variables, flags, overrides, expansion, history). Knows nothing of files.
export { ExpansionError, FatalError, PythonError, SkipRecipe } from "./errors.js";
export { type HistoryEvent, type LogInfo, VariableHistory } from "./history.js";
export {
  type BitBakeVersion,
  DataStore,
  expandKeys,
  type GetOptions,
  type InlinePython,
  isPythonFailure,
  NEWEST_BITBAKE,
  type PythonFailure,
  pyCompare,
  pythonStyleError,
  type Reporter,
  type SetInfo,
  VariableParse,
} from "./store.js";
export { overrideSuffixes } from "./tables.js";
export { isTrueWord, pyRepr, pyStr, pyTruthy, renderValue, shallowCopy, splitFlag } from "./values.js";
