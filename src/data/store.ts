// The datastore: variables, their flags, override-conditional values, :append/:prepend/:remove
// applied at read time, lazy ${...} expansion with inline Python, and cheap copies.
//
// Semantics follow BitBake's data_smart exactly, including its odd corners (documented where they
// matter). A variable is a map of "flags": "_content" is the value, "_defaultval" the ??= weak
// default, ":append"/":prepend"/":remove" lists of [value, override] pairs, and any user flag.

import { PY_WS, pySplit } from "../syntax/index.js";
import { ExpansionError, FatalError, SkipRecipe } from "./errors.js";
import { ExpansionCache } from "./expansion-cache.js";
import { type LogInfo, VariableHistory } from "./history.js";
import { replaceReferences, VAR_REF } from "./references.js";
import { type Entry, OverrideTable, overrideSuffixes, VarTable } from "./tables.js";
import { pyTruthy, shallowCopy } from "./values.js";

/** Evaluates `${@...}` code for the datastore (implemented by the embedded Python runtime). */
export interface InlinePython {
  /** Evaluate like BitBake: compile `code` as an expression, run it with `d`, return str(result). */
  evalInline(code: string, varname: string | null, d: DataStore): string;
  /** What the code reads (variables), calls (functions) and checks with bb.utils.contains. */
  analyse?(code: string): { references: string[]; execs: string[]; contains: Record<string, string[]> };
  /** Run a recipe's calculate_extra_depends on its DEPENDS names (see PythonRuntime). */
  extraDepends?(pn: string, body: string, deps: string[], world: string[]): string[];
  /** `value` passed through the bb.filter expression `expression` (see setVarFilter). */
  applyFilter?(value: unknown, expression: string): unknown;
}

/** Where the datastore reports warnings and errors that do not stop evaluation. */
export interface Reporter {
  warn(message: string): void;
  error(message: string): void;
  /** Information BitBake prints as NOTE (optional: quiet reporters leave it out). */
  note?(message: string): void;
}

/** Thrown by inline Python evaluation; `type` is the Python exception class name. */
export interface PythonFailure {
  pythonType: string;
  message: string;
}

export function isPythonFailure(e: unknown): e is Error & PythonFailure {
  return e instanceof Error && typeof (e as Partial<PythonFailure>).pythonType === "string";
}

/** Variables BitBake renamed; using the old name is an error. */
const RENAMED_VARS: Record<string, string> = {
  BB_ENV_WHITELIST: "BB_ENV_PASSTHROUGH",
  BB_ENV_EXTRAWHITE: "BB_ENV_PASSTHROUGH_ADDITIONS",
  BB_HASHBASE_WHITELIST: "BB_BASEHASH_IGNORE_VARS",
  BB_HASHCONFIG_WHITELIST: "BB_HASHCONFIG_IGNORE_VARS",
  BB_HASHTASK_WHITELIST: "BB_TASKHASH_IGNORE_TASKS",
  BB_SETSCENE_ENFORCE_WHITELIST: "BB_SETSCENE_ENFORCE_IGNORE_TASKS",
  MULTI_PROVIDER_WHITELIST: "BB_MULTI_PROVIDER_ALLOWED",
  BB_STAMP_WHITELIST: "is a deprecated variable and support has been removed",
  BB_STAMP_POLICY: "is a deprecated variable and support has been removed",
};

const KEYWORDS = [":append", ":prepend", ":remove"] as const;
const SETVAR_RE = /^(?<base>[^\n]*?)(?<keyword>:append|:prepend|:remove)(?::(?<add>[^A-Z]*))?$/;
/** The operations of the old override syntax, refused in variable names. */
const OLD_OPERATION = /_append|_prepend|_remove/;
const PY_REF_G = /\$\{@(?:\{[^\n]*?\}|[^\n])+?\}/g;
const WS_SPLIT = new RegExp(`(${PY_WS})`, "u");
// Variable names metadata Python reads with a literal name; used to track what OVERRIDES depends on.
const PY_VAR_USE = /(?:getVar|getVarFlag|contains|contains_any|filter)\(\s*(['"])([^'"]+)\1/g;

/** How deep nested variable expansions may go (BitBake reaches Python's limit near here). */
const MAX_EXPANSION_DEPTH = 120;
let expansionDepth = 0;

/** The result of expanding one value: the value and the variables it referenced. */
export class VariableParse {
  value: unknown;
  removes?: Set<string>;
  /** The cache's epoch when this value was last computed or read (see setVarFilter). */
  seen = -1;
  // Made on first use: most values reference nothing and call no Python, and a parse computes
  // hundreds of thousands of them.
  private refs?: Set<string>;
  private calls?: Set<string>;
  private checks?: Map<string, Set<string>>;

  /** Variables the value referenced. */
  get references(): Set<string> {
    this.refs ??= new Set();
    return this.refs;
  }
  /** Functions called from inline Python. */
  get execs(): Set<string> {
    this.calls ??= new Set();
    return this.calls;
  }
  /** bb.utils.contains-style checks in inline Python: variable → items looked for. */
  get contains(): Map<string, Set<string>> {
    this.checks ??= new Map();
    return this.checks;
  }

  constructor(
    readonly varname: string | null,
    readonly unexpanded: unknown,
  ) {}
}

/** A BitBake release, for behaviour that differs between releases (see config/bitbake-version.ts). */
export interface BitBakeVersion {
  major: number;
  minor: number;
}

/** The newest BitBake whose behaviour kiln reproduces (bb.__version__ in kiln's bb package), and
 * what a store behaves as until told otherwise. */
export const NEWEST_BITBAKE: BitBakeVersion = { major: 2, minor: 19 };

/** State shared by a datastore and all its copies. */
interface Shared {
  python: InlinePython | null;
  /** The BitBake whose behaviour this store follows where releases differ. */
  bitbake: BitBakeVersion;
  reporter: Reporter;
  renames: Map<string, unknown>;
  reportedOnce: Set<string>;
}

const consoleReporter: Reporter = {
  warn: (m) => process.stderr.write(`WARNING: ${m}\n`),
  error: (m) => process.stderr.write(`ERROR: ${m}\n`),
};

export interface GetOptions {
  noweakdefault?: boolean;
  parsing?: boolean;
}

export interface SetInfo extends LogInfo {
  /** Set during parsing: keep existing :append/:prepend/:remove and override values. */
  parsing?: boolean;
}

export class DataStore {
  private table: VarTable;
  private overridedata: OverrideTable;
  private overridevars: Set<string>;
  private overrides: string[] | null = null;
  private overridesSet = new Set<string>();
  private inOverride = false;
  /** Expanded values, kept until a variable they read changes (see expansion-cache.ts). */
  private expandCache = new ExpansionCache<VariableParse>();
  /** Variable filters (setVarFilter) by variable name; copies share the map until one changes it. */
  private filters: ReadonlyMap<string, string> | null = null;
  history: VariableHistory;
  tracking = false;

  private constructor(
    private readonly shared: Shared,
    table: VarTable,
    overridedata: OverrideTable,
    overridevars: Set<string>,
    history: VariableHistory,
  ) {
    this.table = table;
    this.overridedata = overridedata;
    this.overridevars = overridevars;
    this.history = history;
  }

  static create(opts: { python?: InlinePython | null; reporter?: Reporter } = {}): DataStore {
    const shared: Shared = {
      python: opts.python ?? null,
      bitbake: NEWEST_BITBAKE,
      reporter: opts.reporter ?? consoleReporter,
      renames: new Map(Object.entries(RENAMED_VARS)),
      reportedOnce: new Set(),
    };
    return new DataStore(
      shared,
      new VarTable(null),
      new OverrideTable(null),
      new Set(["OVERRIDES", "FILE"]),
      new VariableHistory(),
    );
  }

  /** A copy that sees this store's variables and records its own changes separately. */
  createCopy(): DataStore {
    return this.copyOver(this.table, this.overridedata);
  }

  /**
   * createCopy(), except that the copy sees this store's variables through one table level
   * instead of the chain of copies that built them, so its lookups (and its copies') walk fewer
   * levels. The order keys() gives is kept. For a store that is done changing (a parsed
   * configuration): its later changes are not seen by the copy.
   */
  compactCopy(): DataStore {
    return this.copyOver(this.table.flattened(), this.overridedata.flattened());
  }

  /** A copy whose own (empty) tables lie over `table` and `overridedata`. */
  private copyOver(table: VarTable, overridedata: OverrideTable): DataStore {
    const copy = new DataStore(
      this.shared,
      new VarTable(table),
      new OverrideTable(overridedata),
      new Set(this.overridevars),
      this.history.copy(),
    );
    copy.tracking = this.tracking;
    copy.filters = this.filters;
    return copy;
  }

  get python(): InlinePython | null {
    return this.shared.python;
  }
  set python(p: InlinePython | null) {
    this.shared.python = p;
  }
  get reporter(): Reporter {
    return this.shared.reporter;
  }

  /** The BitBake this store (and every copy of it) behaves as where releases differ. */
  get bitbake(): BitBakeVersion {
    return this.shared.bitbake;
  }
  set bitbake(v: BitBakeVersion) {
    this.shared.bitbake = v;
  }

  /** Whether this store behaves as BitBake major.minor or newer. */
  bitbakeAtLeast(major: number, minor: number): boolean {
    const v = this.shared.bitbake;
    return v.major > major || (v.major === major && v.minor >= minor);
  }

  /** Variable `name` (or a flag of it) changed: so did the names it overrides. */
  private changed(name: string): void {
    const names = [name];
    if (name.includes(":")) for (const [shortvar] of overrideSuffixes(name)) names.push(shortvar);
    this.expandCache.changed(names);
  }

  /** Callers test `tracking` first, so that nothing is built for a history nobody keeps. */
  private record(info: LogInfo): void {
    this.history.record(info);
  }

  // ---- expansion -------------------------------------------------------------------------

  expandWithRefs(s: unknown, varname: string | null): VariableParse {
    const parse = new VariableParse(varname, s);
    if (typeof s !== "string") {
      parse.value = s;
      return parse;
    }
    let cur = s;
    while (cur.includes("${")) {
      const before = cur;
      try {
        cur = replaceReferences(cur, (m) => this.substituteVar(m, parse));
        try {
          if (cur.includes("${@")) cur = cur.replace(PY_REF_G, (m) => this.substitutePython(m, parse));
        } catch (e) {
          // An unterminated string literal usually means unbalanced braces: leave it unexpanded.
          if (!(isPythonFailure(e) && e.pythonType === "SyntaxError" && isUnterminatedString(e.message)))
            throw e;
        }
        if (cur === before) break;
      } catch (e) {
        if (e instanceof ExpansionError) {
          e.addVar(varname);
          throw e;
        }
        if (e instanceof SkipRecipe || e instanceof FatalError) throw e;
        throw new ExpansionError(varname, cur, describeError(e));
      }
    }
    parse.value = cur;
    return parse;
  }

  private substituteVar(match: string, parse: VariableParse): string {
    const key = match.slice(2, -1);
    if (parse.varname && key && parse.varname === key) {
      throw pythonStyleError("Exception", `variable ${parse.varname} references itself!`);
    }
    const value = this.getVar(key);
    parse.references.add(key);
    if (value === undefined) return match;
    if (typeof value !== "string") {
      throw pythonStyleError("TypeError", `expected str instance, ${pyTypeName(value)} found`);
    }
    return value;
  }

  private substitutePython(match: string, parse: VariableParse): string {
    const code = match.slice(3, -1);
    // Code still holding unexpanded variable references is not run.
    if (VAR_REF.test(code)) return "${@" + code + "}";
    const python = this.shared.python;
    if (python?.analyse) {
      const found = python.analyse(code);
      for (const r of found.references) parse.references.add(r);
      for (const e of found.execs) parse.execs.add(e);
      // Functions are variables too: redefining one must drop values computed by calling it.
      for (const e of found.execs) this.expandCache.read(e);
      for (const [v, items] of Object.entries(found.contains)) {
        const set = parse.contains.get(v) ?? new Set<string>();
        parse.contains.set(v, set);
        for (const i of items) set.add(i);
      }
    } else {
      for (const m of code.matchAll(PY_VAR_USE)) parse.references.add(m[2]);
    }
    if (!python) throw pythonStyleError("RuntimeError", "inline Python is not available here");
    return python.evalInline(code, parse.varname, this);
  }

  expand(s: unknown, varname: string | null = null): unknown {
    return this.expandWithRefs(s, varname).value;
  }

  /** Expand a string value; non-strings are returned unchanged. */
  expandString(s: string, varname: string | null = null): string {
    return this.expandWithRefs(s, varname).value as string;
  }

  // ---- overrides -------------------------------------------------------------------------

  private needOverrides(): void {
    // Whoever needs them depends on them (this is where every use of the overrides starts).
    this.expandCache.readOverrides();
    if (this.overrides !== null || this.inOverride) return;
    const attempts: string[][] = [];
    for (let count = 0; count < 5; count++) {
      this.inOverride = true;
      // Reads of OVERRIDES below may recurse here; they see no overrides meanwhile.
      this.overrides = [];
      this.overridesSet = new Set();
      try {
        this.overrides = String(this.getVar("OVERRIDES") || "").split(":");
      } finally {
        this.inOverride = false;
      }
      attempts.push(this.overrides);
      this.overridesSet = new Set(this.overrides);
      this.expandCache.overridesChanged();
      const again = String(this.getVar("OVERRIDES") || "").split(":");
      if (sameList(again, this.overrides)) return;
      this.overrides = again;
      this.overridesSet = new Set(again);
    }
    throw new FatalError(
      `Overrides could not be expanded into a stable state after 5 iterations, overrides must be being referenced by other overridden variables in some recursive fashion. The list of failing override expansions: ${attempts.map((a) => a.join(":")).join("\n")}`,
    );
  }

  /** The active overrides, in priority order (last wins). */
  activeOverrides(): string[] {
    this.needOverrides();
    return [...(this.overrides ?? [])];
  }

  private overrideActive(o: string): boolean {
    if (this.overridesSet.has(o)) return true;
    return o.includes(":") && o.split(":").every((x) => this.overridesSet.has(x));
  }

  private conditionMet(o: string | undefined | null): boolean {
    if (!o) return true;
    const list = this.overrides ?? [];
    return o.split(":").every((x) => list.includes(x));
  }

  hasOverrides(name: string): boolean {
    this.expandCache.read(name);
    return this.overridedata.has(name);
  }

  private updateOverrides(name: string): void {
    for (const [shortvar, override] of overrideSuffixes(name))
      this.overridedata.add(shortvar, name, override);
  }

  private updateOverrideVars(name: string, value: unknown): void {
    let fresh = this.expandWithRefs(value, name).references;
    while (![...fresh].every((v) => this.overridevars.has(v))) {
      const next = new Set<string>();
      for (const v of fresh) this.overridevars.add(v);
      for (const v of fresh) {
        for (const r of this.expandWithRefs(this.getVar(v), v).references) next.add(r);
      }
      fresh = next;
    }
    this.overrides = null;
    this.expandCache.overridesChanged();
  }

  // ---- reading ---------------------------------------------------------------------------

  private findVar(name: string): Entry | undefined {
    return this.table.find(name);
  }

  getVar(name: string, expand = true, opts: GetOptions = {}): unknown {
    return this.getVarFlag(name, "_content", expand, opts);
  }

  getVarFlag(name: string, flag: string, expand = true, opts: GetOptions = {}): unknown {
    return this.lookup(name, flag, expand, opts.noweakdefault ?? false, opts.parsing ?? false, false)[0];
  }

  /**
   * The unexpanded value of a variable (flag "_content") or flag, with what expanding it
   * referenced, called and checked, and which :remove values removed something (BitBake's
   * getVarFlag(..., expand=False, retparser=True)).
   */
  getVarFlagWithParser(name: string, flag = "_content"): [unknown, VariableParse] {
    const [value, parser] = this.lookup(name, flag, false, false, false, true);
    return [value, parser ?? new VariableParse(name, value)];
  }

  private lookup(
    name: string,
    flag: string,
    expand: boolean,
    noweakdefault: boolean,
    parsing: boolean,
    wantParser: boolean,
  ): [unknown, VariableParse | null] {
    this.expandCache.read(name);
    const cachename = flag === "_content" ? name : `${name}[${flag}]`;
    if (!noweakdefault) {
      const cached = this.expandCache.get(cachename);
      if (cached && (expand || wantParser)) {
        cached.seen = this.expandCache.epoch;
        return [expand ? cached.value : cached.unexpanded, cached];
      }
    }
    if (!(expand || wantParser) || noweakdefault) {
      return this.compute(name, flag, cachename, expand, noweakdefault, parsing, wantParser);
    }
    const result = this.expandCache.compute(
      cachename,
      name,
      () => this.compute(name, flag, cachename, expand, noweakdefault, parsing, wantParser),
      keepParser,
    );
    if (result[1]) result[1].seen = this.expandCache.epoch;
    return result;
  }

  /** A lookup's value, computed from the variable tables (lookup() caches it). */
  private compute(
    name: string,
    flag: string,
    cachename: string,
    expand: boolean,
    noweakdefault: boolean,
    parsing: boolean,
    wantParser: boolean,
  ): [unknown, VariableParse | null] {
    const local = this.findVar(name);
    let value: unknown;
    // Made when a :remove applies (most values have none).
    let removes: Set<string> | undefined;
    const content = flag === "_content" && !parsing;

    const od = content ? this.overridedata.get(name) : undefined;
    if (od) {
      this.needOverrides();
      const active = new Map<string, string>();
      for (const [r, o] of od) if (this.overrideActive(o)) active.set(o, r);
      let match: string | undefined;
      for (let changed = true; changed; ) {
        changed = false;
        for (const o of this.overrides ?? []) {
          for (const a of [...active.keys()]) {
            if (a.endsWith(`:${o}`)) {
              const t = active.get(a)!;
              active.delete(a);
              active.set(a.split(`:${o}`).join(""), t);
              changed = true;
            } else if (a === o) {
              match = active.get(a);
              active.delete(a);
            }
          }
        }
      }
      if (match) {
        const [v, sub] = this.lookup(match, "_content", false, false, false, true);
        value = v;
        if (sub?.removes) removes = sub.removes;
      }
    }

    if (local !== undefined && value === undefined) {
      if (local.has(flag)) value = shallowCopy(local.get(flag));
      else if (flag === "_content" && local.has("_defaultval") && !noweakdefault) {
        value = shallowCopy(local.get("_defaultval"));
      } else if (local.has(`_defaultval_flag_${flag}`) && !noweakdefault) {
        value = shallowCopy(local.get(`_defaultval_flag_${flag}`));
      }
    }

    if (content && local) {
      const appends = local.get(":append") as Array<[string, string | undefined]> | undefined;
      if (appends) {
        this.needOverrides();
        for (const [r, o] of appends)
          if (this.conditionMet(o)) value = (value === undefined ? "" : value) + r;
      }
      const prepends = local.get(":prepend") as Array<[string, string | undefined]> | undefined;
      if (prepends) {
        this.needOverrides();
        for (const [r, o] of prepends)
          if (this.conditionMet(o)) value = r + (value === undefined ? "" : value);
      }
    }

    let parser: VariableParse | null = null;
    if (expand || wantParser) {
      // Nested expansion is legitimate (reading OVERRIDES while computing a value re-enters),
      // so, like Python's recursion limit in BitBake, only a runaway depth is an error.
      if (expansionDepth >= MAX_EXPANSION_DEPTH) {
        throw pythonStyleError(
          "RecursionError",
          "maximum recursion depth exceeded while expanding variables",
        );
      }
      expansionDepth++;
      try {
        parser = this.expandWithRefs(value, cachename);
      } finally {
        expansionDepth--;
      }
    }
    if (expand && parser) value = parser.value;

    if (pyTruthy(value) && content && local) {
      const removeList = local.get(":remove") as Array<[string, string | undefined]> | undefined;
      if (removeList) {
        this.needOverrides();
        for (const [r, o] of removeList) {
          if (!this.conditionMet(o)) continue;
          removes ??= new Set();
          removes.add(r);
        }
      }
    }

    if (removes && removes.size > 0 && pyTruthy(value) && content && parser) {
      const expanded = new Map<string, string[]>();
      for (const r of removes) expanded.set(r, pySplit(String(this.expand(r) ?? "")));
      parser.removes = new Set();
      const kept: string[] = [];
      for (const piece of String(parser.value).split(WS_SPLIT)) {
        let skip = false;
        for (const r of removes) {
          if (expanded.get(r)!.includes(piece)) {
            parser.removes.add(r);
            skip = true;
          }
        }
        if (!skip) kept.push(piece);
      }
      parser.value = kept.join("");
      if (expand) value = parser.value;
    }

    if (this.filters !== null && flag === "_content" && pyTruthy(value)) {
      const colon = name.indexOf(":");
      const filter = this.filters.get(colon === -1 ? name : name.slice(0, colon));
      if (filter !== undefined) {
        if (expand) {
          value = this.applyFilter(value, filter);
          if (parser) parser.value = value;
        } else if (parser) {
          // Kept unfiltered, as BitBake keeps it: only until the next change.
          this.expandCache.readUntracked();
        }
      }
    }

    return [value, parser];
  }

  private applyFilter(value: unknown, filter: string): unknown {
    const python = this.shared.python;
    if (!python?.applyFilter) throw pythonStyleError("RuntimeError", "variable filters need Python");
    return python.applyFilter(value, filter);
  }

  /**
   * Pass the variable's expanded value (and that of its override-suffixed names) through the
   * bb.filter expression `filter` at every expanded read; null or "" removes the filter
   * (BitBake 2.16's setVarFilter). Values read since the last change keep their old form
   * until the next one, as in BitBake, whose cache the filter does not empty.
   */
  setVarFilter(name: string, filter: string | null): void {
    if ((this.filters?.get(name) ?? null) === (filter || null)) return;
    const filters = new Map(this.filters ?? []);
    if (filter) filters.set(name, filter);
    else filters.delete(name);
    this.filters = filters.size > 0 ? filters : null;
    const names = [name, ...(this.overridedata.get(name) ?? []).map(([n]) => n)];
    this.expandCache.filterChanged(names, (v) => v.seen === this.expandCache.epoch);
  }

  // ---- writing ---------------------------------------------------------------------------

  private renameError(name: string, info: LogInfo, full?: string): void {
    let where = "";
    if (info.file) where += ` file: ${info.file}`;
    if (info.line) where += ` line: ${info.line}`;
    if (full && full !== name) where += ` referenced as: ${full}`;
    if (where) where = ` (${where.trim()})`;
    const rename = String(this.shared.renames.get(name));
    const msg = rename.includes(" ")
      ? `Variable ${name} ${rename}${where}`
      : `Variable ${name} has been renamed to ${rename}${where}`;
    if (!this.shared.reportedOnce.has(msg)) {
      this.shared.reportedOnce.add(msg);
      this.shared.reporter.error(msg);
    }
  }

  /** Make sure the variable has an entry of its own (BitBake's initVar). */
  initVar(name: string): void {
    this.changed(name);
    if (!this.table.own.has(name)) this.table.set(name, new Map());
  }

  private makeShadowCopy(name: string): Entry {
    let entry = this.table.own.get(name);
    if (entry) return entry;
    const found = this.findVar(name);
    if (found && found.size > 0) {
      entry = new Map(found);
    } else {
      entry = new Map();
      this.changed(name);
    }
    this.table.set(name, entry);
    return entry;
  }

  setVar(name: string, value: unknown, info: SetInfo = {}): void {
    if (name.includes("_") && !name.startsWith("__anon_") && OLD_OPERATION.test(name)) {
      let where = name;
      if (info.file) where += ` file: ${info.file}`;
      if (info.line) where += ` line: ${info.line}`;
      const msg = `Variable ${where} contains an operation using the old override syntax. Please convert this layer/metadata before attempting to use with a newer bitbake.`;
      this.shared.reporter.error(msg);
      throw new FatalError(msg);
    }
    const colon = name.indexOf(":");
    const shortvar = colon === -1 ? name : name.slice(0, colon);
    if (this.shared.renames.has(shortvar)) {
      this.renameError(shortvar, info, name);
      this.setVar("_FAILPARSINGERRORHANDLED", true);
    }
    this.changed(name);
    const parsing = info.parsing !== undefined;
    // History entries are built only when history is kept (kiln env): most parses keep none.
    const log = (): LogInfo => ({ ...info, variable: info.variable ?? name, op: info.op || "set" });

    // Only a name with a colon can be an :append/:prepend/:remove (most are plain names).
    const m = colon === -1 ? null : SETVAR_RE.exec(name);
    if (m?.groups) {
      const { base, keyword } = m.groups;
      const override = m.groups.add;
      const list = (this.getVarFlag(base, keyword, false) as Array<[unknown, string | undefined]>) || [];
      list.push([value, override]);
      this.setVarFlag(base, keyword, list, { ignore: true });
      if (this.tracking)
        this.record({
          ...log(),
          detail: value,
          variable: base,
          op: override ? `${keyword}[${override}]` : keyword,
        });
      this.updateOverrides(base);
      if (this.overridevars.has(base)) this.updateOverrideVars(name, value);
      return;
    }

    const entry = this.makeShadowCopy(name);
    if (!parsing) {
      for (const k of KEYWORDS) entry.delete(k);
      const od = this.overridedata.get(name);
      if (od) {
        this.needOverrides();
        const active = od.filter(([, o]) => this.overrideActive(o)).map(([r]) => r);
        for (const a of active) this.delVar(a);
        this.overridedata.delete(name);
      }
    }
    if (colon !== -1) this.updateOverrides(name);
    entry.set("_content", value);
    if (this.tracking) this.record({ ...log(), detail: info.detail ?? value });
    if (this.overridevars.has(name)) this.updateOverrideVars(name, value);
  }

  setVarFlag(name: string, flag: string, value: unknown, info: LogInfo = {}): void {
    this.changed(name);
    if (name === "BB_RENAMED_VARIABLES") this.shared.renames.set(flag, value);
    if (this.shared.renames.has(name)) {
      this.renameError(name, info);
      this.setVar("_FAILPARSINGERRORHANDLED", true);
    }
    if (this.tracking)
      this.record({
        ...info,
        variable: info.variable ?? name,
        op: info.op || "set",
        flag,
        detail: info.detail ?? value,
      });
    const entry = this.makeShadowCopy(name);
    entry.set(flag, value);
    if (flag === "_defaultval" && name.includes(":")) this.updateOverrides(name);
    if (flag === "_defaultval" && this.overridevars.has(name)) this.updateOverrideVars(name, value);
    if (flag === "unexport" || flag === "export") {
      this.changed("__exportlist");
      const exports = this.makeShadowCopy("__exportlist");
      const set = new Set((exports.get("_content") as Set<string> | undefined) ?? []);
      set.add(name);
      exports.set("_content", set);
    }
  }

  appendVar(name: string, value: unknown, info: LogInfo = {}): void {
    if (this.tracking) this.record({ ...info, variable: info.variable ?? name, op: "append", detail: value });
    this.setVar(`${name}:append`, value, { ignore: true, parsing: true });
  }

  prependVar(name: string, value: unknown, info: LogInfo = {}): void {
    if (this.tracking)
      this.record({ ...info, variable: info.variable ?? name, op: "prepend", detail: value });
    this.setVar(`${name}:prepend`, value, { ignore: true, parsing: true });
  }

  delVar(name: string, info: LogInfo = {}): void {
    this.changed(name);
    if (this.tracking) this.record({ ...info, variable: info.variable ?? name, op: "del", detail: "" });
    this.table.set(name, new Map());
    this.overridedata.delete(name);
    if (!name.includes(":")) return;
    for (const [shortvar, override] of overrideSuffixes(name))
      this.overridedata.remove(shortvar, name, override);
  }

  delVarFlag(name: string, flag: string, info: LogInfo = {}): void {
    this.changed(name);
    const found = this.findVar(name);
    if (!found || found.size === 0) return;
    const entry = this.makeShadowCopy(name);
    if (entry.has(flag)) {
      if (this.tracking)
        this.record({ ...info, variable: info.variable ?? name, op: "delFlag", flag, detail: "" });
      entry.delete(flag);
      entry.delete(`_defaultval_flag_${flag}`);
    }
  }

  appendVarFlag(name: string, flag: string, value: string, info: LogInfo = {}): void {
    if (this.tracking)
      this.record({ ...info, variable: info.variable ?? name, op: "append", flag, detail: value });
    const current = this.getVarFlag(name, flag, false) || "";
    this.setVarFlag(name, flag, current + value, { ignore: true });
  }

  prependVarFlag(name: string, flag: string, value: string, info: LogInfo = {}): void {
    if (this.tracking)
      this.record({ ...info, variable: info.variable ?? name, op: "prepend", flag, detail: value });
    const current = this.getVarFlag(name, flag, false) || "";
    this.setVarFlag(name, flag, value + current, { ignore: true });
  }

  setVarFlags(name: string, flags: Record<string, unknown>, info: LogInfo = {}): void {
    this.changed(name);
    const entry = this.makeShadowCopy(name);
    for (const [k, v] of Object.entries(flags)) {
      if (k === "_content") continue;
      if (this.tracking) this.record({ ...info, variable: info.variable ?? name, flag: k, detail: v });
      entry.set(k, v);
    }
  }

  /**
   * The flags of a variable (internal ones hidden unless asked), or undefined when it has none.
   * `expand` lists flag names whose values are expanded.
   */
  getVarFlags(
    name: string,
    expand: string[] | boolean = false,
    internal = false,
  ): Record<string, unknown> | undefined {
    this.expandCache.read(name);
    const local = this.findVar(name);
    const flags: Record<string, unknown> = {};
    if (local && local.size > 0) {
      for (const [k, v] of local) {
        let key = k;
        if (key.startsWith("_defaultval_flag_") && !internal) {
          key = key.slice("_defaultval_flag_".length);
          if (!local.has(key)) flags[key] = v;
        } else if ((key.startsWith("_") || key.startsWith(":")) && !internal) {
          continue;
        } else {
          flags[key] = v;
        }
        if (expand === true || (Array.isArray(expand) && expand.includes(key))) {
          if (key in flags) flags[key] = this.expand(flags[key], `${name}[${key}]`);
        }
      }
    }
    return Object.keys(flags).length === 0 ? undefined : flags;
  }

  delVarFlags(name: string, info: LogInfo = {}): void {
    this.changed(name);
    const entry = this.makeShadowCopy(name);
    if (this.tracking) this.record({ ...info, variable: info.variable ?? name, op: "delete flags" });
    if (entry.has("_content")) {
      this.table.set(name, new Map([["_content", entry.get("_content")]]));
    } else {
      // BitBake drops the local entry, which makes an ancestor's entry visible again.
      this.table.delete(name);
    }
  }

  renameVar(key: string, newkey: string, info: LogInfo = {}): void {
    if (key === newkey) {
      this.shared.reporter.warn(`Calling renameVar with equivalent keys (${key}) is invalid`);
      return;
    }
    // Nothing to move, the common case (OpenEmbedded renames every package variable of every
    // package of a class-extended recipe): the lookups below would all come back empty. BitBake
    // 2.19 returns there. Older releases go on: they record the rename in the old name's
    // history, delete the old name, which empties their expansion cache (what variable filters,
    // from 2.16 on, let metadata see), and index the new name under its base's overrides though
    // it holds nothing (seen only were that override active; not reproduced: doing so costs 7%
    // of a walnascar parse, ab.sh-measured, for an answer no metadata of the stacks depends on).
    if (this.findVar(key) === undefined && !this.overridedata.has(key)) {
      this.expandCache.read(key);
      if (this.bitbakeAtLeast(2, 19)) return;
      if (this.tracking) this.record({ ...info, variable: key, op: "rename (to)", detail: newkey });
      if (this.bitbakeAtLeast(2, 16)) this.changed(key);
      return;
    }
    let found = false;
    const val = this.getVar(key, false, { parsing: true });
    if (val !== undefined) {
      if (this.tracking) this.history.renameVariable(key, newkey);
      if (this.tracking) this.record({ ...info, variable: newkey, op: `rename from ${key}`, detail: val });
      this.setVar(newkey, val, { ignore: true, parsing: true });
      found = true;
    }
    const srcflags = this.getVarFlags(key, false, true) ?? {};
    for (const k of Object.keys(srcflags)) {
      if (!(KEYWORDS as readonly string[]).includes(k)) continue;
      const dest = ((this.getVarFlag(newkey, k, false) as unknown[]) || []).concat(srcflags[k] as unknown[]);
      this.setVarFlag(newkey, k, dest, { ignore: true });
      found = true;
    }
    const od = this.overridedata.get(key);
    if (od) {
      found = true;
      const moved: Array<[string, string]> = [];
      this.overridedata.set(newkey, moved);
      this.changed(newkey);
      // A copy: renaming each name takes it out of this list.
      for (const [v, o] of [...od]) {
        const renamed = v.split(key).join(newkey);
        moved.push([renamed, o]);
        this.renameVar(v, renamed);
      }
    }
    if (!found) return;
    if (newkey.includes(":") && val === undefined) this.updateOverrides(newkey);
    if (this.tracking) this.record({ ...info, variable: key, op: "rename (to)", detail: newkey });
    this.delVar(key, { ignore: true });
  }

  /** Replace `${variable}` by its value in this store's own variables (BitBake's expandVarref). */
  expandVarref(variable: string): void {
    const ref = "${" + variable + "}";
    const value = String(this.getVar(variable, false) ?? "None");
    for (const key of [...this.table.own.keys()]) {
      const current = this.getVar(key, false);
      if (typeof current === "string" && current.includes(ref))
        this.setVar(key, current.split(ref).join(value));
    }
  }

  /** Names of variables defined in this store itself (not inherited from the one it copies). */
  localKeys(): string[] {
    this.expandCache.readUntracked();
    return [...this.table.own.keys()];
  }

  /** The names keys() yields that hold "${", in the same order (BitBake's expandKeys looks at
   * these only, and there are few of them among thousands of keys). */
  keysWithReferences(): string[] {
    return this.visibleKeys(true);
  }

  /** The keys whose expanded `flag` is true, in keys() order (bb.build.tasksbetween's list of
   * tasks). Only variables that have the flag (or its weak default) are expanded. */
  keysWithFlag(flag: string): string[] {
    const weak = `_defaultval_flag_${flag}`;
    return this.keys().filter((k) => {
      const entry = this.findVar(k);
      if (!entry || !(entry.has(flag) || entry.has(weak))) return false;
      return pyTruthy(this.getVarFlag(k, flag));
    });
  }

  /** Every variable name visible, as BitBake's iteration over a datastore yields them. */
  keys(): string[] {
    return this.visibleKeys(false);
  }

  /** keys(), or only the names holding "${" (looked up in the tables' indexes of those). */
  private visibleKeys(onlyWithReferences: boolean): string[] {
    this.expandCache.readUntracked();
    const deleted = new Set<string>();
    const result = new Set<string>();
    for (let t: VarTable | null = this.table; t; t = t.parent) {
      for (const k of onlyWithReferences ? t.namesWithReferences : t.own.keys()) {
        if (deleted.has(k)) continue;
        if (t.own.get(k)!.size === 0) {
          deleted.add(k);
          continue;
        }
        result.add(k);
      }
    }
    this.needOverrides();
    const out = [...result];
    for (const name of this.overridedata.names(onlyWithReferences)) {
      if (result.has(name)) continue;
      if ((this.overridedata.get(name) ?? []).some(([, o]) => this.overrideActive(o))) out.push(name);
    }
    // BitBake also yields overridden names already listed a second time; callers de-duplicate.
    return out;
  }
}

/** Rename every key containing `${...}` to its expansion (BitBake's expandKeys). */
export function expandKeys(d: DataStore): void {
  const todo = new Map<string, string>();
  for (const key of d.keysWithReferences()) {
    const ekey = d.expandString(key);
    if (ekey !== key) todo.set(key, ekey);
  }
  for (const key of [...todo.keys()].sort(pyCompare)) {
    const ekey = todo.get(key)!;
    const existing = d.getVar(ekey, false);
    if (existing !== undefined) {
      const val = d.getVar(key, false);
      if (val !== undefined) {
        d.reporter.warn(`Variable key ${key} (${val}) replaces original key ${ekey} (${existing}).`);
      }
    }
    d.renameVar(key, ekey);
  }
}

/** What the expansion cache keeps of a lookup's result. */
const keepParser = ([, parser]: [unknown, VariableParse | null]) => parser;

/** Python's default string ordering (by code point). */
export function pyCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 units order like code points except where a surrogate pair meets a unit above it.
    if (x < 0xd800 && y < 0xd800) return x - y;
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function isUnterminatedString(message: string): boolean {
  return (
    message.includes("EOL while scanning string literal") || message.includes("unterminated string literal")
  );
}

/** An error shaped like a Python exception, for failures the datastore itself detects. */
export function pythonStyleError(pythonType: string, message: string): Error & PythonFailure {
  const e = new Error(message) as Error & PythonFailure;
  e.pythonType = pythonType;
  return e;
}

function describeError(e: unknown): { type: string; message: string } {
  if (isPythonFailure(e)) return { type: e.pythonType, message: e.message };
  if (e instanceof Error) return { type: e.name, message: e.message };
  return { type: "Exception", message: String(e) };
}

function pyTypeName(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "list";
  if (v instanceof Set) return "set";
  return "object";
}
