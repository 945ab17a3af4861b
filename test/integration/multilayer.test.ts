// The generated multi-layer fixture against BitBake's recorded answers
// (test/fixtures/multilayer.expect.jsonl, recorded with scripts/oracle/record-fixture.sh):
// the same parse counts, the same targets, the same skips and reasons, the same values.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { FIXTURE_NAMES, generateMultilayer } from "../fixtures/multilayer.js";
import { KILN } from "../helpers/builddir.js";

const root = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-multilayer-"));
generateMultilayer(dir);
after(() => rmSync(dir, { recursive: true, force: true }));

interface Target {
  file: string;
  pn?: string;
  skipped?: string;
  values?: Record<string, unknown>;
}

const recorded = readFileSync(path.join(root, "test/fixtures/multilayer.expect.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l));
const summary = recorded.find((r) => "summary" in r).summary as string;
const expected = new Map<string, Target>(recorded.filter((r) => "file" in r).map((r: Target) => [r.file, r]));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(KILN, args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, KILN_NO_SERVER: "1", ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

function kiln(...args: string[]): string {
  return run(args).stdout.replaceAll(dir, "@TOPDIR@");
}

test("kiln parse gives BitBake's summary line", () => {
  assert.equal(kiln("parse", "--no-cache").trim(), summary);
});

test("every target, skip reason and sampled value is BitBake's", () => {
  const got = new Map<string, Target>(
    kiln("query", "--all", "--json", ...FIXTURE_NAMES)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Target)
      .map((t) => [t.file, t]),
  );
  assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
  for (const [file, want] of expected) {
    const have = got.get(file)!;
    if (want.skipped !== undefined) {
      assert.equal(have.skipped, want.skipped, file);
      continue;
    }
    assert.equal(have.pn, want.pn, file);
    for (const name of FIXTURE_NAMES) {
      assert.deepEqual(have.values?.[name], want.values?.[name], `${file}: ${name}`);
    }
  }
});

test("native Python and Pyodide give the same answers for every target", () => {
  const args = ["query", "--all", "--json", ...FIXTURE_NAMES];
  const native = run(args, { KILN_NO_CACHE: "1", KILN_DEBUG: "1" });
  const pyodide = run(args, { KILN_NO_CACHE: "1", KILN_DEBUG: "1", KILN_PYTHON: "pyodide" });
  assert.match(native.stderr, /python: native CPython/);
  assert.doesNotMatch(pyodide.stderr, /python: native CPython/);
  assert.ok(native.stdout.split("\n").length > 10);
  assert.equal(pyodide.stdout, native.stdout);
});

test("when native Python cannot start, kiln says so and answers with Pyodide", () => {
  const args = ["query", "--all", "--json", ...FIXTURE_NAMES];
  const built = path.join(root, "dist", "native");
  const broken = mkdtempSync(path.join(os.tmpdir(), "kiln-native-broken-"));
  try {
    copyFileSync(path.join(built, "kiln_python.node"), path.join(broken, "kiln_python.node"));
    const info = JSON.parse(readFileSync(path.join(built, "python.json"), "utf8"));
    writeFileSync(
      path.join(broken, "python.json"),
      JSON.stringify({ ...info, libpython: "/nonexistent/libpython.so" }),
    );
    const fallback = run(args, { KILN_NO_CACHE: "1", KILN_NATIVE_DIR: broken });
    const warnings = fallback.stderr.match(/WARNING: .*Pyodide.*/g) ?? [];
    assert.equal(warnings.length, 1, `said once, by the process that found it:\n${fallback.stderr}`);
    assert.match(
      warnings[0],
      /^WARNING: kiln's native Python cannot be used here \(.*nonexistent.*\); metadata Python runs in Pyodide instead, 2-4x slower\. To fix: run 'npm run build'/,
    );
    assert.equal(fallback.stdout, run(args, { KILN_NO_CACHE: "1" }).stdout);
    // An addon that does not even load (another user's unreadable libpython): the same warning.
    writeFileSync(path.join(broken, "kiln_python.node"), "not a shared object");
    const unloadable = run(["query", "PN"], { KILN_NATIVE_DIR: broken });
    assert.match(
      unloadable.stderr,
      /^WARNING: kiln's native Python cannot be used here \(.+\); metadata Python runs in Pyodide/m,
    );
  } finally {
    rmSync(broken, { recursive: true, force: true });
  }
});

test("when native Python was not built, kiln says why once, and --version names the engine", () => {
  const unbuilt = mkdtempSync(path.join(os.tmpdir(), "kiln-native-unbuilt-"));
  try {
    writeFileSync(
      path.join(unbuilt, "not-built.txt"),
      "/usr/bin/python3: no Python.h in /usr/include/python3.11 (install python3-dev)\n",
    );
    const r = run(["query", "PN"], { KILN_NATIVE_DIR: unbuilt });
    assert.deepEqual(r.stderr.match(/WARNING: .*/g), [
      "WARNING: kiln's native Python is not built (/usr/bin/python3: no Python.h in /usr/include/python3.11 (install python3-dev)); metadata Python runs in Pyodide instead, 2-4x slower. To fix: install python3-dev (README's set-up command does) and run 'npm run build'.",
    ]);
    assert.match(run(["--version"], { KILN_NATIVE_DIR: unbuilt }).stdout, /^Python: Pyodide .*not built/m);
    assert.match(run(["--version"], {}).stdout, /^Python: native CPython \d+\.\d+ /m);
    assert.doesNotMatch(
      run(["query", "PN"], { KILN_NATIVE_DIR: unbuilt, KILN_PYTHON: "pyodide" }).stderr,
      /WARNING/,
    );
  } finally {
    rmSync(unbuilt, { recursive: true, force: true });
  }
});
