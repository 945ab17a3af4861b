// Test helper: write a small build directory (files given by relative path) and run kiln in it.

import { spawn, spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const KILN = path.resolve(fileURLToPath(new URL("../../../bin/kiln", import.meta.url)));

/** The repository the tests run from, and the Debian packages scripts/setup-example.sh downloads. */
export const REPO = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));
export const EXAMPLE_DEBS = path.join(REPO, "examples/quickstart/debian-packages");

/** A build directory at `dir` on kiln's own layers (meta-kiln, meta-kiln-example) for MACHINE
 * `machine`, importing the example's Debian packages. */
export function writeExampleBuildDir(dir: string, machine: string): string {
  mkdirSync(path.join(dir, "conf"), { recursive: true });
  writeFileSync(
    path.join(dir, "conf/bblayers.conf"),
    `BBPATH = "\${TOPDIR}"\nBBFILES ?= ""\nBBLAYERS = "${REPO}/layers/meta-kiln ${REPO}/layers/meta-kiln-example"\n`,
  );
  writeFileSync(
    path.join(dir, "conf/local.conf"),
    `MACHINE = "${machine}"\nDISTRO = "kiln"\nDEBIAN_PACKAGES_DIR = "${EXAMPLE_DEBS}"\n`,
  );
  return dir;
}

/**
 * Run kiln in `dir` without blocking this process (tests that serve files over HTTP from this
 * process must keep answering while kiln runs); stdout and stderr together.
 */
export async function runKiln(dir: string, args: string[]): Promise<{ status: number | null; out: string }> {
  const child = spawn(process.execPath, [KILN, ...args], {
    cwd: dir,
    env: { ...process.env, KILN_NO_SERVER: "1" },
  });
  let out = "";
  child.stdout.on("data", (b) => {
    out += String(b);
  });
  child.stderr.on("data", (b) => {
    out += String(b);
  });
  const status = await new Promise<number | null>((resolve) => child.once("close", resolve));
  return { status, out };
}

/** The files every test build directory gets unless it gives its own. */
export const DEFAULT_FILES: Record<string, string> = {
  "conf/bblayers.conf": 'BBPATH = "${TOPDIR}"\nBBFILES ?= ""\nBBLAYERS = "${TOPDIR}/meta-test"\n',
  "conf/local.conf": "",
  "meta-test/conf/layer.conf": [
    'BBPATH .= ":${LAYERDIR}"',
    'BBFILES += "${LAYERDIR}/recipes/*.bb ${LAYERDIR}/recipes/*.bbappend"',
    'BBFILE_COLLECTIONS += "test"',
    'BBFILE_PATTERN_test = "^${LAYERDIR}/"',
    'BBFILE_PRIORITY_test = "5"',
    "",
  ].join("\n"),
  "meta-test/conf/bitbake.conf": [
    "PN = \"${@bb.parse.vars_from_file(d.getVar('FILE', False),d)[0] or 'defaultpkgname'}\"",
    "PV = \"${@bb.parse.vars_from_file(d.getVar('FILE', False),d)[1] or '1.0'}\"",
    "PR = \"${@bb.parse.vars_from_file(d.getVar('FILE', False),d)[2] or 'r0'}\"",
    'TMPDIR = "${TOPDIR}/tmp"',
    'CACHE = "${TMPDIR}/cache"',
    'OVERRIDES = "default"',
    "include conf/local.conf",
    "",
  ].join("\n"),
  "meta-test/classes/base.bbclass": "do_build() {\n    :\n}\naddtask build\n",
};

export class BuildDir {
  readonly dir: string;

  constructor(files: Record<string, string>) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), "kiln-test-"));
    for (const [rel, text] of Object.entries({ ...DEFAULT_FILES, ...files })) {
      const p = path.join(this.dir, rel);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
  }

  path(rel: string): string {
    return path.join(this.dir, rel);
  }

  kiln(...args: string[]): { code: number; stdout: string; stderr: string } {
    const r = spawnSync(KILN, args, { cwd: this.dir, encoding: "utf8", timeout: 120_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A copy of this kiln (its launcher, compiled modules, native addon and Python library, sharing
 * node_modules) in a new temporary directory, with `change` made to one compiled module: another
 * build of kiln. The caller removes the directory.
 */
export function otherKiln(change = "\n// another build\n"): string {
  const other = mkdtempSync(path.join(os.tmpdir(), "kiln-other-"));
  for (const part of ["bin", "dist/src", "dist/native", "src/python/lib", "package.json"]) {
    if (existsSync(path.join(REPO, part)))
      cpSync(path.join(REPO, part), path.join(other, part), { recursive: true });
  }
  symlinkSync(path.join(REPO, "node_modules"), path.join(other, "node_modules"));
  appendFileSync(path.join(other, "dist/src/parse/tree.js"), change);
  return other;
}
