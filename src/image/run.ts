// Running programs synchronously, optionally behind the caller's fakeroot prefix, with errors
// that name the command and carry its output.

import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { STARTING_ENV } from "../util/process-env.js";
import { ImageError } from "./errors.js";

export interface RunOptions {
  cwd?: string;
  /** Variables added to (or, when undefined, removed from) the environment. */
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  /** Words put before the program (e.g. a fakeroot invocation); none by default. */
  prefix?: string[];
}

/** The environment for tools whose output should not depend on the host's settings. */
export const STABLE_ENV: Record<string, string | undefined> = {
  LC_ALL: "C",
  TZ: "UTC",
  TAR_OPTIONS: undefined,
  GZIP: undefined,
  ZSTD_CLEVEL: undefined,
  ZSTD_NBTHREADS: undefined,
  POSIXLY_CORRECT: undefined,
};

export function environment(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...STARTING_ENV };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * The prefix as it should be used now. A fakeroot prefix computed once and reused across steps
 * would otherwise lose owners: "-s STATE" without "-i STATE" (the state file did not exist yet
 * when the prefix was made) gets "-i STATE" once the file exists, and a missing "-i" file is
 * created empty (fakeroot refuses to start without it).
 */
export function currentPrefix(prefix: string[]): string[] {
  const at = prefix.findIndex((w) => path.basename(w) === "fakeroot");
  if (at < 0) return prefix;
  let save: string | undefined;
  let load: string | undefined;
  for (let i = at + 1; i < prefix.length - 1 && prefix[i] !== "--"; i++) {
    if (prefix[i] === "-s") save = prefix[i + 1];
    if (prefix[i] === "-i") load = prefix[i + 1];
  }
  if (load !== undefined) {
    if (!existsSync(load)) {
      mkdirSync(path.dirname(load), { recursive: true });
      writeFileSync(load, "");
    }
    return prefix;
  }
  if (save !== undefined && existsSync(save))
    return [...prefix.slice(0, at + 1), "-i", save, ...prefix.slice(at + 1)];
  return prefix;
}

/**
 * The prefix for a program that only reads owners (tar -c, cpio -o, mke2fs -d): the state is
 * loaded but not saved back ("-s FILE" dropped), which also spares fakeroot's slow shutdown.
 */
export function readOnlyPrefix(prefix: string[]): string[] {
  const p = currentPrefix(prefix);
  const at = p.findIndex((w) => path.basename(w) === "fakeroot");
  if (at < 0) return p;
  const out = p.slice(0, at + 1);
  let i = at + 1;
  for (; i < p.length && p[i] !== "--"; i++) {
    if (p[i] === "-s" && i + 1 < p.length) i++;
    else out.push(p[i]);
  }
  return [...out, ...p.slice(i)];
}

/** Run argv, returning whatever happened. */
export function spawn(argv: string[], opts: RunOptions = {}): SpawnSyncReturns<Buffer> {
  const full = [...currentPrefix(opts.prefix ?? []), ...argv];
  return spawnSync(full[0], full.slice(1), {
    cwd: opts.cwd,
    env: environment(opts.env),
    input: opts.input,
    maxBuffer: 1024 * 1024 * 1024,
  });
}

export function describe(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/** Run argv; an ImageError (with the program's output) unless it exits with status 0. */
export function run(argv: string[], opts: RunOptions = {}): Buffer {
  const r = spawn(argv, opts);
  if (r.error) throw new ImageError(`cannot run ${describe(argv)}: ${r.error.message}`);
  if (r.status !== 0) {
    const how = r.status === null ? `killed by ${r.signal}` : `exit status ${r.status}`;
    const output = `${r.stderr.toString()}${r.stdout.length < 4096 ? r.stdout.toString() : ""}`.trim();
    throw new ImageError(`${describe(argv)} failed (${how})${output ? `:\n${output}` : ""}`);
  }
  return r.stdout;
}

/** A word quoted for sh. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Without fakeroot, owners can only be given when running as root: refuse rather than build a
 * root filesystem whose files all belong to the user running kiln.
 */
export function requireOwnership(fakeroot: string[], what: string): void {
  if (fakeroot.length === 0 && typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new ImageError(
      `${what}: running as uid ${process.getuid()} without a fakeroot prefix, so the owners of files cannot be set`,
    );
  }
}
