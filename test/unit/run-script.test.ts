// The exported variables of a task's run script, as BitBake writes them: a value with backquotes
// is a command substitution for BitBake 2.12's scripts and literal text from 2.16 on (emit_var
// escapes them since), so the same value exports different text depending on the release.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { DataStore } from "../../src/data/index.js";
import { exportLines } from "../../src/exec/index.js";

function exported(minor: number): string {
  const d = DataStore.create();
  d.bitbake = { major: 2, minor };
  d.setVar("GREETING", 'say `echo hi` "$HOME"');
  d.setVarFlag("GREETING", "export", "1");
  return exportLines(d).join("\n");
}

test("backquotes in an exported value are escaped from BitBake 2.16 on, and run before", () => {
  assert.equal(exported(19), 'export GREETING="say \\`echo hi\\` \\"\\$HOME\\""');
  assert.equal(exported(12), 'export GREETING="say `echo hi` \\"\\$HOME\\""');
  const shell = (lines: string) =>
    execFileSync("sh", ["-c", `${lines}\nprintf %s "$GREETING"`], { encoding: "utf8" });
  assert.equal(shell(exported(19)), 'say `echo hi` "$HOME"');
  assert.equal(shell(exported(12)), 'say hi "$HOME"');
});
