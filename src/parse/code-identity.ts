// The identity of the kiln that parses: a hash of its compiled modules, its metadata Python
// library and the Python it runs (the native addon's build, or Pyodide). The parse cache holds
// answers only this code gave, and a kiln built from other sources may answer otherwise (even
// the word order of a skip reason built from a Python set depends on the Python): with this in
// the cache's key, nothing written by another build is used, whether or not PARSER_VERSION was
// bumped with the change.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { nativeBuild, nativeEnabled } from "../python/engine.js";
import { PYTHON_LIB_DIR } from "../python/runtime.js";

/** A hash of the files under `dirs` whose names end with one of `suffixes`, by relative path and
 * content, plus `extra` text. */
function treeIdentity(dirs: string[], suffixes: string[], extra = ""): string {
  const h = createHash("sha256");
  for (const dir of dirs) {
    const files = (readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => suffixes.some((s) => f.endsWith(s)))
      .sort();
    h.update(`${files.length}\0`);
    for (const f of files) {
      h.update(`${f}\0`);
      h.update(readFileSync(path.join(dir, f)));
    }
  }
  h.update(extra);
  return h.digest("hex").slice(0, 32);
}

let identity: string | undefined;

/** This kiln's identity (computed once per process: ~200 files, ~20 ms). */
export function codeIdentity(): string {
  if (identity === undefined) {
    const modules = fileURLToPath(new URL("..", import.meta.url));
    identity = treeIdentity([modules, PYTHON_LIB_DIR], [".js", ".py"], pythonIdentity());
  }
  return identity;
}

/** The Python metadata runs in: the native addon's build (its libpython and the addon itself),
 * or Pyodide's version. */
function pythonIdentity(): string {
  const build = nativeEnabled() ? nativeBuild() : undefined;
  if (!build) {
    const pyodide = createRequire(import.meta.url)("pyodide/package.json") as { version: string };
    return `pyodide ${pyodide.version}`;
  }
  const addon = createHash("sha256").update(readFileSync(build.addon)).digest("hex");
  return `native ${build.version} ${build.libpython} ${addon}`;
}
