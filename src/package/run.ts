// Running the external programs the packaging stage relies on (cp, mv, strip, objcopy, readelf,
// tar, gzip), synchronously, optionally under a command prefix such as a fakeroot invocation. Work
// that has to see or set the owners recorded in a fakeroot session is written as one shell script
// and run under the prefix once (starting a fakeroot session is expensive).

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PackageError } from "./errors.js";

/** `s` quoted for a POSIX shell. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** How a command reads in a log or an error message. */
export function commandLine(argv: string[]): string {
  return argv.map(shellQuote).join(" ");
}

function lastLines(text: string, lines = 20): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/**
 * Run `prefix + argv` and return its standard output; a failure (not startable, non-zero exit,
 * signal) throws a PackageError saying `what` failed, with the command and its last output lines.
 */
export function runTool(prefix: string[], argv: string[], what: string, cwd?: string): string {
  const full = [...prefix, ...argv];
  const r = spawnSync(full[0]!, full.slice(1), {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? `${full[0]}: command not found` : r.error.message;
    throw new PackageError(`${what}: ${commandLine(full)}: ${why}`);
  }
  if (r.status !== 0) {
    const how = r.signal ? `was killed by ${r.signal}` : `exited with status ${r.status}`;
    const out = lastLines(`${r.stdout ?? ""}\n${r.stderr ?? ""}`);
    throw new PackageError(`${what}: ${commandLine(full)} ${how}${out ? `:\n${out}` : ""}`);
  }
  return r.stdout ?? "";
}

/**
 * Run a shell script (lines joined, `set -e`, umask 022) under `prefix` in a single invocation.
 * The script is passed as a file, so it may be long and its commands may not read it as input.
 */
export function runScript(prefix: string[], lines: string[], what: string): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-package-"));
  try {
    const file = path.join(dir, "script.sh");
    writeFileSync(file, ["set -e", "umask 022", ...lines, ""].join("\n"));
    runTool(prefix, ["sh", file], what);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
