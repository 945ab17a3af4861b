#!/usr/bin/env node
// Build kiln's native Python (native/kiln_python.c) against the host's CPython, with gcc.
// Writes dist/native/kiln_python.node and dist/native/python.json (which libpython and
// interpreter it was built for). Without a C compiler or Python's headers it says why and leaves
// nothing behind: kiln then runs metadata Python in Pyodide (WebAssembly) only.
// Rebuilds only when the source, the compiler flags or the Python found changed.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "native", "kiln_python.c");
const outDir = path.join(root, "dist", "native");
const addon = path.join(outDir, "kiln_python.node");
const infoFile = path.join(outDir, "python.json");
// The interpreter: KILN_PYTHON3 when set; otherwise the system's /usr/bin/python3 before whatever
// python3 comes first on PATH (e.g. a pyenv build under a home directory, whose libpython other
// users cannot load: kiln would then fall back to Pyodide for them). Debian's is also the fastest
// measured here.
const candidates = process.env.KILN_PYTHON3 ? [process.env.KILN_PYTHON3] : ["/usr/bin/python3", "python3"];

// Why the addon is not there, for kiln to say when it falls back to Pyodide.
const notBuilt = path.join(outDir, "not-built.txt");

function fail(why) {
  rmSync(addon, { force: true });
  rmSync(infoFile, { force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(notBuilt, `${why}\n`);
  process.stderr.write(`kiln: native Python not built (${why}); metadata Python will run in Pyodide\n`);
  process.exit(0);
}

const probe = [
  "import json, sys, sysconfig",
  "v = sysconfig.get_config_var",
  "lib = v('LDLIBRARY') or ''",
  "print(json.dumps({'version': '%d.%d' % sys.version_info[:2], 'executable': sys.executable,",
  "  'include': sysconfig.get_paths()['include'], 'libdir': v('LIBDIR'), 'ldlibrary': lib,",
  "  'soname': v('INSTSONAME') or lib, 'shared': bool(v('Py_ENABLE_SHARED')), 'multiarch': v('MULTIARCH') or ''}))",
].join("\n");

/** What building against `python` needs ({facts, libpython}), or why it cannot be used. */
function examine(python) {
  let facts;
  try {
    facts = JSON.parse(execFileSync(python, ["-c", probe], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  } catch (e) {
    return { why: `cannot ask ${python} about itself: ${e.message.split("\n")[0]}` };
  }
  if (!existsSync(path.join(facts.include, "Python.h")))
    return { why: `${python}: no Python.h in ${facts.include} (install python3-dev)` };
  const libCandidates = [facts.libdir, facts.multiarch && path.join("/usr/lib", facts.multiarch)]
    .filter(Boolean)
    .flatMap((dir) => [path.join(dir, facts.soname), path.join(dir, `libpython${facts.version}.so`)]);
  const libpython = libCandidates.find((p) => existsSync(p));
  if (!libpython) return { why: `${python}: no shared libpython${facts.version} (looked for ${libCandidates.join(", ")})` };
  return { facts, libpython };
}

const reasons = [];
let facts;
let libpython;
for (const python of candidates) {
  const found = examine(python);
  if (found.why) {
    reasons.push(found.why);
    continue;
  }
  ({ facts, libpython } = found);
  break;
}
if (!facts) fail(reasons.join("; "));

const napiInclude = path.join(root, "node_modules", "node-api-headers", "include");
const args = [
  "-O2",
  "-shared",
  "-fPIC",
  "-Wall",
  "-Wno-unused-parameter",
  "-Wno-missing-field-initializers",
  `-I${napiInclude}`,
  `-I${facts.include}`,
  "-DNAPI_VERSION=8",
  source,
  libpython,
  `-Wl,-rpath,${path.dirname(libpython)}`,
  "-ldl",
  "-lm",
  "-o",
];
const key = createHash("sha256")
  .update(readFileSync(source))
  .update(JSON.stringify(args))
  .update(JSON.stringify(facts))
  .digest("hex");
const info = { ...facts, libpython, key };
if (existsSync(addon) && existsSync(infoFile)) {
  try {
    if (JSON.parse(readFileSync(infoFile, "utf8")).key === key) process.exit(0);
  } catch {}
}
mkdirSync(outDir, { recursive: true });
const tmp = `${addon}.${process.pid}.tmp`;
try {
  execFileSync(process.env.CC || "gcc", [...args, tmp], { stdio: ["ignore", "inherit", "inherit"] });
} catch (e) {
  rmSync(tmp, { force: true });
  fail(`the C compiler failed: ${e.message.split("\n")[0]}`);
}
renameSync(tmp, addon);
writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`);
rmSync(notBuilt, { force: true });
