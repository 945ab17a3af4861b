// `npm run bench`: parse throughput on a generated layer and the cost of the Python bridge.
// Prints figures; asserts nothing (speed is measured here, never in tests).

import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, type Reporter } from "../src/data/index.js";
import { makeDisk } from "../src/disk/index.js";
import { makeImage } from "../src/image/index.js";
import { Evaluator, parseConfigurations } from "../src/parse/index.js";
import { PythonRuntime } from "../src/python/index.js";
import { parseTree } from "../src/resolve/index.js";
import { prepareTaskGraph, renderDepGraph } from "../src/tasks/index.js";
import { generateTaskBench, timeBuild } from "./build.js";
import { benchDatastore } from "./datastore.js";
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
    const configs = parseConfigurations(ev, { cwd: dir, env: process.env, reporter: quiet });
    line("configuration parse", `${ms(t0).toFixed(1)} ms`);

    const base = { cwd: dir, env: process.env };
    t0 = process.hrtime.bigint();
    const tree = await parseTree(ev, configs, quiet, { ...base, jobs: 1, cache: false });
    let parseMs = ms(t0);
    const n = tree.stats.files;
    line(
      `parse ${n} recipes, 1 thread, no cache`,
      `${parseMs.toFixed(0)} ms (${((n / parseMs) * 1000).toFixed(0)} recipes/s)`,
    );

    const cores = os.availableParallelism();
    t0 = process.hrtime.bigint();
    await parseTree(ev, configs, quiet, { ...base, jobs: cores, cache: true, inlineLimit: 0 });
    parseMs = ms(t0);
    line(
      `parse ${n} recipes, ${cores} threads (cold cache)`,
      `${parseMs.toFixed(0)} ms (${((n / parseMs) * 1000).toFixed(0)} recipes/s)`,
    );

    t0 = process.hrtime.bigint();
    const warm = await parseTree(ev, configs, quiet, { ...base, cache: true });
    line(`parse ${n} recipes, warm cache (${warm.stats.cached} cached)`, `${ms(t0).toFixed(0)} ms`);

    // The task graph of the recipe at the end of the DEPENDS chain (every recipe is in it).
    t0 = process.hrtime.bigint();
    const target = `pkg${recipes - 1}`;
    const { graph } = prepareTaskGraph(warm, configs, quiet, [target], "build");
    const dot = renderDepGraph(graph, warm.indexes).taskDepends;
    const edges = dot.split("\n").filter((l) => l.includes(" -> ")).length;
    line(`task graph of ${target} (${graph.depends.size} tasks, ${edges} edges)`, `${ms(t0).toFixed(0)} ms`);

    const append = path.join(dir, "meta-bench/recipes-group0/pkg0/pkg0_%.bbappend");
    appendFileSync(append, '# touched\nEXTRA_OECONF += "--touched"\n');
    t0 = process.hrtime.bigint();
    const touched = await parseTree(ev, configs, quiet, { ...base, cache: true });
    line(`re-parse after touching one bbappend (${touched.stats.parsed} parsed)`, `${ms(t0).toFixed(0)} ms`);

    benchDatastore(line);

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
  benchBuilds();
  benchExampleImage();
}

/** The example image: full clean build, then root filesystem + image assembly alone. */
function benchExampleImage(): void {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  const debs = path.join(repo, "examples/quickstart/debian-packages");
  if (!existsSync(debs)) {
    line("example image", "skipped: run scripts/setup-example.sh first");
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-image-"));
  try {
    mkdirSync(path.join(dir, "conf"));
    writeFileSync(
      path.join(dir, "conf/bblayers.conf"),
      `BBPATH = "\${TOPDIR}"\nBBFILES ?= ""\nBBLAYERS = "${repo}/layers/meta-kiln ${repo}/layers/meta-kiln-example"\n`,
    );
    writeFileSync(path.join(dir, "conf/local.conf"), `DEBIAN_PACKAGES_DIR = "${debs}"\n`);
    const clean = timeBuild(dir, ["kiln-image-minimal"]);
    if (!clean.ok) throw new Error(`example image build failed:\n${clean.out}`);
    line("example image: full clean build", `${clean.ms.toFixed(0)} ms`);
    const rootfs = timeBuild(dir, ["kiln-image-minimal", "-c", "rootfs", "-f"]);
    const image = timeBuild(dir, ["kiln-image-minimal"]);
    line("example image: rootfs + image assembly", `${(rootfs.ms + image.ms).toFixed(0)} ms (two kiln runs)`);
    benchDiskAssembly(dir, repo);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The example's wic disk from its existing root filesystem (makeDisk, as do_image calls it),
 * against its ext4 image alone (makeImage): what the disk costs over the file system.
 */
function benchDiskAssembly(dir: string, repo: string): void {
  const work = path.join(dir, "tmp/work/x86_64-kiln-linux/kiln-image-minimal/1.0");
  const rootfs = path.join(work, "rootfs");
  const state = path.join(work, "pseudo/fakeroot.state");
  if (!existsSync(rootfs) || !existsSync(state)) {
    line("example wic assembly", `skipped: no root filesystem at ${rootfs}`);
    return;
  }
  const fakeroot = ["fakeroot", "-i", state, "--"];
  const out = mkdtempSync(path.join(dir, "bench-disk-"));
  const wks = path.join(repo, "layers/meta-kiln-example/wic/kiln-image-minimal.wks");
  const best = (fn: () => void) => {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      const t0 = process.hrtime.bigint();
      fn();
      min = Math.min(min, ms(t0));
    }
    return min;
  };
  const ext4 = best(() =>
    makeImage({ rootfs, type: "ext4", output: path.join(out, "x.ext4"), sourceDateEpoch: 0, fakeroot }),
  );
  const wic = best(() =>
    makeDisk({
      wks,
      rootfs,
      deployDir: path.join(dir, "tmp/deploy/images/qemux86-64"),
      identity: "kiln-image-minimal-qemux86-64",
      outputs: [{ type: "wic", file: path.join(out, "x.wic") }],
      sourceDateEpoch: 0,
      fakeroot,
    }),
  );
  line("example image: wic assembly from its rootfs", `${wic.toFixed(0)} ms (best of 3)`);
  line("  its ext4 image alone", `${ext4.toFixed(0)} ms (wic costs ${(wic - ext4).toFixed(0)} ms more)`);
}

/** `kiln build` on 1,000 tasks that do nothing: per-task cost and the no-op rebuild. */
function benchBuilds(): void {
  for (const noexec of [true, false]) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-build-"));
    try {
      const targets = generateTaskBench(dir, 100, 10, noexec);
      const kind = noexec ? "[noexec]" : "shell ':'";
      const cold = timeBuild(dir, targets);
      if (!cold.ok) throw new Error(`benchmark build failed:\n${cold.out}`);
      const again = timeBuild(dir, targets);
      line(`build 1,000 ${kind} tasks (100 recipes)`, `${cold.ms.toFixed(0)} ms`);
      line(`  scheduler cost per ${kind} task`, `${((cold.ms - again.ms) / 1000).toFixed(2)} ms/task`);
      line("  no-op rebuild (nothing changed)", `${again.ms.toFixed(0)} ms`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
