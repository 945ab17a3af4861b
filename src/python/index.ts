// python: the embedded CPython (native or Pyodide) and the bridge metadata Python uses to reach kiln.
export { describeEngine } from "./engine.js";
export { loadPython } from "./loader.js";
export {
  type HostCall,
  HostCallError,
  type LogLevel,
  type LogSink,
  PYTHON_LIB_DIR,
  PythonRuntime,
  raisingAs,
} from "./runtime.js";
