// `kiln graph` against what real `bitbake -g` wrote for the task-graph fixture
// (test/fixtures/graph.expect.json, recorded with scripts/oracle/record-graphs.sh).

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { generateGraphFixture } from "../fixtures/graph.js";
import { BuildDir, KILN } from "../helpers/builddir.js";

const root = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));

interface Recorded {
  args: string[];
  code: number;
  errors: string[];
  "task-depends.dot": string | null;
  "pn-buildlist": string | null;
}
const recorded = JSON.parse(
  readFileSync(path.join(root, "test/fixtures/graph.expect.json"), "utf8"),
) as Recorded[];

const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-graph-"));
generateGraphFixture(dir);
after(() => rmSync(dir, { recursive: true, force: true }));

function read(name: string): string | null {
  const p = path.join(dir, name);
  return existsSync(p) ? readFileSync(p, "utf8").replaceAll(dir, "@TOPDIR@") : null;
}

for (const want of recorded) {
  test(`kiln graph ${want.args.join(" ")} writes what bitbake -g writes`, () => {
    for (const f of ["task-depends.dot", "pn-buildlist"]) rmSync(path.join(dir, f), { force: true });
    const r = spawnSync(KILN, ["graph", ...want.args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, KILN_NO_SERVER: "1" },
    });
    assert.equal(r.status === 0, want.code === 0, r.stderr);
    assert.equal(read("task-depends.dot"), want["task-depends.dot"]);
    assert.equal(read("pn-buildlist"), want["pn-buildlist"]);
    // BitBake's error lines each name the problem; kiln must report the same problems, and the
    // same close matches when it suggests some.
    const stderr = r.stderr.replaceAll(dir, "@TOPDIR@");
    for (const error of want.errors.filter((l) => /Nothing R?PROVIDES|does not exist/.test(l))) {
      const key = error
        .replace(/^ERROR: /, "")
        .split(" (")[0]
        .split(". Close matches:")[0];
      assert.ok(stderr.includes(key), `expected an error like: ${error}\ngot:\n${r.stderr}`);
      const matches = error.indexOf("Close matches:");
      if (matches >= 0)
        assert.ok(stderr.includes(error.slice(matches)), `expected ${error}\ngot:\n${r.stderr}`);
    }
  });
}

test("several providers and none preferred: BitBake's note, the first eligible one is used", () => {
  const b = new BuildDir({
    "meta-test/recipes/a_1.0.bb": 'PROVIDES = "virtual/thing"\n',
    "meta-test/recipes/b_1.0.bb": 'PROVIDES = "virtual/thing"\n',
    "meta-test/recipes/user_1.0.bb": 'DEPENDS = "virtual/thing"\ndo_build[deptask] = "do_build"\n',
  });
  try {
    const r = b.kiln("graph", "user");
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /NOTE: Multiple providers are available for virtual\/thing \(a, b\)\nConsider defining a PREFERRED_PROVIDER entry to match virtual\/thing/,
    );
    assert.match(readFileSync(b.path("task-depends.dot"), "utf8"), /"user\.do_build" -> "a\.do_build"/);
  } finally {
    b.remove();
  }
});

test("a graph file it cannot write is an error naming the file, not a bug in kiln", () => {
  const b = new BuildDir({ "meta-test/recipes/one_1.0.bb": "" });
  try {
    // A directory where the file goes: refused even to root, unlike file permissions.
    mkdirSync(b.path("pn-buildlist"));
    const r = b.kiln("graph", "one");
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`ERROR: cannot open ${b.path("pn-buildlist")}: it is a directory`));
    assert.doesNotMatch(r.stderr, /internal error|bug in kiln/);
  } finally {
    b.remove();
  }
});
