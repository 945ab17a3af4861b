// exec: running one task: shell and Python functions, environment, logs, fakeroot, network isolation.
export { baseEnvironment, fakerootStateFile, runTask, type TaskOutcome, type TaskRun } from "./run.js";
export { networkIsolation, sandboxPrefix } from "./sandbox.js";
export { exportedVariables, exportLines, shellClosure, shellQuote, shellScript } from "./script.js";
