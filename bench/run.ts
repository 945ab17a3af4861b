// `npm run bench`: parse throughput on a generated layer and the cost of the Python bridge.
// Prints figures; asserts nothing (speed is measured here, never in tests).

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DataStore, type Reporter } from "../src/data/index.js";
import { Evaluator, parseConfiguration } from "../src/parse/index.js";
import { PythonRuntime } from "../src/python/index.js";
import { parseTree } from "../src/resolve/index.js";
import { generateBuildDir } from "./generate.js";

const quiet: Reporter = { warn: () => {}, error: () => {} };
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function line(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(44)} ${value}\n`);
}

async function main(): Promise<void> {
  const recipes = Number(process.env.KILN_BENCH_RECIPES ?? 1000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-"));
  try {
    generateBuildDir(dir, recipes);

    let t0 = process.hrtime.bigint();
    const python = await PythonRuntime.start();
    line("python start (snapshot if cached)", `${ms(t0).toFixed(0)} ms`);

    const ev = new Evaluator(python, quiet);
    t0 = process.hrtime.bigint();
    const config = parseConfiguration(ev, { cwd: dir, env: process.env, reporter: quiet });
    line("configuration parse", `${ms(t0).toFixed(1)} ms`);

    t0 = process.hrtime.bigint();
    const tree = parseTree(ev, config, quiet);
    const parseMs = ms(t0);
    line(`parse ${tree.recipeCount} recipes (1 thread, no cache)`, `${parseMs.toFixed(0)} ms`);
    line("parse throughput", `${((tree.recipeCount / parseMs) * 1000).toFixed(0)} recipes/s`);

    // Python → JS: d.getVar from metadata Python.
    const d = DataStore.create({ python, reporter: quiet });
    d.setVar("X", "value");
    const calls = 100_000;
    t0 = process.hrtime.bigint();
    python.exec(`for _ in range(${calls}):\n    d.getVar('X')\n`, d);
    line("Python → JS d.getVar", `${((ms(t0) * 1000) / calls).toFixed(2)} µs/call`);

    // JS → Python: inline ${@...} evaluation (compiled once, then cached).
    d.setVar("N", "4");
    const evals = 20_000;
    t0 = process.hrtime.bigint();
    for (let i = 0; i < evals; i++) python.evalInline("int(d.getVar('N')) * 3", "A", d);
    line("JS → Python inline expression", `${((ms(t0) * 1000) / evals).toFixed(2)} µs/eval`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
