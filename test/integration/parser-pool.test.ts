// The parser pool: parsers (child processes with native Python, or threads with Pyodide) and the
// calling thread take recipe files from one shared counter. Every file is parsed exactly once,
// by whoever takes it, with the same answers. Each test runs with both kinds of parser; the
// calling thread's answers (native Python) are the reference for both.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Reporter } from "../../src/data/index.js";
import {
  type Configuration,
  collectRecipeFiles,
  configurationHashes,
  Evaluator,
  threadConfigurations,
} from "../../src/parse/index.js";
import { type Job, type JobResult, ParserPool } from "../../src/parse/pool.js";
import { parseForTree } from "../../src/parse/recipes.js";
import { nativeEnabled } from "../../src/python/engine.js";
import { PythonRuntime } from "../../src/python/index.js";
import { BuildDir } from "../helpers/builddir.js";

const files: Record<string, string> = {};
for (let i = 0; i < 10; i++) {
  files[`meta-test/recipes/r${i}_1.${i}.bb`] = `DEPENDS = "r${(i + 1) % 10}"\nSUMMARY = "recipe \${PN}"\n`;
}
const dir = new BuildDir(files);
const quiet: Reporter = { warn: () => {}, error: () => {} };
const init = { cwd: dir.dir, env: { ...process.env } };
let ev: Evaluator;
let configs: Map<string, Configuration>;
let jobs: Job[];

before(async () => {
  ev = new Evaluator(await PythonRuntime.start(), quiet);
  configs = threadConfigurations(ev, init, quiet);
  const recipes = collectRecipeFiles(configs.get("")!, quiet).recipes;
  jobs = recipes.map((file) => ({ mc: "", file, appends: [] }));
  assert.equal(jobs.length, 10);
});
after(() => dir.remove());

/** What this thread answers for a job (the reference the threads must match). */
function parseHere(job: Job): JobResult {
  const { infos, deps } = parseForTree(ev, configs.get(job.mc)!, job.file, job.appends);
  return { ok: true, job, infos, deps };
}

function byFile(results: JobResult[]): Map<string, unknown> {
  return new Map(results.map((r) => [r.job.file, r.ok ? r.infos : r.message]));
}

for (const kind of ["processes", "threads"] as const) {
  /** A pool of `kind`: processes unless KILN_PYTHON=pyodide asks for Pyodide threads. */
  const newPool = (...args: ConstructorParameters<typeof ParserPool>): ParserPool => {
    const saved = process.env.KILN_PYTHON;
    if (kind === "threads") process.env.KILN_PYTHON = "pyodide";
    try {
      assert.equal(nativeEnabled(), kind === "processes");
      return new ParserPool(...args);
    } finally {
      if (saved === undefined) delete process.env.KILN_PYTHON;
      else process.env.KILN_PYTHON = saved;
    }
  };

  test(`${kind} alone parse every file once, with this thread's answers`, async () => {
    const pool = newPool(2, init, configurationHashes(configs), () => {});
    const results: JobResult[] = [];
    try {
      await pool.run(jobs, (r) => results.push(r));
    } finally {
      await pool.close();
    }
    assert.equal(results.length, jobs.length);
    assert.deepEqual(new Set(results.map((r) => r.job.file)), new Set(jobs.map((j) => j.file)));
    assert.deepEqual(byFile(results), byFile(jobs.map(parseHere)));
  });

  test(`this thread and one of the ${kind} share the files: each is taken by exactly one`, async () => {
    const pool = newPool(1, init, configurationHashes(configs), () => {});
    const results: JobResult[] = [];
    let here = 0;
    const slowlyHere = (job: Job): JobResult => {
      here++;
      // Slow enough that the worker, once loaded, takes some of the files.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
      return parseHere(job);
    };
    try {
      await pool.run(jobs, (r) => results.push(r), slowlyHere);
    } finally {
      await pool.close();
    }
    assert.equal(results.length, jobs.length);
    assert.deepEqual(new Set(results.map((r) => r.job.file)), new Set(jobs.map((j) => j.file)));
    assert.ok(here > 0 && here < jobs.length, `this thread parsed ${here} of ${jobs.length}`);
    assert.deepEqual(byFile(results), byFile(jobs.map(parseHere)));
  });

  test(`one of the ${kind} that reads another configuration is refused`, async () => {
    const pool = newPool(1, init, { "": "not the hash of this configuration" }, () => {});
    try {
      await assert.rejects(
        pool.run(jobs, () => {}),
        /a parser read a different configuration/,
      );
    } finally {
      await pool.close();
    }
  });
}
