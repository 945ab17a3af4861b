// `npm run bench:stack`: kiln and BitBake side by side on the reference layer stack (see
// scripts/stack/setup.sh). Needs KILN_STACK (the directory with the clones) and KILN_STACK_BUILD
// (the build directory); run as root: both tools run as the user kilnref, as BitBake refuses root.

import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const stack = process.env.KILN_STACK;
const build = process.env.KILN_STACK_BUILD;
const recipe = process.env.KILN_STACK_RECIPE ?? "busybox";
if (!stack || !build) {
  process.stderr.write("set KILN_STACK (the clones) and KILN_STACK_BUILD (the build directory)\n");
  process.exit(2);
}
const kiln = path.resolve(fileURLToPath(new URL("../../bin/kiln", import.meta.url)));
const bitbake = `/usr/bin/python3 ${stack}/bitbake/bin/bitbake`;

/** Run a shell command as kilnref in the build directory; seconds taken. */
function timed(command: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("su", ["kilnref", "-c", `cd ${build} && export LANG=en_US.UTF-8 && ${command}`], {
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) process.stderr.write(`(failed: ${command})\n${(r.stderr || r.stdout).slice(-600)}\n`);
  return seconds;
}

function row(what: string, bb: number | null, kl: number | null): void {
  const f = (s: number | null) => (s === null ? "-" : `${s.toFixed(2)} s`);
  process.stdout.write(`${what.padEnd(34)} ${f(bb).padStart(10)} ${f(kl).padStart(10)}\n`);
}

const cache = path.join(build, "tmp", "cache");
process.stdout.write(`${"".padEnd(34)} ${"BitBake".padStart(10)} ${"kiln".padStart(10)}\n`);
timed(`${kiln} server stop >/dev/null`);
rmSync(cache, { recursive: true, force: true });
const bbCold = timed(`${bitbake} -p`);
const bbWarm = timed(`${bitbake} -p`);
const bbEnv = timed(`${bitbake} -e ${recipe} >/dev/null`);
const graphTarget = process.env.KILN_STACK_GRAPH ?? "core-image-minimal";
const bbGraph = timed(`${bitbake} -g ${graphTarget} >/dev/null`);
rmSync(path.join(cache, "kiln"), { recursive: true, force: true });
for (const dir of ["tmp/cache"]) rmSync(path.join(build, dir, "kiln"), { recursive: true, force: true });
const klCold = timed(`KILN_NO_SERVER=1 ${kiln} parse`);
const klWarm = timed(`KILN_NO_SERVER=1 ${kiln} parse`);
const klQuery = timed(`KILN_NO_SERVER=1 ${kiln} query -r ${recipe} PN >/dev/null`);
const klGraph = timed(`KILN_NO_SERVER=1 ${kiln} graph ${graphTarget} >/dev/null`);
timed(`${kiln} server start >/dev/null`);
timed(`${kiln} query -r ${recipe} PN >/dev/null`);
const klServerParse = timed(`${kiln} parse >/dev/null`);
const klServerQuery = timed(`${kiln} query -r ${recipe} PN >/dev/null`);
timed(`${kiln} graph ${graphTarget} >/dev/null`);
const klServerGraph = timed(`${kiln} graph ${graphTarget} >/dev/null`);
timed(`${kiln} server stop >/dev/null`);
row("parse, cold (no cache)", bbCold, klCold);
row("parse, warm (cache)", bbWarm, klWarm);
row(`one recipe (${recipe}), warm`, bbEnv, klQuery);
row("parse, warm, through kiln server", null, klServerParse);
row(`one recipe, through kiln server`, null, klServerQuery);
row(`task graph (${graphTarget}), warm`, bbGraph, klGraph);
row("task graph, through kiln server", null, klServerGraph);
for (const f of ["task-depends.dot", "pn-buildlist"]) rmSync(path.join(build, f), { force: true });
