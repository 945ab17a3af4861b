// Running one task of a recipe, as bitbake-worker does: the task's [dirs] made and [cleandirs]
// emptied, its [lockfiles] held, then its [prefuncs], the task function and its [postfuncs] in
// turn. Shell functions run with bash from ${T}/run.FUNC.TAG; Python functions run in the
// embedded interpreter with `d`. Everything they print goes to ${T}/log.TASK.TAG, with
// ${T}/log.TASK pointing at the newest log.

import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { type DataStore, FatalError, isTrueWord, PythonError } from "../data/index.js";
import { HostCallError, type PythonRuntime } from "../python/index.js";
import { pySplit } from "../syntax/index.js";
import { acquireLock, type HeldLock } from "../util/lock.js";
import { STARTING_CWD, STARTING_ENV, STARTING_UMASK } from "../util/process-env.js";
import { sandboxPrefix } from "./sandbox.js";
import { exportedVariables, shellScript } from "./script.js";

export interface TaskRun {
  python: PythonRuntime;
  /** This task's own datastore (a copy: the task may change it). */
  d: DataStore;
  task: string;
  /** Makes this run's file names unique (BitBake uses the worker's process id). */
  tag: string;
  /** A shell function's process started (pid, its script) or ended: for cleaning up after a kill. */
  onProcess?: (pid: number, script: string, running: boolean) => void;
  /** Warnings and errors also shown on the console. */
  onMessage?: (line: string) => void;
}

export type TaskOutcome = { ok: true; logFile: string } | { ok: false; logFile: string; message: string };

/** Where a recipe's [fakeroot] tasks keep the owners and modes they gave files. */
export function fakerootStateFile(d: DataStore): string {
  return path.join(String(d.getVar("WORKDIR")), "pseudo", "fakeroot.state");
}

/** The environment every task starts from (BitBake also cleans its environment). */
const PASSED_THROUGH = ["PATH", "HOME", "LANG", "LC_ALL", "LOGNAME", "USER", "SHELL", "TERM", "TZ"];

export function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) if (STARTING_ENV[name] !== undefined) env[name] = STARTING_ENV[name]!;
  return env;
}

/** The exported variables of `d` on top of the base environment ([unexport] ones removed). */
function taskEnvironment(d: DataStore): Record<string, string> {
  const env = baseEnvironment();
  for (const [name, value] of exportedVariables(d)) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}

const flagWords = (d: DataStore, name: string, flag: string) =>
  pySplit(String(d.getVarFlag(name, flag) ?? ""));

/** Make [dirs] (the last is where the function runs; ${B} when none) after emptying [cleandirs]. */
function prepareDirs(d: DataStore, func: string): string {
  for (const dir of flagWords(d, func, "cleandirs")) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  const dirs = flagWords(d, func, "dirs");
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  const cwd = dirs.at(-1) ?? String(d.getVar("B") ?? d.getVar("WORKDIR") ?? "/");
  mkdirSync(cwd, { recursive: true });
  return cwd;
}

export async function runTask(run: TaskRun): Promise<TaskOutcome> {
  const { d, task, python, tag } = run;
  const tdir = String(d.getVar("T"));
  mkdirSync(tdir, { recursive: true });
  const logFile = path.join(tdir, `log.${task}.${tag}`);
  const log = openSync(logFile, "a");
  const link = path.join(tdir, `log.${task}`);
  rmSync(link, { force: true });
  symlinkSync(path.basename(logFile), link);
  const write = (text: string) => writeSync(log, text.endsWith("\n") ? text : `${text}\n`);

  d.setVar("BB_RUNTASK", task);
  d.setVar("BB_CURRENTTASK", task.replace(/^do_/, ""));
  const network = isTrueWord(d.getVarFlag(task, "network"));
  const fakerootState = isTrueWord(d.getVarFlag(task, "fakeroot")) ? fakerootStateFile(d) : undefined;
  // Asked for each time a program starts: fakeroot's records are pruned against what exists then.
  const sandbox = () => sandboxPrefix({ network, fakerootState });
  // Set from the task's [umask] when the task starts (it may be invalid: a task failure).
  let umask = "";
  const env = taskEnvironment(d);
  const locks: HeldLock[] = [];

  const scriptFor = (func: string, cwd: string) => {
    const script = path.join(tdir, `run.${func}.${tag}`);
    writeFileSync(script, shellScript(d, func, cwd, umask), { mode: 0o755 });
    write(`DEBUG: Executing shell function ${func}`);
    return script;
  };
  const failedShell = (func: string, code: number | null, signal: string | null) =>
    signal ? `${func} was killed by signal ${signal}` : `${func} failed with exit code '${code}'`;

  // Python's bb.build.exec_func(shell function): run now, synchronously, into the same log.
  python.provide("exec.shell", (dd, args) => {
    const { func, cwd } = args as { func: string; cwd: string | null };
    const where = cwd ?? prepareDirs(dd, func);
    const script = scriptFor(func, where);
    const argv = [...sandbox(), "bash", script];
    const r = spawnSync(argv[0], argv.slice(1), {
      cwd: where,
      env,
      stdio: ["ignore", log, log],
    });
    if (r.status !== 0) throw new HostCallError(failedShell(func, r.status, r.signal), "FuncFailed");
    return null;
  });

  const runShell = async (func: string, cwd: string) => {
    const script = scriptFor(func, cwd);
    const argv = [...sandbox(), "bash", script];
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ["ignore", log, log], detached: true });
    if (child.pid) run.onProcess?.(child.pid, script, true);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => {
      child.once("error", (e) => {
        write(`ERROR: ${e.message}`);
        resolve([127, null]);
      });
      child.once("exit", (c, s) => resolve([c, s]));
    });
    if (child.pid) run.onProcess?.(child.pid, script, false);
    if (code !== 0) throw new TaskFailure(failedShell(func, code, signal));
    write(`DEBUG: Shell function ${func} finished`);
  };

  const runPython = (func: string, cwd: string) => {
    write(`DEBUG: Executing python function ${func}`);
    python.setProcessContext(cwd, env);
    python.spawnPrefix = sandbox();
    python.runFunction(func, d);
    write(`DEBUG: Python function ${func} finished`);
  };

  const runFunc = async (func: string) => {
    const cwd = prepareDirs(d, func);
    if (d.getVarFlag(func, "python", false)) runPython(func, cwd);
    else await runShell(func, cwd);
  };

  const savedLog = python.log;
  python.log = (level, message) => {
    if (level === "debug") return;
    const tag =
      level === "warn"
        ? "WARNING"
        : level === "plain"
          ? ""
          : level === "fatal"
            ? "ERROR"
            : level.toUpperCase();
    write(tag ? `${tag}: ${message}` : message);
    if (level === "warn" || level === "error" || level === "fatal") run.onMessage?.(`${tag}: ${message}`);
  };
  python.setOutput((text) => write(text));
  try {
    const mask = taskUmask(d, task);
    umask = mask.toString(8).padStart(3, "0");
    python.setUmask(mask);
    for (const file of flagWords(d, task, "lockfiles")) locks.push(await acquireLock(file));
    for (const func of [...flagWords(d, task, "prefuncs"), task, ...flagWords(d, task, "postfuncs")]) {
      await runFunc(func);
    }
    return { ok: true, logFile };
  } catch (e) {
    const message = failureMessage(e);
    if (e instanceof PythonError && e.traceback) write(e.traceback);
    if (!(e instanceof FatalError)) write(`ERROR: ${message}`);
    return { ok: false, logFile, message };
  } finally {
    for (const lock of locks.reverse()) lock.release();
    python.log = savedLog;
    python.setOutput((text) => process.stderr.write(`${text}\n`));
    python.spawnPrefix = [];
    // The next task (or recipe parse) starts from this process's own environment, directory and
    // umask, not from what this task's Python functions were given.
    python.setProcessContext(STARTING_CWD, STARTING_ENV);
    python.setUmask(STARTING_UMASK);
    closeSync(log);
  }
}

class TaskFailure extends Error {}

/**
 * The umask task `task` runs under, as bitbake-worker sets it for the whole task (shell and
 * Python functions alike): its [umask], else BB_DEFAULT_UMASK, else the umask kiln started with.
 */
function taskUmask(d: DataStore, task: string): number {
  const text = String(d.getVarFlag(task, "umask") ?? "") || String(d.getVar("BB_DEFAULT_UMASK") ?? "");
  if (text === "") return STARTING_UMASK;
  const digits = text.trim().replace(/^0o/i, "");
  if (!/^[0-7]+$/.test(digits))
    throw new TaskFailure(`${task}[umask] (or BB_DEFAULT_UMASK) is not an octal number: '${text}'`);
  return Number.parseInt(digits, 8) & 0o777;
}

function failureMessage(e: unknown): string {
  if (e instanceof PythonError) {
    const where = e.file ? `${e.file}:${e.line ?? 0}: ` : "";
    return `${where}${e.pythonType}: ${e.message}`;
  }
  return e instanceof Error ? e.message : String(e);
}
