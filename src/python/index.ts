// python: the embedded CPython (Pyodide) and the bridge metadata Python uses to reach kiln.
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
