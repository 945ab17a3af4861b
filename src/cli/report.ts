// Turning errors into messages for people: a location and what is wrong, never a stack trace
// (unless KILN_DEBUG is set, for kiln's own bugs).

import { ConfigError } from "../config/index.js";
import { ExpansionError, FatalError, PythonError, SkipRecipe } from "../data/index.js";
import { MetadataError } from "../parse/index.js";
import { NoProvider } from "../resolve/index.js";
import { ParseError } from "../syntax/index.js";

export function describe(e: unknown): string {
  if (e instanceof ParseError) return `${e.where}: ${e.message}`;
  if (e instanceof MetadataError) return `${e.where}: ${e.message}`;
  if (e instanceof ConfigError) return e.file ? `${e.file}: ${e.message}` : e.message;
  if (e instanceof ExpansionError) return e.detail;
  if (e instanceof PythonError) {
    const where = e.file ? `${e.file}:${e.line ?? 0}: ` : "";
    return `${where}${e.pythonType}: ${e.message}`;
  }
  if (e instanceof NoProvider || e instanceof FatalError) return e.message;
  if (e instanceof SkipRecipe) return `recipe skipped: ${e.reason}`;
  if (e instanceof Error) {
    const pyType = (e as { pythonType?: string }).pythonType;
    if (pyType) return `${pyType}: ${e.message}`;
  }
  return `kiln internal error: ${e instanceof Error ? e.message : String(e)}`;
}

/** Is this one of kiln's own bugs rather than a problem with the user's metadata? */
export function isInternal(e: unknown): boolean {
  return describe(e).startsWith("kiln internal error");
}

export function fail(e: unknown): never {
  // A fatal error from metadata (bb.fatal) has been printed already.
  const reported = e instanceof FatalError && e.message === "";
  if (!reported) process.stderr.write(`ERROR: ${describe(e)}\n`);
  if (process.env.KILN_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  if (isInternal(e) && !process.env.KILN_DEBUG) {
    process.stderr.write("(this is a bug in kiln; run again with KILN_DEBUG=1 for details)\n");
  }
  process.exit(1);
}
