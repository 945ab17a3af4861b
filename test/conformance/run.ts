// Runs BitBake's recorded answers against kiln: the shared conformance cases (../shared) and
// kiln's own cases (test/conformance/cases), split across the machine's cores.
// Exits non-zero if any case fails or if the shared cases cannot be found.

import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));
// The shared cases live beside the project checkout (../shared); /work/shared is where they are
// mounted on the development machines when the checkout sits elsewhere.
const sharedDir =
  process.env.KILN_SHARED_CONFORMANCE ??
  [path.resolve(root, "../shared/conformance"), "/work/shared/conformance"].find((d) => existsSync(d)) ??
  path.resolve(root, "../shared/conformance");
const checker = path.join(sharedDir, "check.py");
const kiln = path.join(root, "bin", "kiln");

function cases(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".case"))
    .sort()
    .map((f) => path.join(dir, f));
}

function run(files: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("python3", [checker, ...files], { env: { ...process.env, KILN: kiln } });
    let out = "";
    child.stdout.on("data", (b) => {
      out += b;
    });
    child.stderr.on("data", (b) => {
      out += b;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

async function main(): Promise<number> {
  if (!existsSync(checker)) {
    process.stderr.write(`conformance: ${checker} not found (set KILN_SHARED_CONFORMANCE)\n`);
    return 1;
  }
  const filter = process.argv[2];
  const all = [
    ...cases(path.join(sharedDir, "cases")),
    ...cases(path.join(root, "test", "conformance", "cases")),
  ].filter((f) => !filter || path.basename(f).includes(filter));
  const jobs = Math.max(1, Math.min(os.availableParallelism(), 4));
  const chunks: string[][] = Array.from({ length: jobs }, () => []);
  for (const [i, f] of all.entries()) chunks[i % jobs].push(f);
  const results = await Promise.all(chunks.filter((c) => c.length).map(run));
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    for (const line of r.out.split("\n")) {
      const m = /^(\d+) passed, (\d+) failed$/.exec(line);
      if (m) {
        passed += Number(m[1]);
        failed += Number(m[2]);
      } else if (line.trim()) {
        process.stdout.write(`${line}\n`);
      }
    }
    if (r.code !== 0 && !/passed, \d+ failed/.test(r.out)) failed++;
  }
  process.stdout.write(`conformance: ${passed} passed, ${failed} failed (${all.length} cases)\n`);
  return failed === 0 && passed === all.length ? 0 : 1;
}

process.exitCode = await main();
