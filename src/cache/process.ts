// Running the external programs (tar, zstd, cp) the cache drives.

import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

const STDERR_LIMIT = 2000;

/** A program failed; `notRun` when it could not be started at all (not installed, ...). */
export class ProgramError extends Error {
  constructor(
    message: string,
    readonly notRun: boolean,
  ) {
    super(message);
  }
}

/** spawn() with the C locale, so that tar sorts and reports the same way everywhere. */
export function run(cmd: string, args: string[], options: SpawnOptions): ChildProcess {
  return spawn(cmd, args, { ...options, env: { ...process.env, LC_ALL: "C" } });
}

/**
 * Resolves when `child` exits with status 0; rejects with a ProgramError quoting its stderr
 * otherwise.
 */
export function finished(child: ChildProcess, name: string): Promise<void> {
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (s: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += s;
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once("error", (e) => reject(new ProgramError(`cannot run ${name}: ${e.message}`, true)));
    child.once("close", (code, signal) => {
      if (code === 0) resolve();
      else {
        const why = signal ? `killed by ${signal}` : `exit status ${code}`;
        const text = stderr.trim().slice(0, STDERR_LIMIT);
        reject(new ProgramError(`${name} failed (${why})${text ? `: ${text}` : ""}`, false));
      }
    });
  });
  // Callers await this only after consuming the output; a failure before then is not unhandled.
  done.catch(() => {});
  return done;
}

/**
 * Waits for every process of a pipeline. Rejects once all have ended: with a program that could
 * not be started if there is one (the others failing is a consequence), else the first failure.
 */
export async function allFinished(waits: Promise<void>[]): Promise<void> {
  const failures: unknown[] = [];
  for (const r of await Promise.allSettled(waits)) if (r.status === "rejected") failures.push(r.reason);
  if (failures.length === 0) return;
  throw failures.find((e) => e instanceof ProgramError && e.notRun) ?? failures[0];
}
