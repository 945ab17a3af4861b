// The statements a BitBake metadata file is made of. The parser turns text into these;
// the parse stage evaluates them against a datastore. Every statement knows where it came from.

export interface Location {
  file: string;
  line: number;
}

/** Assignment operators exactly as written in metadata. */
export type AssignOp = "=" | ":=" | "?=" | "??=" | "+=" | "=+" | ".=" | "=.";

export interface Assign extends Location {
  kind: "assign";
  name: string;
  flag?: string;
  op: AssignOp;
  value: string;
  exported: boolean;
  /** The operator text has no whitespace on one side (BitBake warns about it). */
  tight: boolean;
}

export interface Include extends Location {
  kind: "include";
  path: string;
  required: boolean;
}

export interface IncludeAll extends Location {
  kind: "include_all";
  path: string;
}

export interface Export extends Location {
  kind: "export";
  name: string;
}

export interface Unset extends Location {
  kind: "unset";
  name: string;
  flag?: string;
}

export interface AddPyLib extends Location {
  kind: "addpylib";
  dir: string;
  namespace: string;
}

export interface AddFragments extends Location {
  kind: "addfragments";
  pathPrefix: string;
  fragmentsVar: string;
  flaggedVarsVar: string;
  /** Absent in the older three-argument form. */
  builtinFragmentsVar?: string;
}

/** `name () { ... }`, `python name () { ... }`, `fakeroot name () { ... }`, `python () { ... }`. */
export interface FunctionDef extends Location {
  kind: "function";
  /** "__anonymous" for `python () { }`. */
  name: string;
  /** Body lines, followed by one empty string (so joining with "\n" ends in a newline). */
  body: string[];
  python: boolean;
  fakeroot: boolean;
}

/** A top-level Python `def name(...):` block. `line` is the line that ended the block. */
export interface PythonDef extends Location {
  kind: "def";
  name: string;
  /** The file's base name, which BitBake uses as the code's module name. */
  module: string;
  body: string[];
}

export interface ExportFunctions extends Location {
  kind: "export_functions";
  names: string[];
  /** The class being parsed ("" outside a .bbclass). */
  className: string;
}

export interface AddTask extends Location {
  kind: "addtask";
  tasks: string;
  before: string;
  after: string;
  comment: string;
}

export interface DelTask extends Location {
  kind: "deltask";
  tasks: string;
}

export interface AddHandler extends Location {
  kind: "addhandler";
  names: string[];
}

export interface Inherit extends Location {
  kind: "inherit";
  classes: string;
  deferred: boolean;
}

export type Statement =
  | Assign
  | Include
  | IncludeAll
  | Export
  | Unset
  | AddPyLib
  | AddFragments
  | FunctionDef
  | PythonDef
  | ExportFunctions
  | AddTask
  | DelTask
  | AddHandler
  | Inherit;

/** A problem in a metadata file, located; user-facing (never printed with a stack trace). */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line = 0,
  ) {
    super(message);
    this.name = "ParseError";
  }

  get where(): string {
    return this.line ? `${this.file}:${this.line}` : this.file;
  }
}

/** A ParseError that BitBake reports with bb.fatal (logged, then BBHandledException) rather
 * than raising ParseError: metadata calling bb.parse.handle catches the one or the other. */
export class FatalParseError extends ParseError {}
