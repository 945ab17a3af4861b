// The error the packaging stage throws. Messages are meant for a task log: they name what was being
// done and end with the failing tool's output.

/** Splitting, stripping or writing a package failed. */
export class PackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PackageError";
  }
}
