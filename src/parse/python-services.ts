// bb.parse.handle for metadata Python: evaluate a file into a datastore with this process's
// Evaluator, as BitBake's handle does (a .conf or an included file changes `d` in place; a
// recipe-style file parsed on its own is finalised, with its BBCLASSEXTEND variants).

import { isMainThread } from "node:worker_threads";
import { ExpansionError, FatalError, SkipRecipe } from "../data/index.js";
import type { PythonRuntime } from "../python/index.js";
import { FatalParseError, ParseError } from "../syntax/index.js";
import { FileNotFound, MetadataError } from "./errors.js";
import type { Evaluator } from "./evaluate.js";
import { multiFinalize } from "./finalize.js";
import { pyBasename, pySplitext } from "./paths.js";

/** A failure as bb.parse.handle raises it in Python (see bb/parse.py). */
type Failure = {
  kind: string;
  msg: string;
  file?: string;
  line?: number;
  /** For ExpansionError: the Python exception class that failed the expansion, and where. */
  type?: string;
  variable?: string | null;
  expression?: string | null;
};

/** Register "parse.handle" with `python`, evaluating with `ev`. */
export function provideParseServices(python: PythonRuntime, ev: Evaluator): void {
  python.provide("parse.handle", (d, args) => {
    const { fn, include, baseconfig, cwd } = args as {
      fn: string;
      include: boolean;
      baseconfig: boolean;
      cwd: string | null;
    };
    // Relative names are found from Python's working directory, as BitBake finds them. Native
    // Python shares the process's, but Node keeps its own copy of it, stale once Python has
    // called os.chdir(): set it again, and have Node read it now, while it exists (a test may
    // remove it before the next parse). Pyodide's workers cannot: their Python has its own.
    if (cwd && isMainThread && process.cwd() !== cwd) {
      process.chdir(cwd);
      process.cwd();
    }
    try {
      if (fn.endsWith(".conf")) {
        ev.handleFile(fn, d, include, baseconfig);
        return { value: null };
      }
      const ext = pySplitext(pyBasename(fn))[1];
      if (ext !== ".bb" && ext !== ".bbclass" && ext !== ".inc") return { failure: notBitBake(fn) };
      try {
        ev.handleRecipeStyle(fn, d, include);
      } catch (e) {
        if (e instanceof SkipRecipe) return { variants: { "": python.handle(d) } };
        throw e;
      }
      if (include || ext === ".bbclass") return { value: null };
      const variants = multiFinalize(ev, fn, d);
      return { variants: Object.fromEntries([...variants].map(([name, v]) => [name, python.handle(v)])) };
    } catch (e) {
      const f = failure(e);
      // What BitBake reports with bb.fatal is logged before BBHandledException is raised.
      if (f.kind === "BBHandledException") python.log("error", f.msg);
      return { failure: f };
    }
  });
}

function notBitBake(fn: string): Failure {
  return { kind: "ParseError", msg: "not a BitBake file", file: fn };
}

/** kiln's parse errors as the Python exceptions BitBake raises for them. */
function failure(e: unknown): Failure {
  if (e instanceof FatalParseError) return { kind: "BBHandledException", msg: e.message };
  if (e instanceof ParseError) return { kind: "ParseError", msg: e.message, file: e.file, line: e.line };
  if (e instanceof MetadataError) return { kind: "ParseError", msg: e.message, file: e.file, line: e.line };
  if (e instanceof FileNotFound) return { kind: "ParseError", msg: e.message };
  if (e instanceof FatalError) return { kind: "BBHandledException", msg: e.message };
  if (e instanceof ExpansionError) {
    const { variable, expression, failure } = e;
    return { kind: "ExpansionError", msg: failure.message, type: failure.type, variable, expression };
  }
  throw e;
}
