// Runs BitBake's own unit tests for the datastore, parser and code parser (lib/bb/tests/
// data.py, parse.py, codeparser.py of a BitBake checkout) inside kiln's Python, against kiln's
// bb package, datastore and parser; prints each module's counts and compares the run with the
// record (passing.txt, failing.txt). Exit status 1 when they disagree.
//
//   node dist/test/bitbake-tests/run.js CHECKOUT [--record] [--record-dir DIR] [MODULE...]
//
// --record rewrites passing.txt from the run; --record-dir reads (and writes) the record
// elsewhere (kiln's own test of this runner does). scripts/bitbake-tests/run.sh is the way in.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Reporter } from "../../src/data/index.js";
import { Evaluator } from "../../src/parse/index.js";
import { provideParseServices } from "../../src/parse/python-services.js";
import { PythonRuntime } from "../../src/python/index.js";
import { provideSignatureServices } from "../../src/tasks/index.js";
import {
  agrees,
  type Comparison,
  compare,
  headerOf,
  readFailing,
  readPassing,
  renderPassing,
  type TestResult,
} from "./record.js";

const MODULES = ["data", "parse", "codeparser"];
const root = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const here = path.join(root, "test", "bitbake-tests");

/** Run the test modules: each test's result, and which Python ran them. */
export async function runModules(
  checkout: string,
  modules: string[],
): Promise<{ results: Map<string, TestResult>; python: string }> {
  const python = await PythonRuntime.start();
  const engine = python.engine;
  engine.exec(`import sys\nsys.path.insert(0, ${JSON.stringify(here)})`);
  const adapter = engine.import("adapter");
  const toBitBake = engine.get(adapter, "log") as object;
  python.log = (level, message) => {
    engine.call(toBitBake, level, message);
  };
  const reporter: Reporter = {
    warn: (m) => python.log("warn", m),
    error: (m) => python.log("error", m),
    note: (m) => python.log("note", m),
  };
  provideParseServices(python, new Evaluator(python, reporter));
  await provideSignatureServices(python);
  const answer = engine.call(
    engine.get(adapter, "run") as object,
    checkout,
    JSON.stringify(modules),
  ) as string;
  const sys = engine.import("sys");
  const version = String(engine.get(sys, "version")).split(" ")[0];
  return {
    results: new Map(Object.entries(JSON.parse(answer) as Record<string, TestResult>)),
    // The record is made with the native engine; Pyodide's file system differs (failing.txt).
    python:
      engine.get(sys, "platform") === "emscripten"
        ? `Pyodide (CPython ${version})`
        : `native CPython ${version}`,
  };
}

function counts(results: Map<string, TestResult>, module: string): string {
  const mine = [...results].filter(
    ([id]) => id.startsWith(`bb.tests.${module}.`) || id === `bb.tests.${module}`,
  );
  const n = (o: string) => mine.filter(([, r]) => r.outcome === o).length;
  return `${module}: ran ${mine.length}, passed ${n("pass")}, failed ${n("fail")}, errors ${n("error")}, skipped ${n("skip")}`;
}

function report(c: Comparison, results: Map<string, TestResult>): void {
  const say = (title: string, lines: string[]) => {
    if (lines.length) process.stdout.write(`\n${title}\n${lines.map((l) => `  ${l}\n`).join("")}`);
  };
  say(
    "REGRESSIONS (listed in passing.txt, did not pass):",
    c.regressions.map((r) => `${r.id} (${r.outcome})`),
  );
  say(
    "UNEXPLAINED (did not pass, not in failing.txt):",
    c.unexplained.map((r) => `${r.id} (${r.outcome})`),
  );
  say("STALE (in failing.txt, but passed):", c.stale);
  say("UNRECORDED (passed, not in passing.txt; run with --record):", c.unrecorded);
  for (const id of [...c.regressions.map((r) => r.id), ...c.unexplained.map((r) => r.id)]) {
    const detail = results.get(id)?.detail;
    if (detail) process.stdout.write(`\n---- ${id}\n${detail}\n`);
  }
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const flag = (name: string): boolean => {
    const i = args.indexOf(name);
    if (i >= 0) args.splice(i, 1);
    return i >= 0;
  };
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args.splice(i, 2)[1];
  };
  const record = flag("--record");
  const recordDir = option("--record-dir") ?? here;
  const [checkout, ...named] = args;
  const modules = named.length ? named : MODULES;
  if (!checkout || !existsSync(path.join(checkout, "lib", "bb", "tests"))) {
    process.stderr.write(
      "usage: run.sh BITBAKE_CHECKOUT [--record] [--record-dir DIR] [MODULE...] (a checkout with lib/bb/tests)\n",
    );
    return 2;
  }
  if (record && named.length) {
    process.stderr.write("--record needs a run of every module\n");
    return 2;
  }
  const passingFile = path.join(recordDir, "passing.txt");
  const failingFile = path.join(recordDir, "failing.txt");
  const { results, python } = await runModules(path.resolve(checkout), modules);
  process.stdout.write(`kiln's Python: ${python}\n`);
  for (const m of modules) process.stdout.write(`${counts(results, m)}\n`);
  if (record) writeFileSync(passingFile, renderPassing(headerOf(readFileSync(passingFile, "utf8")), results));
  const c = compare(
    results,
    {
      passing: readPassing(readFileSync(passingFile, "utf8")),
      failing: readFailing(readFileSync(failingFile, "utf8")),
    },
    modules,
  );
  report(c, results);
  if (!agrees(c)) return 1;
  process.stdout.write("\nThe run agrees with the record.\n");
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  // A run that could not happen at all (a Python failure outside any test).
  process.stderr.write(`${(e as Error).message ?? e}\n`);
  process.exitCode = 2;
}
