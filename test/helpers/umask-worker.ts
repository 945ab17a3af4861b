// A worker thread for python-loader.test.ts: Pyodide creates files under its own umask there.
import { parentPort, workerData } from "node:worker_threads";
import { loadPython } from "../../src/python/loader.js";

const { cacheDir, out } = workerData as { cacheDir: string; out: string };
const py = await loadPython({ cacheDir });
parentPort?.postMessage(
  py.runPython(
    [
      "import os, json",
      `out = ${JSON.stringify(out)}`,
      "first = os.umask(0o027)",
      'open(out + "/file", "w").write("x")',
      'os.mkdir(out + "/dir")',
      'os.close(os.open(out + "/opened", os.O_CREAT | os.O_WRONLY, 0o755))',
      "second = os.umask(0o077)",
      'open(out + "/private", "w").write("x")',
      "json.dumps([first, second, os.umask(first)])",
    ].join("\n"),
  ),
);
