// Which build of kiln this process runs: its compiled modules and its metadata Python library
// (src/python/lib, used in place). Light on purpose: the client side of a server request loads it.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Directory holding kiln's Python package (bb) and the bridge module. */
export const PYTHON_LIB_DIR = fileURLToPath(new URL("../../../src/python/lib", import.meta.url));
/** The compiled modules (dist/src). */
const MODULES_DIR = fileURLToPath(new URL("..", import.meta.url));

/** kiln's source files: the compiled modules and the Python library, in a fixed order. */
function sourceFiles(): string[] {
  const files: string[] = [];
  for (const [dir, suffix] of [
    [MODULES_DIR, ".js"],
    [PYTHON_LIB_DIR, ".py"],
  ] as const) {
    const found = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(suffix));
    files.push(...found.sort().map((f) => path.join(dir, f)));
  }
  return files;
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
    const st = statSync(f, { bigint: true });
    h.update(`${f}\0${st.size}\0${st.mtimeNs}\0${st.ino}\n`);
  }
  return h.digest("hex").slice(0, 32);
}
