// Errors of the parse stage: always located at the metadata statement that caused them.

import { ExpansionError, FatalError, PythonError, SkipRecipe } from "../data/index.js";
import { ParseError } from "../syntax/index.js";

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
