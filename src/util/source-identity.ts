// Which build of kiln this process runs: its compiled modules and its metadata Python library
// (src/python/lib, used in place). Light on purpose: the client side of a server request loads it.

import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { filesUnder } from "./walk.js";

/** Directory holding kiln's Python package (bb) and the bridge module. */
export const PYTHON_LIB_DIR = fileURLToPath(new URL("../../../src/python/lib", import.meta.url));
/** This kiln's compiled modules (dist/src): which kiln a process is (a server's client says it). */
export const KILN_MODULES = fileURLToPath(new URL("..", import.meta.url));

/** kiln's source files: the compiled modules and the Python library, in a fixed order. */
function sourceFiles(): string[] {
  return [...filesUnder(KILN_MODULES, ".js"), ...filesUnder(PYTHON_LIB_DIR, ".py")];
}

/** A hash of the source files' contents (~200 files, ~15 ms): what the parse cache is keyed on. */
export function sourceContentHash(): string {
  const h = createHash("sha256");
  for (const f of sourceFiles()) {
    h.update(`${f}\0`);
    h.update(readFileSync(f));
  }
  return h.digest("hex").slice(0, 32);
}

/** A hash of the source files' names, sizes and modification times (a few ms): any rebuild
 * changes it. A client and a server compare these to tell whether they are the same kiln. */
export function sourceStamp(): string {
  const h = createHash("sha256");
  for (const f of sourceFiles()) {
    const st = statSync(f);
    h.update(`${f}\0${st.size}\0${st.mtimeMs}\0${st.ino}\n`);
  }
  return h.digest("hex").slice(0, 32);
}
