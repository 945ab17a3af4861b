// Evaluating metadata files against a datastore: the meaning of every statement, include and
// require, inherit and inherit_defer, and the handling of one file (.conf or recipe-style).

import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileLayerCollection } from "../config/index.js";
import { type DataStore, FatalError, SkipRecipe } from "../data/index.js";
import type { PythonRuntime } from "../python/index.js";
import {
  type Assign,
  type FunctionDef,
  type ParsedFile,
  ParseError,
  type PythonDef,
  parseText,
  pySplit,
  type Statement,
} from "../syntax/index.js";
import { FileNotFound, locate } from "./errors.js";
import { exists, isFile, pyBasename, pyDirname, pyJoin, pySplitext, which } from "./paths.js";
import { addTask, delTask } from "./tasks.js";

export interface Diagnostics {
  warn(message: string): void;
  error(message: string): void;
}

/** Shared by every file evaluated in one process: the Python runtime and parsed-file cache. */
export class Evaluator {
  private readonly parsed = new Map<string, { parsed: ParsedFile; stamp: string }>();

  constructor(
    readonly python: PythonRuntime,
    readonly diagnostics: Diagnostics,
  ) {}

  /** Statements of a file, parsed once per process (files do not change during a run). */
  statements(absPath: string, displayName: string, conf: boolean, baseconfig: boolean): ParsedFile {
    const key = `${conf ? (baseconfig ? "B" : "C") : "R"}${absPath}`;
    // A long-lived process (kiln's server) must notice edited files: the stat is part of the key.
    const stamp = statStamp(absPath);
    const known = this.parsed.get(key);
    if (known && known.stamp === stamp) return known.parsed;
    let text: string;
    try {
      text = readFileSync(absPath, "utf8");
    } catch (e) {
      throw new FileNotFound(`file ${absPath} could not be read: ${(e as Error).message}`);
    }
    const parsed = parseText(text, displayName, { conf, baseconfig });
    for (const w of parsed.warnings) this.diagnostics.warn(w.message);
    this.parsed.set(key, { parsed, stamp });
    return parsed;
  }

  // ---- dependencies (BitBake's __depends list) --------------------------------------------

  markDependency(d: DataStore, file: string): void {
    const f = file.startsWith("./") ? `${process.cwd()}/${file.slice(2)}` : file;
    const deps = (d.getVar("__depends", false) as Array<[string, unknown]> | undefined) ?? [];
    const stamp = fileStamp(f);
    if (!deps.some(([p, s]) => p === f && sameStamp(s, stamp))) {
      deps.push([f, stamp]);
      d.setVar("__depends", deps);
    }
  }

  private checkDependency(d: DataStore, file: string): boolean {
    const deps = (d.getVar("__depends", false) as Array<[string, unknown]> | undefined) ?? [];
    const stamp = fileStamp(file);
    return deps.some(([p, s]) => p === file && sameStamp(s, stamp));
  }

  /** Resolve a file name along BBPATH (relative names) and check that it is a file. */
  private resolveFile(fn: string, d: DataStore): string {
    let file = fn;
    if (!path.isAbsolute(fn)) {
      const bbpath = d.getVar("BBPATH") as string | undefined;
      const { found, tried } = which(bbpath, fn);
      for (const t of tried) this.markDependency(d, t);
      if (!found) throw new FileNotFound(`file ${fn} not found in ${bbpath}`);
      file = found;
    } else {
      this.markDependency(d, fn);
    }
    if (!isFile(file)) throw new FileNotFound(`file ${file} not found`);
    return file;
  }

  // ---- files ----------------------------------------------------------------------------

  /**
   * Evaluate one file into `d` (BitBake's bb.parse.handle). Configuration files and
   * recipe-style files (.bb, .bbclass, .inc) are supported; `include` is false only for the
   * top-level recipe, whose finalisation the caller does.
   */
  handleFile(fn: string, d: DataStore, include: boolean, baseconfig = false): void {
    const ext = pySplitext(fn)[1];
    if (fn.endsWith(".conf")) this.handleConf(fn, d, include, baseconfig);
    else if (ext === ".bb" || ext === ".bbclass" || ext === ".inc") this.handleRecipeStyle(fn, d, include);
    else throw new ParseError("not a BitBake file", fn);
  }

  private handleConf(fn: string, d: DataStore, include: boolean, baseconfig: boolean): void {
    const oldfile = include ? (d.getVar("FILE", false) as string | undefined) : undefined;
    const abs = this.resolveFile(fn, d);
    const { statements } = this.statements(abs, abs, true, baseconfig);
    d.setVar("FILE", abs);
    this.evaluate(statements, d);
    if (oldfile) d.setVar("FILE", oldfile);
  }

  /**
   * A .bb, .bbappend, .bbclass or .inc file. A SkipRecipe raised while evaluating it marks the
   * datastore skipped and, for an included file, stops only that file (as BitBake does).
   */
  handleRecipeStyle(fn: string, d: DataStore, include: boolean): void {
    const base = pyBasename(fn);
    const ext = pySplitext(base)[1];
    if (ext === ".bbclass") {
      const cache = (d.getVar("__inherit_cache", false) as string[] | undefined) ?? [];
      if (!cache.includes(fn)) {
        cache.push(fn);
        d.setVar("__inherit_cache", cache);
      }
    }
    const oldfile = include ? (d.getVar("FILE", false) as string | undefined) : undefined;
    const abs = this.resolveFile(fn, d);
    const { statements } = this.statements(abs, fn, false, false);
    if (ext !== ".bbclass" && abs !== oldfile) d.setVar("FILE", abs);
    try {
      this.evaluate(statements, d);
    } catch (e) {
      if (!(e instanceof SkipRecipe)) throw e;
      d.setVar("__SKIPPED", true);
      if (!include) throw e;
    }
    if (ext !== ".bbclass" && oldfile && abs !== oldfile) d.setVar("FILE", oldfile);
  }

  evaluate(statements: Statement[], d: DataStore): void {
    for (const st of statements) {
      try {
        this.evalStatement(st, d);
      } catch (e) {
        throw locate(e, st.file, st.line);
      }
    }
  }

  private evalStatement(st: Statement, d: DataStore): void {
    switch (st.kind) {
      case "assign":
        this.assign(st, d);
        return;
      case "include":
        this.include(st.file, d.expandString(st.path), st.line, d, st.required ? "include required" : false);
        return;
      case "include_all": {
        const what = d.expandString(st.path);
        for (const dir of String(d.getVar("BBPATH") ?? "").split(":")) {
          this.include(st.file, pyJoin(dir, what), st.line, d, false);
        }
        return;
      }
      case "export":
        d.setVarFlag(st.name, "export", 1, { op: "exported", file: st.file, line: st.line });
        return;
      case "unset":
        if (st.flag !== undefined) d.delVarFlag(st.name, st.flag, { file: st.file, line: st.line });
        else d.delVar(st.name, { file: st.file, line: st.line });
        return;
      case "function":
        this.defineFunction(st, d);
        return;
      case "def":
        this.definePython(st, d);
        return;
      case "export_functions":
        this.exportFunctions(st.names, st.className, d);
        return;
      case "addtask":
        for (const task of pySplit(st.tasks)) addTask(task, st.before, st.after, d);
        return;
      case "deltask":
        for (const task of pySplit(d.expandString(st.tasks))) delTask(task, d);
        return;
      case "addhandler": {
        const handlers = (d.getVar("__BBHANDLERS", false) as string[] | undefined) ?? [];
        for (const h of st.names) {
          handlers.push(h);
          d.setVarFlag(h, "handler", 1);
        }
        d.setVar("__BBHANDLERS", handlers);
        return;
      }
      case "inherit":
        if (st.deferred) inheritDefer(st.classes, st.file, st.line, d);
        else this.inherit(st.classes, st.file, st.line, d, false);
        return;
      case "addpylib": {
        const globals = pySplit(String(d.getVar("BB_GLOBAL_PYMODULES") ?? ""));
        this.python.addPyLib(d.expandString(st.dir), st.namespace, globals);
        return;
      }
      case "addfragments":
        this.addFragments(st, d);
        return;
    }
  }

  private assign(st: Assign, d: DataStore): void {
    const key = st.name;
    if (st.exported)
      d.setVarFlag(key, "export", 1, { variable: key, file: st.file, line: st.line, op: "exported" });
    let op = "set";
    let val: unknown;
    switch (st.op) {
      case "?=":
        op = "set?";
        val = currentValue(st, d);
        if (val === undefined) val = st.value;
        break;
      case ":=":
        op = "immediate";
        val = d.createCopy().expand(st.value, `${key}[:=]`);
        break;
      case "+=":
        op = "append";
        val = `${asText(currentValue(st, d))} ${st.value}`;
        break;
      case "=+":
        op = "prepend";
        val = `${st.value} ${asText(currentValue(st, d))}`;
        break;
      case ".=":
        op = "postdot";
        val = `${asText(currentValue(st, d))}${st.value}`;
        break;
      case "=.":
        op = "predot";
        val = `${st.value}${asText(currentValue(st, d))}`;
        break;
      default:
        val = st.value;
    }
    if (op !== "set" && op !== "set?" && op !== "immediate" && /:append|:remove|:prepend/.test(key)) {
      this.diagnostics.warn(`${key} ${st.op} is not a recommended operator combination, please replace it.`);
    }
    let flag: string | undefined;
    if (st.flag !== undefined) flag = st.op === "??=" ? `_defaultval_flag_${st.flag}` : st.flag;
    else if (st.op === "??=") flag = "_defaultval";
    const { file, line, value: detail } = st;
    if (flag) d.setVarFlag(key, flag, val, { variable: key, file, line, op, detail });
    else d.setVar(key, val, { variable: key, file, line, op, detail, parsing: true });
  }

  private defineFunction(st: FunctionDef, d: DataStore): void {
    let text = st.body.join("\n");
    let name = st.name;
    let python = st.python;
    if (name === "__anonymous") {
      name = `__anon_${st.line}_${st.file.replace(/[/.+\-@%&~]/g, "_")}`;
      python = true;
      text = `def ${name}(d):\n${text}`;
      this.python.insertMethod(name, text, st.file, st.line - st.body.length - 1, st);
      const anon = (d.getVar("__BBANONFUNCS", false) as string[] | undefined) ?? [];
      anon.push(name);
      d.setVar("__BBANONFUNCS", anon);
    }
    if (d.getVar(name, false)) {
      // Flags of an earlier definition must not survive the new one.
      d.delVarFlag(name, "python");
      d.delVarFlag(name, "fakeroot");
    }
    if (python) d.setVarFlag(name, "python", "1");
    if (st.fakeroot) d.setVarFlag(name, "fakeroot", "1");
    d.setVarFlag(name, "func", 1);
    d.setVar(name, text, { parsing: true, file: st.file, line: st.line });
    d.setVarFlag(name, "filename", st.file);
    d.setVarFlag(name, "lineno", String(st.line - st.body.length));
  }

  private definePython(st: PythonDef, d: DataStore): void {
    const text = st.body.join("\n");
    const offset = st.line - st.body.length - 1;
    this.python.insertMethod(st.module, text, st.file, offset, st);
    d.setVarFlag(st.name, "func", 1);
    d.setVarFlag(st.name, "python", 1);
    d.setVar(st.name, text, { parsing: true, file: st.file, line: st.line });
    d.setVarFlag(st.name, "filename", st.file);
    d.setVarFlag(st.name, "lineno", String(offset));
  }

  /** EXPORT_FUNCTIONS: make `func` call the class's `<class>_<func>` unless a recipe defined it. */
  private exportFunctions(names: string[], className: string, d: DataStore): void {
    const sentinel = "    # Export function set\n";
    for (const func of names) {
      const called = `${className}_${func}`;
      const existing = d.getVar(func, false);
      if (existing && !String(existing).includes(sentinel)) continue;
      if (existing) {
        d.setVarFlag(func, "python", undefined);
        d.setVarFlag(func, "func", undefined);
      }
      for (const flag of ["func", "python"]) {
        const v = d.getVarFlag(called, flag, false);
        if (v) d.setVarFlag(func, flag, v);
      }
      for (const flag of ["dirs", "cleandirs", "fakeroot"]) {
        const v = d.getVarFlag(func, flag, false);
        if (v) d.setVarFlag(called, flag, v);
      }
      d.setVarFlag(func, "filename", "autogenerated");
      d.setVarFlag(func, "lineno", 1);
      if (d.getVarFlag(called, "python", false)) {
        d.setVar(func, `${sentinel}    bb.build.exec_func('${called}', d)\n`, { parsing: true });
      } else {
        if (className.includes("-")) {
          throw new FatalError(
            `The classname ${className} contains a dash character and is calling an sh function ${called} using EXPORT_FUNCTIONS. Since a dash is illegal in sh function names, this cannot work, please rename the class or don't use EXPORT_FUNCTIONS.`,
          );
        }
        d.setVar(func, `${sentinel}    ${called}\n`, { parsing: true });
      }
    }
  }

  // ---- include / inherit ------------------------------------------------------------------

  /** include/require of zero or more space-separated files. `verb` false: a missing file is fine. */
  include(parent: string, files: string, line: number, d: DataStore, verb: string | false): void {
    const expanded = d.expandString(files);
    const parentFile = d.expandString(parent);
    for (const fn of pySplit(expanded)) this.includeOne(parentFile, fn, line, d, verb);
  }

  private includeOne(parent: string, fn: string, line: number, d: DataStore, verb: string | false): void {
    if (parent === fn) return;
    let file = fn;
    if (!path.isAbsolute(fn)) {
      const search = `${pyDirname(parent)}:${d.getVar("BBPATH") ?? "None"}`;
      const { found, tried } = which(search, fn);
      if (found && this.checkDependency(d, found)) {
        this.diagnostics.warn(`Duplicate inclusion for ${found} in ${d.getVar("FILE")}`);
      }
      for (const t of tried) this.markDependency(d, t);
      if (found) file = found;
    } else if (this.checkDependency(d, fn)) {
      this.diagnostics.warn(`Duplicate inclusion for ${fn} in ${d.getVar("FILE")}`);
    }
    try {
      this.handleFile(file, d, true);
    } catch (e) {
      if (!(e instanceof FileNotFound)) throw e;
      if (verb) throw new ParseError(`Could not ${verb} file ${file}`, parent, line);
    }
  }

  /** inherit: find each class along BBPATH (classes-<type>/ then classes/), evaluate it once. */
  inherit(classes: string, fn: string, line: number, d: DataStore, deferred: boolean): void {
    let cache = (d.getVar("__inherit_cache", false) as string[] | undefined) ?? [];
    for (const name of pySplit(d.expandString(classes))) {
      const deferList = pySplit(String(d.getVar("BB_DEFER_BBCLASSES") ?? ""));
      if (!deferred && deferList.includes(name)) {
        inheritDefer(name, fn, line, d);
        continue;
      }
      const classType = String(d.getVar("__bbclasstype", false));
      let file = name;
      for (const dir of [`classes-${classType}`, "classes"]) {
        file = name;
        if (!path.isAbsolute(file) && !file.endsWith(".bbclass")) file = pyJoin(dir, `${file}.bbclass`);
        if (!path.isAbsolute(file)) {
          const { found, tried } = which(d.getVar("BBPATH") as string | undefined, file);
          for (const t of tried) if (t !== found) this.markDependency(d, t);
          if (found) file = found;
        }
        if (exists(file)) break;
      }
      if (!exists(file)) throw new ParseError(`Could not inherit file ${file}`, fn, line);
      if (!cache.includes(file)) {
        cache.push(file);
        d.setVar("__inherit_cache", cache);
        try {
          this.handleFile(file, d, true);
        } catch (e) {
          if (e instanceof FileNotFound)
            throw new ParseError(`Could not inherit file ${fn}: ${e.message}`, fn, line);
          throw e;
        }
        cache = (d.getVar("__inherit_cache", false) as string[] | undefined) ?? [];
      }
    }
  }

  /**
   * addfragments: include configuration fragments named in a variable ("layerid/name" →
   * PREFIX/name.conf from that layer), recording the flagged variables per fragment; built-in
   * fragments ("prefix/value") set a variable directly.
   */
  private addFragments(st: Extract<Statement, { kind: "addfragments" }>, d: DataStore): void {
    if (d.getVar("_BB_SKIP_FRAGMENTS") === "1") return;
    const fragments = d.getVar(st.fragmentsVar) as string | undefined;
    const layers = String(d.getVar("BBLAYERS") ?? "");
    const flagged = pySplit(String(d.getVar(st.flaggedVarsVar) ?? ""));
    const builtin = new Map<string, string>();
    if (st.builtinFragmentsVar !== undefined) {
      for (const entry of pySplit(String(d.getVar(st.builtinFragmentsVar) ?? ""))) {
        const [prefix, variable] = entry.split(":");
        builtin.set(prefix, variable);
      }
    }
    if (!fragments) return;
    for (const [prefix] of builtin) {
      const enabled = pySplit(fragments).filter((f) => f.startsWith(`${prefix}/`));
      if (enabled.length > 1) {
        this.diagnostics.warn(
          `Multiple builtin fragments are enabled for ${prefix} via variable ${st.fragmentsVar}: ${enabled.join(" ")}. This likely points to a mis-configuration in the metadata, as only one of them should be set. The build will use the last value.`,
        );
      }
    }
    for (const fragment of pySplit(fragments)) {
      const cut = fragment.indexOf("/");
      const head = cut < 0 ? fragment : fragment.slice(0, cut);
      const rest = cut < 0 ? "" : fragment.slice(cut + 1);
      const builtinVar = builtin.get(head);
      if (builtinVar !== undefined) {
        if (d.getVar(builtinVar, true, { noweakdefault: true }) !== undefined) {
          throw new FatalError(
            `A builtin fragment '${fragment}' is used while ${builtinVar} has already got an assignment.\nPlease either disable the fragment or remove the value assignment.`,
          );
        }
        d.setVar(builtinVar, rest, { parsing: true, file: st.file, line: st.line });
        continue;
      }
      const relative = d.expandString(`${st.pathPrefix}/${rest}.conf`);
      const found = pySplit(layers)
        .map((layer) => pyJoin(layer, relative))
        .find((candidate) => exists(candidate) && fileLayerCollection(candidate, d) === head);
      if (!found) {
        throw new FatalError(
          `Could not find fragment ${fragment} in enabled layers:\n\t${pySplit(layers).join("\n\t")}`,
        );
      }
      this.include(st.file, found, st.line, d, "include fragment");
      for (const variable of flagged) {
        d.setVarFlag(variable, fragment, d.getVar(variable));
        d.setVar(variable, undefined);
      }
    }
  }
}

/** inherit_defer: remember the class expression; it is expanded and inherited at finalisation. */
export function inheritDefer(expression: string, fn: string, line: number, d: DataStore): void {
  const list = (d.getVar("__BBDEFINHERITS", false) as unknown[] | undefined) ?? [];
  list.push([expression, fn, line]);
  d.setVar("__BBDEFINHERITS", list);
}

/** A file's identity and modification state, as text. */
function statStamp(file: string): string {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return "missing";
  }
}

const stamps = new Map<string, unknown>();

/** The (mtime, size, inode) triple BitBake records for dependency files, or 0 when missing. */
function fileStamp(file: string): unknown {
  let stamp = stamps.get(file);
  if (stamp === undefined) {
    try {
      const st = statSync(file, { bigint: true });
      stamp = [st.mtimeNs.toString(), Number(st.size), Number(st.ino)];
    } catch {
      stamp = 0;
    }
    stamps.set(file, stamp);
  }
  return stamp;
}

function sameStamp(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

/** The value an assignment operator combines with (weak defaults do not count, as in BitBake). */
function currentValue(st: Assign, d: DataStore): unknown {
  return st.flag !== undefined
    ? d.getVarFlag(st.name, st.flag, false, { noweakdefault: true })
    : d.getVar(st.name, false, { noweakdefault: true, parsing: true });
}

function asText(v: unknown): string {
  return v ? String(v) : "";
}
