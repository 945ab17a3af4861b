// Programs the tests run to check kiln's output (skopeo, umoci, debugfs, ...). README's first
// command (scripts/setup-example.sh) installs every one; a test that finds one missing says which
// and how to get it, instead of failing on a spawn error.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

/** Whether `program` is on PATH. */
export function have(program: string): boolean {
  return spawnSync("sh", ["-c", 'command -v "$1"', "sh", program]).status === 0;
}

/** Fail (with the set-up command that installs them) unless every program is on PATH. */
export function requirePrograms(...programs: string[]): void {
  const missing = programs.filter((p) => !have(p));
  assert.deepEqual(
    missing,
    [],
    `missing program${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: run scripts/setup-example.sh (README's first command), which installs what the tests use`,
  );
}
