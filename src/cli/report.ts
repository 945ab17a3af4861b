// Turning errors into messages for people: a location and what is wrong, never a stack trace
// (unless KILN_DEBUG is set, for kiln's own bugs).

import { FatalError } from "../data/index.js";
import { describeError } from "../parse/index.js";
import { NoProvider } from "../resolve/index.js";

export function describe(e: unknown): string {
  if (e instanceof NoProvider) return e.message;
  return describeError(e);
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
