// Build benchmarks (part of `npm run bench`): the scheduler's cost per task on 1,000 tasks that do
// nothing, and the time of a rebuild where nothing changed. A generated build directory with its
// own small base class: 100 independent recipes of 10 chained tasks each.

import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const KILN = path.resolve(fileURLToPath(new URL("../../bin/kiln", import.meta.url)));

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export function generateTaskBench(
  dir: string,
  recipes: number,
  tasksPerRecipe: number,
  noexec: boolean,
): string[] {
  write(
    path.join(dir, "conf/bblayers.conf"),
    'BBPATH = "${TOPDIR}"\nBBFILES ?= ""\nBBLAYERS = "${TOPDIR}/meta-tasks"\n',
  );
  write(path.join(dir, "conf/local.conf"), "");
  const layer = path.join(dir, "meta-tasks");
  write(
    path.join(layer, "conf/layer.conf"),
    'BBPATH .= ":${LAYERDIR}"\nBBFILES += "${LAYERDIR}/recipes/*.bb"\nBBFILE_COLLECTIONS += "tasks"\nBBFILE_PATTERN_tasks = "^${LAYERDIR}/"\nBBFILE_PRIORITY_tasks = "5"\nLAYERSERIES_CORENAMES = "bench"\nLAYERSERIES_COMPAT_tasks = "bench"\n',
  );
  write(
    path.join(layer, "conf/bitbake.conf"),
    [
      "PN = \"${@bb.parse.vars_from_file(d.getVar('FILE', False),d)[0]}\"",
      'PV = "1.0"',
      'TMPDIR = "${TOPDIR}/tmp"',
      'T = "${TMPDIR}/work/${PN}/temp"',
      'B = "${TMPDIR}/work/${PN}"',
      'WORKDIR = "${TMPDIR}/work/${PN}"',
      'STAMP = "${TMPDIR}/stamps/${PN}"',
      'CACHE = "${TMPDIR}/cache"',
      'BB_NUMBER_THREADS ?= "${@os.cpu_count()}"',
      'BB_BASEHASH_IGNORE_VARS = "TMPDIR TOPDIR FILE PATH PWD HOME"',
      "",
    ].join("\n"),
  );
  const lines: string[] = [];
  for (let i = 0; i < tasksPerRecipe; i++) {
    if (noexec) lines.push(`do_t${i}[noexec] = "1"`);
    lines.push(`do_t${i} () {`, "    :", "}", i === 0 ? "addtask t0" : `addtask t${i} after do_t${i - 1}`);
  }
  lines.push(`addtask build after do_t${tasksPerRecipe - 1}`, 'do_build[noexec] = "1"', "");
  write(path.join(layer, "classes/base.bbclass"), lines.join("\n"));
  const names: string[] = [];
  for (let r = 0; r < recipes; r++) {
    names.push(`r${r}`);
    write(path.join(layer, `recipes/r${r}.bb`), "# a recipe with the base class's tasks\n");
  }
  return names;
}

/** Wall time of one `kiln build` in `dir`, in ms (and whether it succeeded). */
export function timeBuild(dir: string, targets: string[]): { ms: number; ok: boolean; out: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [KILN, "build", ...targets], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, KILN_NO_SERVER: "1" },
  });
  return {
    ms: Number(process.hrtime.bigint() - t0) / 1e6,
    ok: r.status === 0,
    out: `${r.stdout}${r.stderr}`,
  };
}
