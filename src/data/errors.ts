// Errors raised by the datastore. They are values with a message fit for users; the CLI adds
// the location it knows of (the statement or variable being evaluated).

/** Expanding a variable failed (self reference, a Python error inside `${@...}`, ...). */
export class ExpansionError extends Error {
  readonly varlist: string[];

  constructor(
    readonly variable: string | null,
    readonly expression: string | null,
    readonly failure: { type: string; message: string },
  ) {
    let msg: string;
    if (variable) {
      msg = expression
        ? `Failure expanding variable ${variable}, expression was ${expression} which triggered exception ${failure.type}: ${failure.message}`
        : `Failure expanding variable ${variable}: ${failure.type}: ${failure.message}`;
    } else {
      msg = `Failure expanding expression ${expression} which triggered exception ${failure.type}: ${failure.message}`;
    }
    super(msg);
    this.name = "ExpansionError";
    this.varlist = [variable || expression || ""];
  }

  addVar(name: string | null): void {
    if (name) this.varlist.push(name);
  }

  get detail(): string {
    return `${this.message}\nThe variable dependency chain for the failure is: ${this.varlist.join(" -> ")}`;
  }
}

/** An error that has already been reported (BitBake's bb.fatal / BBHandledException). */
export class FatalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FatalError";
  }
}

/** A recipe asked to be skipped (bb.parse.SkipRecipe). Not an error: the recipe is unavailable. */
export class SkipRecipe extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "SkipRecipe";
  }
}

/** An error coming out of metadata Python, with the metadata location when known. */
export class PythonError extends Error {
  constructor(
    /** The Python exception class name (SyntaxError, NameError, ...). */
    readonly pythonType: string,
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly traceback?: string,
  ) {
    super(message);
    this.name = "PythonError";
  }
}
