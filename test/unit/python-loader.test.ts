// The embedded Python keeps compiled modules in kiln's cache directory and never uses a stale one.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { Worker } from "node:worker_threads";
import { loadPython } from "../../src/python/loader.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-loader-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function findFiles(root: string, suffix: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.join(root, f));
}

async function importAnswer(cacheDir: string, libDir: string): Promise<number> {
  const py = await loadPython({ cacheDir });
  py.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(libDir)})`);
  return py.runPython("import kiln_loader_probe\nkiln_loader_probe.ANSWER") as number;
}

test("imported modules are compiled once into the cache directory, and recompiled when changed", async () => {
  const cacheDir = path.join(dir, "cache");
  const libDir = path.join(dir, "lib");
  const source = path.join(libDir, "kiln_loader_probe.py");
  mkdirSync(libDir, { recursive: true });
  writeFileSync(source, "ANSWER = 1\n");

  assert.equal(await importAnswer(cacheDir, libDir), 1);
  const compiled = findFiles(path.join(cacheDir, "pycache"), ".pyc").filter((f) =>
    f.includes("kiln_loader_probe"),
  );
  assert.equal(compiled.length, 1, "the module's bytecode is written under the cache directory");
  assert.deepEqual(findFiles(libDir, ".pyc"), [], "nothing is written next to the source");

  // A changed source (different size and mtime) must not be answered from the old bytecode.
  writeFileSync(source, "ANSWER = 12345\n");
  assert.equal(await importAnswer(cacheDir, libDir), 12345);
});

test("Pyodide in a worker thread creates files and directories under its own umask", async () => {
  // Emscripten's filesystem has none (open() made every file 0666) and a worker thread cannot set
  // the process's; the interpreter keeps one (see src/python/umask.ts).
  const out = path.join(dir, "umask");
  mkdirSync(out);
  const worker = new Worker(new URL("../helpers/umask-worker.js", import.meta.url), {
    workerData: { cacheDir: path.join(dir, "cache"), out },
  });
  const reply = await new Promise<string>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  const [first, second, third] = JSON.parse(reply) as number[];
  assert.equal(first, process.umask(), "it starts as the process's umask");
  assert.equal(second, 0o027, "os.umask returns the one set before");
  assert.equal(third, 0o077);
  const mode = (name: string) => (statSync(path.join(out, name)).mode & 0o7777).toString(8);
  assert.equal(mode("file"), "640");
  assert.equal(mode("dir"), "750");
  assert.equal(mode("opened"), "750");
  assert.equal(mode("private"), "600");
  assert.equal(process.umask(), first, "the process's own umask is untouched");
});
