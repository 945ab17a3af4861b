// Errors of the parse stage: always located at the metadata statement that caused them.

import { ConfigError } from "../config/index.js";
import { ExpansionError, FatalError, PythonError, SkipRecipe } from "../data/index.js";
import { ParseError } from "../syntax/index.js";
import { describeSystemError } from "../util/system-errors.js";

/** A failure while evaluating a metadata statement, located at that statement. */
export class MetadataError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "MetadataError";
  }

  get where(): string {
    return this.line ? `${this.file}:${this.line}` : this.file;
  }
}

/** A file could not be found (BitBake's IOError/ENOENT while resolving a file). */
export class FileNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FileNotFound";
  }
}

/** Errors that must travel unchanged (already located, or not errors at all). */
export function passesThrough(e: unknown): boolean {
  return (
    e instanceof ParseError ||
    e instanceof MetadataError ||
    e instanceof SkipRecipe ||
    e instanceof FatalError
  );
}

/** Attach a statement's location to an error raised while evaluating it. */
export function locate(e: unknown, file: string, line: number): unknown {
  if (passesThrough(e)) return e;
  if (e instanceof PythonError) {
    const where = e.file ? { file: e.file, line: e.line ?? 0 } : { file, line };
    return new MetadataError(`${e.pythonType}: ${e.message}`, where.file, where.line, e.traceback);
  }
  if (e instanceof ExpansionError) return new MetadataError(e.message, file, line, e.detail);
  if (e instanceof FileNotFound) return new MetadataError(e.message, file, line);
  if (e instanceof Error && (e as { pythonType?: string }).pythonType) {
    return new MetadataError(`${(e as { pythonType?: string }).pythonType}: ${e.message}`, file, line);
  }
  return e;
}

/** A message for people: where (file:line) and what is wrong; never a stack trace. */
export function describeError(e: unknown): string {
  if (e instanceof ParseError) return `${e.where}: ${e.message}`;
  if (e instanceof MetadataError) return `${e.where}: ${e.message}`;
  if (e instanceof ConfigError) return e.file ? `${e.file}: ${e.message}` : e.message;
  if (e instanceof ExpansionError) return e.detail;
  if (e instanceof PythonError) {
    const where = e.file ? `${e.file}:${e.line ?? 0}: ` : "";
    return `${where}${e.pythonType}: ${e.message}`;
  }
  if (e instanceof FatalError) return e.message;
  if (e instanceof SkipRecipe) return `recipe skipped: ${e.reason}`;
  if (e instanceof Error) {
    const pyType = (e as { pythonType?: string }).pythonType;
    if (pyType) return `${pyType}: ${e.message}`;
  }
  const system = describeSystemError(e);
  if (system) return system;
  return `kiln internal error: ${e instanceof Error ? e.message : String(e)}`;
}
