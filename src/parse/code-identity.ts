// The identity of the kiln that parses: a hash of its compiled modules, its metadata Python
// library and the Python it runs (the native addon's build, or Pyodide). The parse cache holds
// answers only this code gave, and a kiln built from other sources may answer otherwise (even
// the word order of a skip reason built from a Python set depends on the Python): with this in
// the cache's key, nothing written by another build is used, whether or not PARSER_VERSION was
// bumped with the change.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { nativeBuild, nativeEnabled } from "../python/engine.js";
import { sourceContentHash } from "../util/source-identity.js";

let identity: string | undefined;

/** This kiln's identity (computed once per process: ~200 files, ~20 ms). */
export function codeIdentity(): string {
  identity ??= createHash("sha256")
    .update(`${sourceContentHash()}\0${pythonIdentity()}`)
    .digest("hex")
    .slice(0, 32);
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
