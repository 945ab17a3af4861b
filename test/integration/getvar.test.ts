// kiln getvar against real bitbake-getvar (test/fixtures/getvar.expect.json, recorded with
// scripts/oracle/record-getvar.sh): the same output, error messages and exit status for every
// command line of the fixture. Where BitBake's own code changed a variable, its history names
// BitBake's source ("set ast.py:200 [eval]"); kiln's names the metadata line responsible (the
// function's definition, the `export` statement) or "(kiln)": only the operation is compared there.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { GETVAR_COMMANDS, generateGetvarFixture } from "../fixtures/getvar.js";
import { KILN, REPO } from "../helpers/builddir.js";

interface Case {
  args: string[];
  status: number;
  stdout: string;
  stderr: string;
}
const cases = JSON.parse(readFileSync(path.join(REPO, "test/fixtures/getvar.expect.json"), "utf8")) as Case[];

const base = mkdtempSync(path.join(os.tmpdir(), "kiln-getvar-"));
const dir = path.join(base, "build");
generateGetvarFixture(dir);
after(() => rmSync(base, { recursive: true, force: true }));

/** Both outputs with BitBake's internal locations, and kiln's on the same lines, made alike. */
function sameInternals(got: string, want: string): [string, string] {
  const g = got.split("\n");
  const w = want.split("\n");
  w.forEach((line, i) => {
    const m = /^(# {3}\S+) \S+\.py:\d+ \[\w+\]$/.exec(line);
    if (m && g[i]?.startsWith(`${m[1]} `)) g[i] = w[i] = `${m[1]} (internal)`;
  });
  return [g.join("\n"), w.join("\n")];
}
// The notes of the BitBake server bitbake-getvar starts.
const withoutServerNotes = (text: string) =>
  text.replace(/^NOTE: (Starting|Reconnecting to|Retrying) .*\n/gm, "");

test("every command line of the fixture was recorded", () => {
  assert.deepEqual(
    cases.map((c) => c.args),
    GETVAR_COMMANDS,
  );
});

for (const c of cases) {
  test(`kiln getvar ${c.args.join(" ")} answers as bitbake-getvar`, () => {
    const r = spawnSync(process.execPath, [KILN, "getvar", ...c.args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, KILN_NO_SERVER: "1" },
    });
    const topdir = (text: string) => text.replaceAll(dir, "@TOPDIR@");
    assert.equal(r.status, c.status, r.stderr);
    assert.equal(topdir(r.stderr), c.stderr);
    const [got, want] = sameInternals(topdir(r.stdout), withoutServerNotes(c.stdout));
    assert.equal(got, want);
  });
}
