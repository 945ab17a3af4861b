// Task signatures against real BitBake (test/fixtures/sigs.expect.json, recorded with
// scripts/oracle/record-sigs.sh): the same base hash for every task, the same dependencies and
// hashed value for every variable; and how hashes react to changes.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { zstdDecompress } from "../../src/util/zstd.js";
import { generateSigFixture, SIG_RECIPES } from "../fixtures/sigs.js";
import { KILN } from "../helpers/builddir.js";

const root = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));
interface Sigs {
  basehash: Record<string, string>;
  vars: Record<string, { deps: string[]; value: string | null }>;
}
const expected = JSON.parse(
  readFileSync(path.join(root, "test/fixtures/sigs.expect.json"), "utf8"),
) as Record<string, Sigs>;

// Where BitBake ran (paths end up in hashed values such as PWD).
const base = "/tmp/kiln-sigs-fixture";
const dir = path.join(base, "build");
if (existsSync(base)) rmSync(base, { recursive: true, force: true });
generateSigFixture(dir);
after(() => rmSync(base, { recursive: true, force: true }));

// The environment BitBake saw, as far as it reaches task hashes (exported variables).
const recordedVars = expected[SIG_RECIPES[0]].vars;
const env: NodeJS.ProcessEnv = { KILN_NO_SERVER: "1" };
for (const name of ["HOME", "LOGNAME", "PATH", "PWD", "SHELL", "USER", "LC_ALL"]) {
  const v = recordedVars[name]?.value;
  if (typeof v === "string") env[name] = v.replaceAll("@TOPDIR@", dir);
}

function sigs(recipe: string): Sigs {
  const r = spawnSync(process.execPath, [KILN, "sigs", "--json", recipe], {
    cwd: dir,
    encoding: "utf8",
    env,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.replaceAll(dir, "@TOPDIR@")) as Sigs;
}

for (const recipe of SIG_RECIPES) {
  test(`${recipe}: every base hash, dependency and hashed value is BitBake's`, () => {
    const got = sigs(recipe);
    assert.deepEqual(got.vars, expected[recipe].vars);
    assert.deepEqual(got.basehash, expected[recipe].basehash);
  });
}

test("a change reaches exactly the tasks whose signature includes it", () => {
  const before = sigs("tool").basehash;
  const conf = path.join(dir, "conf/local.conf");
  const original = readFileSync(conf, "utf8");
  try {
    // A comment and an ignored variable change nothing.
    appendFileSync(conf, '# another comment\nBUILD_HOST_NOISE = "elsewhere"\nDATETIME = "20270101"\n');
    assert.deepEqual(sigs("tool").basehash, before);
    // CFLAGS is exported, so every shell task depends on it; the python task does not.
    appendFileSync(conf, 'EXTRA_FLAGS = "-O3"\n');
    const after = sigs("tool").basehash;
    const changed = Object.keys(before)
      .filter((t) => before[t] !== after[t])
      .sort();
    assert.deepEqual(changed, ["do_build", "do_compile", "do_configure", "do_fetch"]);
  } finally {
    rmSync(conf);
    appendFileSync(conf, original);
  }
});

/** Task → task hash of every task in app's build graph, from the signature data files kiln
 * writes beside the stamps (tmp/stamps/PN/PV-PR.TASK.sigdata.HASH, zstd-compressed JSON). */
function taskHashes(): Map<string, string> {
  const r = spawnSync(process.execPath, [KILN, "sigs", "app", "-c", "build"], {
    cwd: dir,
    encoding: "utf8",
    env,
  });
  assert.equal(r.status, 0, r.stderr);
  const stamps = path.join(dir, "tmp/stamps");
  const hashes = new Map<string, string>();
  for (const pn of readdirSync(stamps)) {
    const files = readdirSync(path.join(stamps, pn))
      .filter((f) => f.includes(".sigdata."))
      .map((f) => path.join(stamps, pn, f));
    files.sort((x, y) => statSync(x).mtimeMs - statSync(y).mtimeMs);
    for (const f of files) {
      const sig = JSON.parse(Buffer.from(zstdDecompress(readFileSync(f))).toString()) as {
        task: string;
        taskhash: string;
      };
      hashes.set(`${pn}:${sig.task}`, sig.taskhash);
    }
  }
  return hashes;
}

test("task hashes change exactly along the graph, and diffsigs says why", () => {
  rmSync(path.join(dir, "tmp/stamps"), { recursive: true, force: true });
  const before = taskHashes();
  const conf = path.join(dir, "conf/local.conf");
  const original = readFileSync(conf, "utf8");
  try {
    // EXTRA_OEMAKE reaches do_compile through oe_runmake; the tasks after it follow.
    appendFileSync(conf, 'EXTRA_OEMAKE:append = " V=2"\n');
    const after = taskHashes();
    const changed = [...before.keys()].filter((t) => before.get(t) !== after.get(t)).sort();
    assert.deepEqual(changed, [
      "app:do_build",
      "app:do_compile",
      "app:do_configure",
      "app:do_install",
      "tool:do_compile",
      "tool:do_install",
    ]);
    const r = spawnSync(process.execPath, [KILN, "diffsigs", "app", "-c", "install"], {
      cwd: dir,
      encoding: "utf8",
      env,
    });
    assert.equal(r.status, 0, r.stderr);
    // As bitbake-diffsigs does: the first changed dependency is followed, down to the change.
    assert.match(r.stdout, /^Hash for task dependency app:do_compile changed from \w+ to \w+$/m);
    assert.match(r.stdout, /^ {8}Hash for task dependency tool:do_install changed/m);
    assert.match(
      r.stdout,
      /^ {16}Variable EXTRA_OEMAKE value changed:\n {16}@@ -1,2 \+1,2 @@\n {16}--j4 V=1\n {16}\+-j4 V=1 V=2\n {17}_remove of -j4$/m,
    );
  } finally {
    rmSync(conf);
    appendFileSync(conf, original);
  }
});

test("a file named by [file-checksums] changes the task hash, not the base hash", () => {
  const data = path.join(dir, "meta-s/recipes/tool/files/data.txt");
  const baseBefore = sigs("tool").basehash;
  rmSync(path.join(dir, "tmp/stamps"), { recursive: true, force: true });
  const before = taskHashes();
  const original = readFileSync(data, "utf8");
  try {
    appendFileSync(data, "second version\n");
    assert.deepEqual(sigs("tool").basehash, baseBefore);
    const after = taskHashes();
    const changed = [...before.keys()].filter((t) => before.get(t) !== after.get(t));
    assert.ok(changed.includes("tool:do_fetch"), changed.join(" "));
    assert.ok(!changed.includes("app:do_fetch"), changed.join(" "));
    const r = spawnSync(process.execPath, [KILN, "diffsigs", "tool", "-c", "fetch"], {
      cwd: dir,
      encoding: "utf8",
      env,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Checksum for file data\.txt changed from [0-9a-f]{32} to [0-9a-f]{32}$/m);
  } finally {
    rmSync(data);
    appendFileSync(data, original);
  }
});
