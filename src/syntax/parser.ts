// Turns the text of a metadata file into statements, following BitBake's grammar line by line.
// Configuration files (.conf) accept assignments and directives only; recipe-style files
// (.bb, .bbappend, .bbclass, .inc) add functions, python blocks, inherit and task statements.

import { PY_WORD, PY_WS, pyLines, pyRstrip, pySplit, pyStrip } from "./pystr.js";
import {
  type AssignOp,
  FatalParseError,
  type FunctionDef,
  type Location,
  ParseError,
  type PythonDef,
  type Statement,
} from "./statements.js";

export interface Warning extends Location {
  message: string;
}

export interface ParsedFile {
  statements: Statement[];
  warnings: Warning[];
}

export interface ParseOptions {
  /** Parse as a configuration file (.conf) rather than a recipe-style file. */
  conf: boolean;
  /** bblayers.conf / layer.conf parsing, where `addpylib` is allowed. */
  baseconfig?: boolean;
}

const S = PY_WS;
const VARCHARS = "[a-zA-Z0-9\\-_+.${}/~:]";
const NAMECHARS = "[a-zA-Z0-9\\-_+.${}/~]";

// One assignment: optional `export`, a name, an optional [flag], an operator and a quoted value.
// The two lookaheads refuse values holding exactly one more quote of the same kind ('a'b').
const ASSIGN = new RegExp(
  `^(?<exp>export${S}+)?(?<var>${VARCHARS}*?)(?:\\[(?<flag>[a-zA-Z0-9\\-_+.][a-zA-Z0-9\\-_+.@/]*)\\])?` +
    `(?<ws1>${S}*)(?<op>:=|\\?\\?=|\\?=|\\+=|=\\+|=\\.|\\.=|=)(?<ws2>${S}*)` +
    `(?!'[^']*'[^']*'$)(?!"[^"]*"[^"]*"$)(?<apo>['"])(?<value>[^\\n]*)\\k<apo>$`,
  "u",
);
const INCLUDE = new RegExp(`^include${S}+([^\\n]+)`, "u");
const REQUIRE = new RegExp(`^require${S}+([^\\n]+)`, "u");
const INCLUDE_ALL = new RegExp(`^include_all${S}+([^\\n]+)`, "u");
const EXPORT = new RegExp(`^export${S}+(${NAMECHARS}+)$`, "u");
const UNSET = new RegExp(`^unset${S}+(${NAMECHARS}+)$`, "u");
const UNSET_FLAG = new RegExp(`^unset${S}+(${NAMECHARS}+)\\[([a-zA-Z0-9\\-_+.][a-zA-Z0-9\\-_+.@]+)\\]$`, "u");
const ADDPYLIB = new RegExp(`^addpylib${S}+([^\\n]+)${S}+([^\\n]+)`, "u");
const ADDFRAGMENTS = new RegExp(`^addfragments${S}+([^\\n]+)${S}+([^\\n]+)${S}+([^\\n]+)${S}+([^\\n]+)`, "u");
// BitBake 2.12 (walnascar) has the three-argument form, without built-in fragments.
const ADDFRAGMENTS3 = new RegExp(`^addfragments${S}+([^\\n]+)${S}+([^\\n]+)${S}+([^\\n]+)`, "u");

// Recipe-style statements.
const FUNC_KEYWORD = new RegExp(`^(?:(python)(?=${S}|\\()|(fakeroot)(?=${S}))${S}*`, "u");
const FUNC_REST = new RegExp(`^(?<func>(?:${PY_WORD}|[.\\-+{}$:])+)?${S}*\\(${S}*\\)${S}*\\{$`, "u");
const DEF = new RegExp(`^def${S}+(${PY_WORD}+)[^\\n]*:`, "u");
const PY_CONTINUES = new RegExp(`^(?:${S}+[^\\n]*|$|#)`, "u");
const PY_TAB = /^ *\t/;
const EXPORT_FUNCS = new RegExp(`^EXPORT_FUNCTIONS${S}+([^\\n]+)`, "u");
const ADDTASK = new RegExp(`^addtask${S}+([^#\\n]+)(#[^\\n]*|[^\\n]*?)`, "u");
const DELTASK = new RegExp(`^deltask${S}+([^#\\n]+)(#[^\\n]*|[^\\n]*?)`, "u");
const ADDHANDLER = new RegExp(`^addhandler${S}+([^\\n]+)`, "u");
const INHERIT = new RegExp(`^inherit${S}+([^\\n]+)`, "u");
const INHERIT_DEFER = new RegExp(`^inherit_defer${S}+([^\\n]+)`, "u");

/** The override-style keywords; a task name may not contain them followed by "_". */
const SETVAR_KEYWORDS = [":append", ":prepend", ":remove"];

function basename(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}

/** Parse one statement line shared by both file kinds (BitBake's configuration grammar). */
function parseConfLine(
  s: string,
  loc: Location,
  out: Statement[],
  warnings: Warning[],
  allowPyLib: boolean,
): void {
  const m = ASSIGN.exec(s);
  if (m?.groups) {
    const g = m.groups;
    if (g.var === "") throw new ParseError(`Empty variable name in assignment: '${s}'`, loc.file, loc.line);
    const tight = !g.ws1 || !g.ws2;
    if (tight) {
      warnings.push({
        ...loc,
        message: `${loc.file}:${loc.line} has a lack of whitespace around the assignment: '${s}'`,
      });
    }
    out.push({
      kind: "assign",
      ...loc,
      name: g.var,
      flag: g.flag,
      op: g.op as AssignOp,
      value: g.value,
      exported: g.exp !== undefined,
      tight,
    });
    return;
  }
  for (const [regex, make] of CONF_RULES) {
    if (regex === ADDPYLIB && !allowPyLib) continue;
    const r = regex.exec(s);
    if (r) {
      out.push(make(r, loc));
      return;
    }
  }
  throw new ParseError(`unparsed line: '${s}'`, loc.file, loc.line);
}

type Rule = [RegExp, (m: RegExpExecArray, loc: Location) => Statement];

/** Directives of the configuration grammar, tried in BitBake's order after assignments. */
const CONF_RULES: Rule[] = [
  [INCLUDE, (r, loc) => ({ kind: "include", ...loc, path: r[1], required: false })],
  [REQUIRE, (r, loc) => ({ kind: "include", ...loc, path: r[1], required: true })],
  [INCLUDE_ALL, (r, loc) => ({ kind: "include_all", ...loc, path: r[1] })],
  [EXPORT, (r, loc) => ({ kind: "export", ...loc, name: r[1] })],
  [UNSET, (r, loc) => ({ kind: "unset", ...loc, name: r[1] })],
  [UNSET_FLAG, (r, loc) => ({ kind: "unset", ...loc, name: r[1], flag: r[2] })],
  [ADDPYLIB, (r, loc) => ({ kind: "addpylib", ...loc, dir: r[1], namespace: r[2] })],
  [
    ADDFRAGMENTS,
    (r, loc) => ({
      kind: "addfragments",
      ...loc,
      pathPrefix: r[1],
      fragmentsVar: r[2],
      flaggedVarsVar: r[3],
      builtinFragmentsVar: r[4],
    }),
  ],
  [
    ADDFRAGMENTS3,
    (r, loc) => ({
      kind: "addfragments",
      ...loc,
      pathPrefix: r[1],
      fragmentsVar: r[2],
      flaggedVarsVar: r[3],
    }),
  ],
];

/** A configuration file: whole-line comments, backslash continuation, then one statement per line. */
function parseConf(text: string, file: string, baseconfig: boolean): ParsedFile {
  const lines = pyLines(text);
  const statements: Statement[] = [];
  const warnings: Warning[] = [];
  let i = 0;
  while (i < lines.length) {
    const firstLine = i + 1;
    let s = lines[i++];
    if (pyStrip(s) === "") continue;
    s = pyRstrip(s);
    while (s.endsWith("\\")) {
      const next = i < lines.length ? lines[i] : "";
      i++;
      const s2 = pyRstrip(next);
      if ((s2 === "" || s2[0] !== "#") && s[0] === "#") {
        throw new FatalParseError(
          `There is a confusing multiline, partially commented expression starting on line ${firstLine} of file ${file}. Please clarify whether this is all a comment or should be parsed.`,
          file,
          firstLine,
        );
      }
      s = s.slice(0, -1) + s2;
      if (s === "") break;
    }
    if (s === "" || s[0] === "#") continue;
    parseConfLine(s, { file, line: i }, statements, warnings, baseconfig);
  }
  return { statements, warnings };
}

/** Task list splitting for `addtask X after A B before C`: BitBake splits on the words, not tokens. */
function splitAddTask(expr: string): { tasks: string; before: string; after: string } {
  const tasks = expr.split(" before ")[0].split(" after ")[0];
  let after = "";
  for (const part of expr.split(" before ")) {
    const pieces = part.split(" after ");
    if (pieces.length > 1) after += pieces.slice(1).join(" ");
  }
  let before = "";
  for (const part of expr.split(" after ")) {
    const pieces = part.split(" before ");
    if (pieces.length > 1) before += pieces.slice(1).join(" ");
  }
  return { tasks, before, after };
}

/** Recipe-style files: a small state machine over lines, as BitBake's reader does. */
function parseRecipeStyle(text: string, file: string): ParsedFile {
  const statements: Statement[] = [];
  const warnings: Warning[] = [];
  const module = basename(file);
  const className = module.endsWith(".bbclass") ? module.slice(0, -".bbclass".length) : "";

  let func: { name: string; line: number; python: boolean; fakeroot: boolean } | null = null;
  let pyDef: string | null = null;
  let body: string[] = [];
  let residue: string[] = [];

  const finishDef = (line: number) => {
    const stmt: PythonDef = { kind: "def", file, line, name: pyDef!, module, body };
    statements.push(stmt);
    body = [];
    pyDef = null;
  };

  const feed = (line: number, s: string): void => {
    const loc = { file, line };
    if ((pyDef !== null || (func && (func.name === "__anonymous" || func.python))) && PY_TAB.test(s)) {
      warnings.push({
        ...loc,
        message: `python should use 4 spaces indentation, but found tabs in ${module}, line ${line}`,
      });
    }
    if (func) {
      if (s === "}") {
        body.push("");
        const stmt: FunctionDef = {
          kind: "function",
          ...loc,
          name: func.name,
          body,
          python: func.python,
          fakeroot: func.fakeroot,
        };
        statements.push(stmt);
        func = null;
        body = [];
      } else {
        body.push(s);
      }
      return;
    }
    if (pyDef !== null) {
      if (PY_CONTINUES.test(s)) {
        body.push(s);
        return;
      }
      finishDef(line);
    }

    if (s !== "" && s[0] === "#" && residue.length > 0 && residue[0][0] !== "#") {
      throw new FatalParseError(
        `There is a comment on line ${line} of file ${file}: '${s}' which is in the middle of a multiline expression. This syntax is invalid, please correct it.`,
        file,
        line,
      );
    }
    if (residue.length > 0 && residue[0][0] === "#" && (s === "" || s[0] !== "#")) {
      throw new FatalParseError(
        `There is a confusing multiline partially commented expression on line ${line - residue.length} of file ${file}. Please clarify whether this is all a comment or should be parsed.`,
        file,
        line - residue.length,
      );
    }
    if (s !== "" && s.endsWith("\\")) {
      residue.push(s.slice(0, -1));
      return;
    }
    if (residue.length > 0) {
      s = residue.join("") + s;
      residue = [];
    }
    if (s === "" || s[0] === "#") return;

    const fn = matchFunctionStart(s);
    if (fn) {
      func = { ...fn, line };
      return;
    }
    const def = DEF.exec(s);
    if (def) {
      body.push(s);
      pyDef = def[1];
      return;
    }
    const task = ADDTASK.exec(s);
    if (task) {
      statements.push(addTaskStatement(task, s, loc, warnings));
      return;
    }
    for (const [regex, make] of RECIPE_RULES) {
      const m = regex.exec(s);
      if (m) {
        statements.push(make(m, loc, className));
        return;
      }
    }
    parseConfLine(s, loc, statements, warnings, false);
  };

  const lines = pyLines(text);
  for (let i = 0; i < lines.length; i++) feed(i + 1, pyRstrip(lines[i]));
  // A python def still open at the end of the file ends there.
  if (pyDef !== null) finishDef(lines.length + 1);
  if (residue.length > 0) {
    throw new ParseError(`Unparsed lines ${file}: ${JSON.stringify(residue)}`, file, lines.length + 1);
  }
  if (func) {
    const open = func as { name: string; line: number };
    throw new ParseError(
      `Unparsed lines from unclosed function ${open.name} (opened on line ${open.line})`,
      file,
      open.line,
    );
  }
  return { statements, warnings };
}

type RecipeRule = [RegExp, (m: RegExpExecArray, loc: Location, className: string) => Statement];

/** Recipe-only directives, tried in BitBake's order (after functions, def and addtask). */
const RECIPE_RULES: RecipeRule[] = [
  [
    EXPORT_FUNCS,
    (m, loc, className) => ({ kind: "export_functions", ...loc, names: pySplit(m[1]), className }),
  ],
  [DELTASK, (m, loc) => ({ kind: "deltask", ...loc, tasks: m[1] })],
  [ADDHANDLER, (m, loc) => ({ kind: "addhandler", ...loc, names: pySplit(m[1]) })],
  [INHERIT, (m, loc) => ({ kind: "inherit", ...loc, classes: m[1], deferred: false })],
  [INHERIT_DEFER, (m, loc) => ({ kind: "inherit", ...loc, classes: m[1], deferred: true })],
];

function addTaskStatement(m: RegExpExecArray, line: string, loc: Location, warnings: Warning[]): Statement {
  const { tasks, before, after } = splitAddTask(m[1]);
  for (const word of pySplit(line)) {
    if (SETVAR_KEYWORDS.some((k) => word.includes(`${k}_`))) {
      throw new ParseError(
        `Task name '${word}' contains a keyword which is not recommended/supported. Please rename the task not to include the keyword (${SETVAR_KEYWORDS.join(", ")}).`,
        loc.file,
        loc.line,
      );
    }
  }
  if (m[2])
    warnings.push({ ...loc, message: `${loc.file}:${loc.line}: addtask ignoring trailing comment: ${m[2]}` });
  return { kind: "addtask", ...loc, tasks, before, after, comment: m[2] };
}

/** `[python|fakeroot ...] [name] () {` — keywords read one by one, then the rest matched. */
function matchFunctionStart(s: string): { name: string; python: boolean; fakeroot: boolean } | null {
  if (!s.endsWith("{")) return null;
  let python = false;
  let fakeroot = false;
  let rest = s;
  for (;;) {
    const k = FUNC_KEYWORD.exec(rest);
    if (!k) break;
    if (k[1]) python = true;
    else fakeroot = true;
    rest = rest.slice(k[0].length);
  }
  const m = FUNC_REST.exec(rest);
  if (!m) return null;
  return { name: m.groups?.func ?? "__anonymous", python, fakeroot };
}

/** Parse a metadata file's text. Throws ParseError (located) on bad syntax. */
export function parseText(text: string, file: string, opts: ParseOptions): ParsedFile {
  return opts.conf ? parseConf(text, file, opts.baseconfig ?? false) : parseRecipeStyle(text, file);
}
