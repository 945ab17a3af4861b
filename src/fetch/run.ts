// Running the external programs the fetch stage relies on (git, tar, patch, ...), synchronously.

import { spawnSync } from "node:child_process";

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
}

/** Run `program args`; a program that cannot be started reports status 127 and the reason. */
export function run(program: string, args: string[], options: RunOptions = {}): RunResult {
  const r = spawnSync(program, args, {
    cwd: options.cwd,
    env: options.env,
    input: options.input,
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? `${program}: command not found` : `${program}: ${r.error.message}`;
    return { status: 127, stdout: r.stdout ?? "", stderr: why };
  }
  const status = r.status ?? 128 + (r.signal ? 1 : 0);
  const stderr = r.signal ? `${r.stderr ?? ""}${program} was killed by ${r.signal}` : (r.stderr ?? "");
  return { status, stdout: r.stdout ?? "", stderr };
}

/** How a command reads in a log or an error message. */
export function commandLine(program: string, args: string[]): string {
  return [program, ...args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))
    .join(" ");
}

/** The last non-empty lines of a tool's output, for an error message. */
export function tail(text: string, lines = 20): string {
  const all = text.trim().split("\n");
  return all.slice(-lines).join("\n");
}
