// A umask for Pyodide. Emscripten's filesystem has none: open() creates a file and then sets
// exactly the mode asked for (0666 for Python's open(), so every file a Python task wrote was
// world-writable), and Python's os.umask() cannot change a worker thread's umask (Node refuses;
// Emscripten then reports 0). Metadata relies on the umask as on any Unix: BitBake runs each task
// under its [umask] (or BB_DEFAULT_UMASK), and bb.utils.umask() changes it around some work.
// So each interpreter keeps its own umask, applies it where files and directories are created,
// and its os.umask reads and sets that one.

import type { PyodideInterface } from "pyodide";

type EmscriptenFS = {
  open(path: unknown, flags: unknown, mode?: number): unknown;
  mkdir(path: string, mode?: number, dev?: number): unknown;
  chmod(path: string, mode: number): void;
};

/** Give the interpreter `py` a umask of its own, starting as this process's. */
export function emulateUmask(py: PyodideInterface): void {
  const FS = py.FS as unknown as EmscriptenFS;
  // Reading the process umask is allowed in worker threads (setting it is not).
  let mask = process.umask();
  const open = FS.open.bind(FS);
  // The mode only matters when the call creates the file.
  FS.open = (path, flags, mode = 0o666) => open(path, flags, mode & ~mask);
  const mkdir = FS.mkdir.bind(FS);
  FS.mkdir = (path, mode = 0o777, dev) => {
    const node = mkdir(path, mode, dev);
    // The host's mkdir applied the process umask; the interpreter's is the one that counts.
    FS.chmod(path, mode & 0o1777 & ~mask);
    return node;
  };
  py.registerJsModule("_kiln_umask", {
    swap: (next: number) => {
      const before = mask;
      mask = next & 0o777;
      return before;
    },
  });
  py.runPython(
    [
      "import os, _kiln_umask",
      "def umask(mask, /):",
      '    """Set the current numeric umask and return the previous umask."""',
      "    if not isinstance(mask, int):",
      "        raise TypeError(f\"'{type(mask).__name__}' object cannot be interpreted as an integer\")",
      "    return _kiln_umask.swap(mask)",
      "os.umask = umask",
      "del umask",
    ].join("\n"),
  );
}
