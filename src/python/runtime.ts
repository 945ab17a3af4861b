// The embedded CPython that runs metadata Python, and the bridge between it and the datastore.
// Python sees `d` (kiln_runtime.DataSmart) whose methods call the functions of `bridge` below
// with a numeric handle naming the datastore; Python releases a handle when its `d` object dies.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import os, { constants as osConstants } from "node:os";
import path from "node:path";
import { isMainThread } from "node:worker_threads";
import {
  DataStore,
  expandKeys,
  FatalError,
  type InlinePython,
  PythonError,
  pyStr,
  type Reporter,
  SkipRecipe,
} from "../data/index.js";
import { STARTING_ENV } from "../util/process-env.js";
import { PYTHON_LIB_DIR } from "../util/source-identity.js";
import { nativeAvailable, noteFallback, type PythonEngine, startPyodide, tryStartNative } from "./engine.js";

export { PYTHON_LIB_DIR };

export type LogLevel = "debug" | "note" | "plain" | "verbnote" | "warn" | "error" | "fatal";
export type LogSink = (level: LogLevel, message: string) => void;

const defaultSink: LogSink = (level, message) => {
  if (level === "debug") return;
  const tag = level === "warn" ? "WARNING" : level === "plain" ? "" : level.toUpperCase();
  process.stderr.write(tag ? `${tag}: ${message}\n` : `${message}\n`);
};

/** A Python callable, as the engine holds it. */
type PyCallable = object;

interface RuntimeFunctions {
  guard: PyCallable;
  takeError: PyCallable;
  takeJsError: PyCallable;
  evalInline: PyCallable;
  wrap: PyCallable;
  insertMethod: PyCallable;
  insertCompiled: PyCallable;
  callerLocation: PyCallable;
  runAnonymous: PyCallable;
  execCode: PyCallable;
  addPylib: PyCallable;
  registerHandlers: PyCallable;
  fireEvent: PyCallable;
  saveHandlers: PyCallable;
  restoreHandlers: PyCallable;
  fireMultiConfigParsed: PyCallable;
  analyse: PyCallable;
  runExtraDepends: PyCallable;
  runFunction: PyCallable;
  applyFilter: PyCallable;
}

/**
 * A service the host offers to metadata Python (bb.fetch2 downloading, bb.build running a shell
 * function): called synchronously with the calling datastore and JSON-able arguments.
 */
export type HostCall = (d: DataStore, args: unknown) => unknown;

/** A host service that needs no datastore (bb.codeparser's shell parser). */
export type HostTool = (args: unknown) => unknown;

/** A host call's failure as Python should raise it (`kind` names the exception class). */
export class HostCallError extends Error {
  constructor(
    message: string,
    readonly kind = "Exception",
  ) {
    super(message);
  }
}

/** fn's result; whatever it throws reaches Python as the exception class `kind` (e.g.
 * "FuncFailed" for bb.build.FuncFailed) with the error's message. */
export function raisingAs<T>(kind: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new HostCallError((e as Error).message ?? String(e), kind);
  }
}

/** What a piece of Python reads and calls (see kiln_codeparser.py). */
export interface CodeAnalysis {
  references: string[];
  execs: string[];
  contains: Record<string, string[]>;
}

export class PythonRuntime implements InlinePython {
  private readonly stores = new Map<number, DataStore>();
  private readonly ids = new WeakMap<DataStore, number>();
  private nextId = 1;
  private readonly fns: RuntimeFunctions;
  /** What kiln_runtime.guard returns when the call failed. */
  private readonly failed: string;
  log: LogSink = defaultSink;
  /** Words put before every program metadata Python runs (network namespace, fakeroot). */
  spawnPrefix: string[] = [];
  private readonly hostCalls = new Map<string, HostCall>();
  private readonly hostTools = new Map<string, HostTool>();
  /** The layer libraries made importable (`addpylib DIR NAMESPACE`), in the order first seen. */
  readonly layerLibraries: Array<{ dir: string; namespace: string }> = [];
  /** For statements defining Python functions: where kiln_runtime keeps their compiled code. */
  private readonly compiledMethods = new WeakMap<object, number>();

  private constructor(readonly engine: PythonEngine) {
    engine.exec(
      `import sys\nif ${JSON.stringify(PYTHON_LIB_DIR)} not in sys.path: sys.path.insert(0, ${JSON.stringify(PYTHON_LIB_DIR)})`,
    );
    if (process.env.KILN_DEV_PYLIB)
      engine.exec(`import sys; sys.path.insert(0, ${JSON.stringify(process.env.KILN_DEV_PYLIB)})`);
    const mod = engine.import("kiln_runtime");
    // A developer's aid: profile metadata Python and write the statistics at exit (with
    // several parsers each writes the file; use -j 1).
    if (process.env.KILN_PYPROFILE) {
      engine.exec("import cProfile\n_kprof = cProfile.Profile()\n_kprof.enable()");
      process.on("exit", () =>
        engine.exec(`_kprof.disable(); _kprof.dump_stats(${JSON.stringify(process.env.KILN_PYPROFILE)})`),
      );
    }
    engine.call(engine.get(mod, "attach") as PyCallable, this.makeBridge());
    const get = (name: string) => engine.get(mod, name) as PyCallable;
    this.failed = engine.get(mod, "FAILED") as string;
    this.fns = {
      guard: get("guard"),
      takeError: get("take_error"),
      takeJsError: get("take_js_error"),
      evalInline: get("eval_inline"),
      wrap: get("wrap"),
      insertMethod: get("insert_method"),
      insertCompiled: get("insert_compiled"),
      callerLocation: get("caller_location"),
      runAnonymous: get("run_anonymous"),
      execCode: get("exec_code"),
      addPylib: get("add_pylib"),
      registerHandlers: get("register_handlers"),
      fireEvent: get("fire_event"),
      saveHandlers: get("save_handlers"),
      restoreHandlers: get("restore_handlers"),
      fireMultiConfigParsed: get("fire_multiconfig_parsed"),
      analyse: engine.get(engine.import("kiln_codeparser"), "analyse_json") as PyCallable,
      runExtraDepends: get("run_extra_depends"),
      runFunction: get("run_function"),
      applyFilter: get("apply_filter"),
    };
  }

  /** Start Python: the native engine on the main thread when it is built, Pyodide otherwise. */
  static async start(opts: { cacheDir?: string } = {}): Promise<PythonRuntime> {
    const native = nativeAvailable() ? tryStartNative(opts) : undefined;
    // Worker threads use Pyodide by design; a main thread without native Python says why.
    if (!native && isMainThread) noteFallback();
    return new PythonRuntime(native ?? (await startPyodide(opts)));
  }

  /** The handle Python uses for a datastore (allocated on first use). */
  handle(d: DataStore): number {
    let id = this.ids.get(d);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(d, id);
      this.stores.set(id, d);
    }
    return id;
  }

  private store(id: number): DataStore {
    const d = this.stores.get(id);
    if (!d) throw new Error(`kiln internal error: Python used a released datastore handle ${id}`);
    return d;
  }

  /** The datastore behind a handle Python passed as an argument (another `d`'s `_h`). */
  datastore(handle: number): DataStore {
    return this.store(handle);
  }

  /** Where a datastore made by metadata Python (bb.data.init()) reports: this runtime's log. */
  private readonly logReporter: Reporter = {
    warn: (m) => this.log("warn", m),
    error: (m) => this.log("error", m),
    note: (m) => this.log("note", m),
  };

  /** Call into Python, turning a Python failure into the matching kiln error. */
  private call(fn: PyCallable, ...args: unknown[]): unknown {
    let result: unknown;
    try {
      result = this.engine.call(this.fns.guard, fn, ...args);
    } catch (e) {
      if (!this.engine.isPythonError(e)) throw e;
      result = this.failed;
    }
    if (result !== this.failed) return result;
    const info = JSON.parse(this.engine.call(this.fns.takeError) as string) as {
      type: string;
      message: string;
      file?: string;
      line?: number;
      traceback?: string;
    };
    if (info.type === "JsException") throw this.engine.call(this.fns.takeJsError);
    if (info.type === "SkipRecipe" || info.type === "SkipPackage") throw new SkipRecipe(info.message);
    if (info.type === "BBHandledException") throw new FatalError(info.message);
    throw new PythonError(
      info.type,
      info.message,
      info.file ?? undefined,
      info.line ?? undefined,
      info.traceback,
    );
  }

  /**
   * Run a recipe's calculate_extra_depends (its expanded text) on its DEPENDS names; the names
   * after it ran (BitBake's TaskData.add_extra_deps).
   */
  extraDepends(pn: string, body: string, deps: string[], world: string[]): string[] {
    const name = `_${pn.replaceAll("-", "_")}_calculate_extra_depends`;
    return JSON.parse(this.call(this.fns.runExtraDepends, name, body, deps, world, pn) as string) as string[];
  }

  private readonly analyses = new Map<string, CodeAnalysis>();

  /** The variables a piece of Python reads, the functions it calls, its contains-checks. */
  analyse(code: string): CodeAnalysis {
    let found = this.analyses.get(code);
    if (!found) {
      const [references, execs, contains] = JSON.parse(this.engine.call(this.fns.analyse, code) as string);
      found = { references, execs, contains };
      this.analyses.set(code, found);
    }
    return found;
  }

  applyFilter(value: unknown, expression: string): unknown {
    return this.call(this.fns.applyFilter, this.shareable(value), expression);
  }

  /** A Python object handed back to Python may be consumed by the call (Pyodide): hand out a
   * shared copy of what the datastore keeps. */
  private shareable(v: unknown): unknown {
    return this.engine.isPyObject(v) ? this.engine.share(v) : v;
  }

  evalInline(code: string, varname: string | null, d: DataStore): string {
    return this.call(this.fns.evalInline, code, varname ?? undefined, this.handle(d)) as string;
  }

  /**
   * Define functions (a `def` block or an anonymous function) in the shared Python context.
   * `source`, when given, is the statement that defines them: evaluated again (every recipe that
   * inherits a class does), its code is neither sent nor compiled again.
   */
  insertMethod(name: string, text: string, file: string, lineOffset: number, source?: object): void {
    const known = source ? this.compiledMethods.get(source) : undefined;
    if (known !== undefined) {
      this.call(this.fns.insertCompiled, known);
      return;
    }
    const index = this.call(this.fns.insertMethod, name, text, file, lineOffset, source !== undefined);
    if (source) this.compiledMethods.set(source, index as number);
  }

  /** Run the named anonymous functions, in order, with `d`. */
  runAnonymous(names: string[], d: DataStore): void {
    if (names.length > 0) this.call(this.fns.runAnonymous, names, this.handle(d));
  }

  /** Run the metadata Python function `name` (a `python name() {...}` of `d`) with `d`. */
  runFunction(name: string, d: DataStore): void {
    this.call(this.fns.runFunction, name, this.handle(d));
  }

  /** Offer `fn` to metadata Python as kiln_runtime.host_call(name, d, args). */
  provide(name: string, fn: HostCall): void {
    this.hostCalls.set(name, fn);
  }

  /** Offer `fn` to metadata Python as a service that needs no datastore (see bb/_host.py). */
  provideTool(name: string, fn: HostTool): void {
    this.hostTools.set(name, fn);
  }

  /** Where Python's print() and stray output go (a task's log while it runs). */
  setOutput(write: (text: string) => void): void {
    this.engine.setOutput(write);
  }

  /** Run Python statements with `d` in scope. */
  exec(code: string, d: DataStore, file = "<code>"): void {
    this.call(this.fns.execCode, code, this.handle(d), file);
  }

  /** BitBake's addpylib: make `namespace` from `dir` importable and visible to metadata. */
  addPyLib(dir: string, namespace: string, globalModules: string[]): void {
    if (!this.layerLibraries.some((l) => l.dir === dir && l.namespace === namespace))
      this.layerLibraries.push({ dir, namespace });
    this.call(this.fns.addPylib, dir, namespace, globalModules);
  }

  /** Make Python's working directory and os.environ those of the command being served. */
  setProcessContext(cwd: string, env: NodeJS.ProcessEnv): void {
    this.engine.chdir(cwd);
    this.engine.exec(
      `import os, json\nos.chdir(${JSON.stringify(cwd)})\nos.environ.clear()\nos.environ.update(json.loads(${JSON.stringify(JSON.stringify(env))}))`,
    );
  }

  /** Set Python's umask (os.umask: the process's with native Python, the interpreter's own in
   * Pyodide, see umask.ts). */
  setUmask(mask: number): void {
    this.engine.exec(`import os\nos.umask(${mask})`);
  }

  /** Register the event handlers listed in __BBHANDLERS (from `addhandler`). */
  registerHandlers(d: DataStore): void {
    this.call(this.fns.registerHandlers, this.handle(d));
  }

  /** Fire bb.event.<name>(...args) at the registered handlers, with `d`. */
  fireEvent(name: string, args: unknown[], d: DataStore): void {
    this.call(this.fns.fireEvent, name, args, this.handle(d));
  }

  /** Fire bb.event.MultiConfigParsed with every multiconfig's datastore, at `d`. */
  fireMultiConfigParsed(all: Map<string, DataStore>, d: DataStore): void {
    const names = [...all.keys()];
    this.call(
      this.fns.fireMultiConfigParsed,
      names,
      names.map((n) => this.handle(all.get(n)!)),
      this.handle(d),
    );
  }

  /** Run `fn` with the handler registry restored afterwards (recipe handlers are per recipe). */
  withHandlersRestored<T>(fn: () => T): T {
    this.call(this.fns.saveHandlers);
    try {
      return fn();
    } finally {
      this.call(this.fns.restoreHandlers);
    }
  }

  /** The functions Python's `d` calls. Values cross as plain JS values or Python objects. */
  private makeBridge(): Record<string, unknown> {
    const engine = this.engine;
    // A datastore stored as a value (BB_ORIGENV) becomes its `d`.
    const keep = (v: unknown): unknown => this.shareable(v);
    const out = (v: unknown): unknown =>
      v instanceof DataStore ? engine.call(this.fns.wrap, this.handle(v)) : keep(v);
    // Where a write from Python comes from, asked only when the datastore keeps history.
    const at = (id: number): { file?: string; line?: number } => {
      if (!this.store(id).tracking) return {};
      const [file, line] = (engine.call(this.fns.callerLocation) as string).split("\0");
      return { file, line: Number(line) };
    };
    return {
      log: (level: LogLevel, message: string) => this.log(level, message),
      spawn: (argv: unknown, cwd: string, envJson: string, input: Uint8Array) =>
        runProgram([...this.spawnPrefix, ...Array.from(argv as Iterable<string>)], cwd, envJson, input),
      host: (name: string, id: number, argsJson: string) => {
        const fn = this.hostCalls.get(name);
        if (!fn) return JSON.stringify({ error: `kiln has no host service '${name}'`, kind: "Exception" });
        try {
          return JSON.stringify({ value: fn(this.store(id), JSON.parse(argsJson)) ?? null });
        } catch (e) {
          const kind = e instanceof HostCallError ? e.kind : "Exception";
          return JSON.stringify({ error: (e as Error).message ?? String(e), kind });
        }
      },
      tool: (name: string, argsJson: string) => {
        const fn = this.hostTools.get(name);
        if (!fn) return JSON.stringify({ error: `kiln has no host service '${name}'`, kind: "Exception" });
        try {
          return JSON.stringify({ value: fn(JSON.parse(argsJson)) ?? null });
        } catch (e) {
          const kind = e instanceof HostCallError ? e.kind : "Exception";
          return JSON.stringify({ error: (e as Error).message ?? String(e), kind });
        }
      },
      hostInfo: () => JSON.stringify(hostInfo()),
      // bb.data.init(): a new, empty datastore evaluating ${@...} here.
      newStore: () => this.handle(DataStore.create({ python: this, reporter: this.logReporter })),
      expandKeys: (id: number) => expandKeys(this.store(id)),
      release: (id: number) => {
        const d = this.stores.get(id);
        this.stores.delete(id);
        if (d) this.ids.delete(d);
      },
      getExpanded: (id: number, name: string) => out(this.store(id).getVar(name)),
      getVar: (id: number, name: string, expand: boolean, noweakdefault: boolean, parsing: boolean) =>
        out(this.store(id).getVar(name, expand, { noweakdefault, parsing })),
      getVarFlag: (id: number, name: string, flag: string, expand: boolean, noweakdefault: boolean) =>
        out(this.store(id).getVarFlag(name, flag, expand, { noweakdefault })),
      getVarFlags: (id: number, name: string, expand: boolean | string[], internal: boolean) => {
        const names = typeof expand === "boolean" ? expand : Array.from(expand as Iterable<string>);
        const flags = this.store(id).getVarFlags(name, names, internal);
        return flags ? new Map(Object.entries(flags).map(([k, v]) => [k, out(v)])) : undefined;
      },
      expand: (id: number, s: unknown, varname?: string) =>
        out(this.store(id).expand(keep(s), varname ?? null)),
      // expandWithRefs with everything BitBake's VariableParse carries: the value, the variables
      // referenced, the functions inline Python calls and its bb.utils.contains-style checks.
      parseValue: (id: number, s: unknown, varname?: string) => {
        const parse = this.store(id).expandWithRefs(keep(s), varname ?? null);
        const contains = [...parse.contains].map(([k, items]) => [k, [...items]]);
        return [out(parse.value), JSON.stringify([[...parse.references], [...parse.execs], contains])];
      },
      keys: (id: number) => this.store(id).keys(),
      // For register_handlers: [name, whether it has a file] of each handler in __BBHANDLERS
      // (each event mask expanded, as BitBake expands them all), then [name, filename, lineno,
      // eventmask (expanded), body] of those Python has not registered yet, as JSON.
      handlerNames: (id: number) => {
        const d = this.store(id);
        const names = (d.getVar("__BBHANDLERS", false) as string[] | undefined) ?? [];
        return JSON.stringify(
          names.map((name) => {
            d.getVarFlag(name, "eventmask");
            return [name, Boolean(d.getVarFlag(name, "filename", false))];
          }),
        );
      },
      handlers: (id: number, namesJson: string) => {
        const d = this.store(id);
        return JSON.stringify(
          (JSON.parse(namesJson) as string[]).map((name) => [
            name,
            d.getVarFlag(name, "filename", false) ?? null,
            d.getVarFlag(name, "lineno", false) ?? null,
            d.getVarFlag(name, "eventmask") ?? null,
            d.getVar(name, false) ?? null,
          ]),
        );
      },
      keysWithFlag: (id: number, flag: string) => this.store(id).keysWithFlag(flag),
      anyItemEndsWith: (id: number, name: string, suffix: string) => {
        const value = this.store(id).getVar(name, false);
        if (value === undefined) return false;
        if (!Array.isArray(value)) return null; // a Python object: Python looks itself
        return value.some((item) => typeof item === "string" && item.endsWith(suffix));
      },
      localKeys: (id: number) => this.store(id).localKeys(),
      hasOverrides: (id: number, name: string) => this.store(id).hasOverrides(name),
      initVar: (id: number, name: string) => this.store(id).initVar(name),
      overrides: (id: number) => this.store(id).activeOverrides(),
      setVar: (id: number, name: string, value: unknown, parsing: boolean) =>
        this.store(id).setVar(name, keep(value), { ...at(id), parsing: parsing || undefined }),
      setVarFlag: (id: number, name: string, flag: string, value: unknown) =>
        this.store(id).setVarFlag(name, flag, keep(value), at(id)),
      delVar: (id: number, name: string) => this.store(id).delVar(name, at(id)),
      delVarFlag: (id: number, name: string, flag: string) => this.store(id).delVarFlag(name, flag, at(id)),
      delVarFlags: (id: number, name: string) => this.store(id).delVarFlags(name, at(id)),
      appendVar: (id: number, name: string, value: unknown) =>
        this.store(id).appendVar(name, keep(value), at(id)),
      prependVar: (id: number, name: string, value: unknown) =>
        this.store(id).prependVar(name, keep(value), at(id)),
      appendVarFlag: (id: number, name: string, flag: string, value: string) =>
        this.store(id).appendVarFlag(name, flag, value, at(id)),
      prependVarFlag: (id: number, name: string, flag: string, value: string) =>
        this.store(id).prependVarFlag(name, flag, value, at(id)),
      renameVar: (id: number, key: string, newkey: string) => this.store(id).renameVar(key, newkey, at(id)),
      expandVarref: (id: number, variable: string) => this.store(id).expandVarref(variable),
      setVarFilter: (id: number, name: string, filter: string | null) =>
        this.store(id).setVarFilter(name, filter ?? null),
      createCopy: (id: number) => this.handle(this.store(id).createCopy()),
      tracking: (id: number, on: boolean) => {
        this.store(id).tracking = on;
      },
      history: (id: number, name: string) =>
        JSON.stringify(
          this.store(id)
            .history.variable(name)
            .map((e) => ({ ...e, detail: pyStr(e.detail) })),
        ),
    };
  }
}

/** The real machine, for metadata Python (Pyodide would otherwise report a WebAssembly one). */
function hostInfo() {
  const python = (STARTING_ENV.PATH ?? "")
    .split(":")
    .map((dir) => path.join(dir, "python3"))
    .find((p) => existsSync(p));
  return {
    sysname: os.type(),
    nodename: os.hostname(),
    release: os.release(),
    version: os.version(),
    machine: os.machine(),
    cpus: os.availableParallelism(),
    uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0,
    pid: process.pid,
    ppid: process.ppid,
    login: os.userInfo().username,
    python: python ?? "/usr/bin/python3",
  };
}

/** Run a program to completion for metadata Python (Pyodide cannot fork; see kiln_subprocess.py). */
function runProgram(args: string[], cwd: string, envJson: string, input: Uint8Array) {
  const r = spawnSync(args[0], args.slice(1), {
    cwd,
    env: JSON.parse(envJson) as NodeJS.ProcessEnv,
    input: Buffer.from(input),
    maxBuffer: 1 << 30,
  });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  return {
    status: r.status,
    signal: r.signal ? (osConstants.signals[r.signal] ?? 9) : null,
    stdout: new Uint8Array(r.stdout ?? []),
    stderr: new Uint8Array(r.stderr ?? []),
    error: code ?? null,
  };
}
