// Starting the embedded CPython (Pyodide) quickly and with the host filesystem visible.
//
// A cold start costs 1.5–3 s; a memory snapshot of an interpreter that already imported the
// standard modules metadata uses restores in ~0.2 s. The snapshot is made on first use and
// cached on disk, named after what it covers, checksummed, and rebuilt if anything is wrong.

import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadPyodide, type PyodideInterface, version as pyodideVersion } from "pyodide";
import { writeFileAtomic } from "../util/atomic.js";
import { emulateUmask } from "./umask.js";

/** Standard modules imported before the snapshot is taken, so metadata finds them loaded. */
const PRELOAD = [
  "re",
  "os",
  "sys",
  "time",
  "json",
  "copy",
  "traceback",
  "weakref",
  "collections",
  "itertools",
  "functools",
  "hashlib",
  "string",
  "shlex",
  "glob",
  "fnmatch",
  "errno",
  "tempfile",
  "shutil",
  "textwrap",
  "datetime",
  "types",
  "ast",
  "logging",
  "difflib",
  "operator",
  "pathlib",
  "contextlib",
  "importlib",
  "bisect",
  "struct",
  "codecs",
  "stat",
  "subprocess",
  "signal",
  "base64",
  "binascii",
  "uuid",
  // Imported by kiln's bb package and OpenEmbedded's libraries: from Pyodide's zipped standard
  // library they would be compiled from source at every start (no bytecode is kept in the zip).
  "urllib.parse",
  "ipaddress",
  "netrc",
  "pkgutil",
];

/** Host directories left out: device and kernel pseudo-filesystems. */
const NOT_MOUNTED = new Set(["dev", "proc", "sys"]);

export interface LoadOptions {
  cacheDir?: string;
}

export interface LoadInfo {
  /** How the interpreter started: from a cached snapshot, by making one, or cold. */
  start: "snapshot" | "made-snapshot" | "cold";
  snapshotFile?: string;
}

function debug(msg: string): void {
  if (process.env.KILN_DEBUG) process.stderr.write(`kiln: python: ${msg}\n`);
}

export function defaultCacheDir(): string {
  if (process.env.KILN_CACHE_DIR) return process.env.KILN_CACHE_DIR;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(xdg, "kiln");
}

function snapshotFile(cacheDir: string): string {
  const key = createHash("sha256")
    .update(`${pyodideVersion}\n${PRELOAD.join(",")}\n${process.version}`)
    .digest("hex");
  return path.join(cacheDir, `pyodide-${pyodideVersion}-${key.slice(0, 16)}.snapshot`);
}

const HASH_BYTES = 32;

/** Read a snapshot whose first 32 bytes are the SHA-256 of the rest; undefined if absent or bad. */
function readSnapshot(file: string): Uint8Array | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return undefined;
  }
  const body = buf.subarray(HASH_BYTES);
  const digest = createHash("sha256").update(body).digest();
  if (buf.length <= HASH_BYTES || !digest.equals(buf.subarray(0, HASH_BYTES))) {
    debug(`snapshot ${file} is corrupt; discarding it`);
    rmSync(file, { force: true });
    return undefined;
  }
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

function writeSnapshot(file: string, data: Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const digest = createHash("sha256").update(data).digest();
  writeFileAtomic(file, Buffer.concat([digest, data]));
}

/** Where Pyodide's own /lib (the standard library) moves, so the host's /lib can be seen. */
const PYODIDE_LIB = "/.kiln-pyodide-lib";

/**
 * Make the host filesystem visible inside Pyodide at the same paths, then enter the host cwd.
 * Host directories are mounted, host symbolic links (/bin -> usr/bin, /lib -> usr/lib on
 * merged-/usr systems) recreated. Pyodide's standard library, which lives in /lib, moves aside
 * first so that /lib means what it means on the host (metadata resolves it).
 */
function mountHost(py: PyodideInterface): void {
  const { FS } = py;
  const nodefs = FS.filesystems.NODEFS;
  FS.rename("/lib", PYODIDE_LIB);
  py.runPython(
    `import sys\nsys.path[:] = [p.replace("/lib/", "${PYODIDE_LIB}/", 1) if p.startswith("/lib/") else p for p in sys.path]\nsys.path_importer_cache.clear()`,
  );
  for (const name of readdirSync("/")) {
    if (NOT_MOUNTED.has(name)) continue;
    const hostPath = `/${name}`;
    try {
      const st = lstatSync(hostPath);
      if (st.isSymbolicLink()) {
        if (!pathExists(FS, hostPath)) FS.symlink(readlinkSync(hostPath), hostPath);
      } else if (st.isDirectory()) {
        FS.mkdirTree(hostPath);
        FS.mount(nodefs, { root: hostPath }, hostPath);
      }
    } catch (e) {
      debug(`cannot make ${hostPath} visible: ${(e as Error).message}`);
    }
  }
  try {
    FS.chdir(process.cwd());
  } catch (e) {
    debug(`cannot enter ${process.cwd()}: ${(e as Error).message}`);
  }
}

function pathExists(FS: PyodideInterface["FS"], p: string): boolean {
  try {
    FS.lstat(p);
    return true;
  } catch {
    return false;
  }
}

const preloadCode = `import ${PRELOAD.join(", ")}`;

/**
 * A ready interpreter with the host filesystem mounted. `info` (when given) says how it started.
 */
export async function loadPython(opts: LoadOptions = {}, info?: LoadInfo): Promise<PyodideInterface> {
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const file = snapshotFile(cacheDir);
  const stdout = (s: string) => process.stderr.write(`${s}\n`);
  const common = { stdout, stderr: stdout, env: { HOME: os.homedir() } };

  let py: PyodideInterface | undefined;
  const cached = readSnapshot(file);
  if (cached) {
    try {
      py = await loadPyodide({ ...common, _loadSnapshot: cached });
      if (info) Object.assign(info, { start: "snapshot", snapshotFile: file });
    } catch (e) {
      debug(`snapshot ${file} failed to load (${(e as Error).message}); making a new one`);
      rmSync(file, { force: true });
    }
  }
  if (!py) {
    try {
      py = await loadPyodide({ ...common, _makeSnapshot: true });
      py.runPython(preloadCode);
      writeSnapshot(file, py.makeMemorySnapshot());
      if (info) Object.assign(info, { start: "made-snapshot", snapshotFile: file });
    } catch (e) {
      debug(`snapshots unavailable (${(e as Error).message}); starting cold`);
      py = await loadPyodide(common);
      py.runPython(preloadCode);
      if (info) Object.assign(info, { start: "cold" });
    }
  }
  mountHost(py);
  emulateUmask(py);
  // Pyodide does not write bytecode; without it every start compiles kiln's bb package and the
  // layers' libraries (oe) again. Python's own cache, kept under kiln's cache directory (layers
  // may be read-only), checked against each source's mtime and size as usual.
  py.runPython(
    `import sys\nsys.pycache_prefix = ${JSON.stringify(path.join(cacheDir, "pycache"))}\nsys.dont_write_bytecode = False`,
  );
  // The environment of this process, not the one baked into the snapshot.
  py.globals.set("_kiln_env", JSON.stringify(process.env));
  py.runPython(
    "import os, json\nos.environ.clear()\nos.environ.update(json.loads(_kiln_env))\ndel _kiln_env",
  );
  return py;
}
