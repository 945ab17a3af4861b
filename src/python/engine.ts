// The two ways kiln embeds CPython, behind one small interface the runtime uses:
// - native: the host's CPython in this process through kiln's Node-API addon (fast; one
//   interpreter per process, so only one thread of a process may use it);
// - pyodide: CPython compiled to WebAssembly (any thread may have its own; slower).
// Both convert values alike (see native/kiln_python.c and kiln_ffi.py).

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";
import type { PyodideInterface } from "pyodide";
import type { PyCallable, PyProxy } from "pyodide/ffi";
import { defaultCacheDir, loadPython } from "./loader.js";

export interface PythonEngine {
  /** Run Python statements in __main__. */
  exec(code: string): void;
  /** Import a module; the module object. */
  import(name: string): object;
  /** An attribute of a Python object, converted. */
  get(obj: object, name: string): unknown;
  /** Call a Python object with converted arguments; the result converted. */
  call(fn: object, ...args: unknown[]): unknown;
  /** Whether a value is a Python object held by JavaScript. */
  isPyObject(v: unknown): v is object;
  /** A Python object as it may be handed to Python again (Pyodide consumes a passed proxy). */
  share(v: object): object;
  /** Whether an exception thrown by call() is a Python exception. */
  isPythonError(e: unknown): boolean;
  /** Where Python's stdout and stderr go, line by line. */
  setOutput(write: (line: string) => void): void;
  /** Make `cwd` the engine's working directory (Python's os.chdir is made by the caller). */
  chdir(cwd: string): void;
}

/** The native addon's functions (native/kiln_python.c). */
interface NativeAddon {
  start(opts: {
    libpython: string;
    executable: string;
    PyRef: new () => object;
    PythonError: new (message: string) => Error;
    entries: (v: Set<unknown> | Map<unknown, unknown>) => unknown[];
    makeSet: (items: unknown[]) => Set<unknown>;
  }): void;
  exec(code: string): void;
  import(name: string): object;
  get(obj: object, name: string): unknown;
  call(fn: object, ...args: unknown[]): unknown;
  str(obj: object): string;
  isPyRef(v: unknown): boolean;
  claim(counterFile: string): number;
}

export interface NativeBuild {
  addon: string;
  libpython: string;
  executable: string;
  version: string;
}

/** Where scripts/build-native.mjs puts the addon (KILN_NATIVE_DIR elsewhere, for tests). */
function nativeDir(): URL {
  const dir = process.env.KILN_NATIVE_DIR;
  return dir ? pathToFileURL(path.join(dir, "/")) : new URL("../../native/", import.meta.url);
}

const builds = new Map<string, NativeBuild | undefined>();

/** The native addon as built by scripts/build-native.mjs, or undefined when it was not built. */
export function nativeBuild(): NativeBuild | undefined {
  const dir = nativeDir();
  if (!builds.has(dir.href)) builds.set(dir.href, readBuild(dir));
  return builds.get(dir.href);
}

function readBuild(dir: URL): NativeBuild | undefined {
  const info = new URL("python.json", dir);
  const addon = new URL("kiln_python.node", dir);
  if (!existsSync(info) || !existsSync(addon)) return undefined;
  try {
    const facts = JSON.parse(readFileSync(info, "utf8")) as Omit<NativeBuild, "addon">;
    return { ...facts, addon: addon.pathname };
  } catch {
    return undefined;
  }
}

let addon: NativeAddon | undefined;
/** Why the native addon cannot be used in this process (it failed to load or to start). */
let nativeBroken: string | undefined;

function loadAddon(build: NativeBuild): NativeAddon {
  if (!addon) addon = createRequire(import.meta.url)(build.addon) as NativeAddon;
  return addon;
}

/** The addon, if it is built and loads here. */
function usableAddon(): NativeAddon | undefined {
  const build = nativeBuild();
  if (!build || nativeBroken) return undefined;
  try {
    return loadAddon(build);
  } catch (e) {
    nativeBroken = (e as Error).message;
    return undefined;
  }
}

/** The process-wide job counter of parser processes (see pool.ts); needs the addon. */
export function claimFromFile(counterFile: string): number {
  // The addon loads even where its Python could not start.
  const build = nativeBuild();
  if (!build) throw new Error("kiln internal error: the shared job counter needs the native addon");
  return loadAddon(build).claim(counterFile);
}

/** A Python exception that reached JavaScript (message: its traceback). */
class NativePythonError extends Error {
  type?: string;
}
Object.defineProperty(NativePythonError, "name", { value: "PythonError" });

let nativeStarted = false;

/**
 * Which engine this thread gets: the native one for the first caller on the main thread when
 * it is built (KILN_PYTHON=pyodide asks for Pyodide everywhere), Pyodide otherwise.
 */
export function nativeAvailable(): boolean {
  return nativeEnabled() && isMainThread && !nativeStarted;
}

/** Whether kiln uses its native Python where it can (built, and not KILN_PYTHON=pyodide). */
export function nativeEnabled(): boolean {
  return process.env.KILN_PYTHON !== "pyodide" && usableAddon() !== undefined;
}

/**
 * Start native Python, or note why it cannot start (a broken build, a libpython that moved or
 * that this user may not read): kiln then goes on with Pyodide, which is slower but gives the
 * same answers (see noteFallback).
 */
export function tryStartNative(opts: { cacheDir?: string }): PythonEngine | undefined {
  try {
    return startNative(opts);
  } catch (e) {
    if (nativeStarted) throw e;
    nativeBroken = (e as Error).message;
    return undefined;
  }
}

/** Why this process cannot use native Python, when it was not asked for Pyodide. */
function fallbackReason(): { why: string; fix: string } | undefined {
  if (process.env.KILN_PYTHON === "pyodide") return undefined;
  if (nativeBroken) {
    return {
      why: `kiln's native Python cannot be used here (${nativeBroken})`,
      fix: "run 'npm run build' against a Python this user can read (it prefers /usr/bin/python3; KILN_PYTHON3 names another)",
    };
  }
  if (nativeBuild()) return undefined;
  let why = "kiln's native Python is not built";
  try {
    why += ` (${readFileSync(new URL("not-built.txt", nativeDir()), "utf8").trim()})`;
  } catch {}
  return { why, fix: "install python3-dev (README's set-up command does) and run 'npm run build'" };
}

/**
 * Say once, for this process and the ones it starts, that metadata Python runs in Pyodide
 * instead of native Python, why, and how to fix it (kiln never slows down silently).
 */
export function noteFallback(): void {
  const reason = fallbackReason();
  if (!reason || process.env.KILN_PYODIDE_NOTED) return;
  process.env.KILN_PYODIDE_NOTED = "1";
  process.stderr.write(
    `WARNING: ${reason.why}; metadata Python runs in Pyodide instead, 2-4x slower. To fix: ${reason.fix}.\n`,
  );
}

/** Which Python engine kiln uses here, in words (`kiln --version`). */
export function describeEngine(): string {
  if (process.env.KILN_PYTHON === "pyodide")
    return "Pyodide (CPython in WebAssembly), as KILN_PYTHON=pyodide asks";
  const build = nativeBuild();
  if (build && nativeEnabled() && tryStartNative({})) {
    return `native CPython ${build.version} (${build.libpython}, built for ${build.executable})`;
  }
  const reason = fallbackReason();
  return `Pyodide (CPython in WebAssembly)${reason ? `: ${reason.why}; to fix: ${reason.fix}` : ""}`;
}

export function startNative(opts: { cacheDir?: string }): PythonEngine {
  const build = nativeBuild();
  if (!build) throw new Error("kiln's native Python is not built");
  const native = loadAddon(build);
  class PyRef {
    toString(): string {
      return native.str(this);
    }
  }
  native.start({
    libpython: build.libpython,
    executable: build.executable,
    PyRef,
    PythonError: NativePythonError,
    entries: (v) => [...v],
    makeSet: (items) => new Set(items),
  });
  nativeStarted = true;
  if (process.env.KILN_DEBUG)
    process.stderr.write(`kiln: python: native CPython ${build.version} (${build.libpython})\n`);
  // Bytecode under kiln's cache directory (layers may be read-only), written even where the
  // environment says not to (it would otherwise compile kiln's bb and the layers' libraries at
  // every start); print() to stderr, as Pyodide's is, until setOutput() sends it elsewhere.
  native.exec(
    `import sys\nsys.pycache_prefix = ${JSON.stringify(path.join(opts.cacheDir ?? defaultCacheDir(), "pycache"))}\nsys.dont_write_bytecode = False\nsys.stdout = sys.stderr`,
  );
  const engine: PythonEngine = {
    exec: (code) => native.exec(code),
    import: (name) => native.import(name),
    get: (obj, name) => native.get(obj, name),
    call: (fn, ...args) => native.call(fn, ...args),
    isPyObject: (v): v is object => native.isPyRef(v),
    share: (v) => v,
    isPythonError: (e) => e instanceof NativePythonError,
    setOutput: (write) => {
      const ffi = native.import("kiln_ffi");
      native.call(native.get(ffi, "redirect_output") as object, write);
    },
    chdir: () => {},
  };
  return engine;
}

export async function startPyodide(opts: { cacheDir?: string }): Promise<PythonEngine> {
  const py: PyodideInterface = await loadPython(opts);
  return {
    exec: (code) => py.runPython(code),
    import: (name) => py.pyimport(name) as object,
    get: (obj, name) => (obj as Record<string, unknown>)[name],
    call: (fn, ...args) => (fn as PyCallable)(...args),
    isPyObject: (v): v is object => v instanceof py.ffi.PyProxy,
    share: (v) => (v as PyProxy).copy(),
    isPythonError: (e) => e instanceof Error && e.constructor.name === "PythonError",
    setOutput: (write) => {
      py.setStdout({ batched: write });
      py.setStderr({ batched: write });
    },
    chdir: (cwd) => py.FS.chdir(cwd),
  };
}
