// Bad input must give a located message (file:line and what is wrong), exit code 1, and never a
// stack trace.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, test } from "node:test";
import { BuildDir, KILN } from "../helpers/builddir.js";

const dirs: BuildDir[] = [];
after(() => {
  for (const d of dirs) d.remove();
});

function failing(files: Record<string, string>, args: string[]): { stderr: string; dir: BuildDir } {
  const dir = new BuildDir(files);
  dirs.push(dir);
  const r = dir.kiln(...args);
  assert.equal(r.code, 1, `expected exit 1, got ${r.code}; stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, "no JavaScript stack trace");
  assert.doesNotMatch(r.stderr, /internal error/);
  return { stderr: r.stderr, dir };
}

test("a syntax error names the file and line", () => {
  const { stderr, dir } = failing({ "meta-test/recipes/foo_1.0.bb": 'A = "fine"\nB = "never closed\n' }, [
    "query",
    "-r",
    "foo",
    "A",
  ]);
  assert.ok(stderr.includes(`${dir.path("meta-test/recipes/foo_1.0.bb")}:2`), stderr);
  assert.match(stderr, /unparsed line/);
});

test("a missing required file names the requiring file and line", () => {
  const { stderr, dir } = failing({ "meta-test/recipes/foo_1.0.bb": 'A = "x"\nrequire missing.inc\n' }, [
    "query",
    "-r",
    "foo",
    "A",
  ]);
  assert.ok(stderr.includes(`${dir.path("meta-test/recipes/foo_1.0.bb")}:2`), stderr);
  assert.match(stderr, /Could not include required file missing\.inc/);
});

test("an unknown class names the inheriting file and line", () => {
  const { stderr, dir } = failing({ "meta-test/recipes/foo_1.0.bb": "\ninherit no-such-class\n" }, [
    "query",
    "-r",
    "foo",
    "PN",
  ]);
  assert.ok(stderr.includes(`${dir.path("meta-test/recipes/foo_1.0.bb")}:2`), stderr);
  assert.match(stderr, /Could not inherit file classes\/no-such-class\.bbclass/);
});

test("a Python error in an anonymous function points into the metadata file", () => {
  const { stderr, dir } = failing(
    {
      "meta-test/recipes/foo_1.0.bb":
        'A = "x"\npython () {\n    x = 1\n    raise ValueError("broken on purpose")\n}\n',
    },
    ["query", "-r", "foo", "A"],
  );
  assert.ok(stderr.includes(`${dir.path("meta-test/recipes/foo_1.0.bb")}:4`), stderr);
  assert.match(stderr, /ValueError: broken on purpose/);
});

test("a Python syntax error in a def block is located", () => {
  const { stderr, dir } = failing(
    {
      "meta-test/classes/helpers.bbclass": "def broken(d):\n    return (\n",
      "meta-test/recipes/foo_1.0.bb": "inherit helpers\n",
    },
    ["query", "-r", "foo", "PN"],
  );
  assert.ok(stderr.includes(dir.path("meta-test/classes/helpers.bbclass")), stderr);
  assert.match(stderr, /SyntaxError/);
});

test("a self-referencing variable fails that query only, with the variable named", () => {
  const dir = new BuildDir({ "meta-test/recipes/foo_1.0.bb": 'A = "${A} more"\nB = "fine"\n' });
  dirs.push(dir);
  const r = dir.kiln("query", "--json", "-r", "foo", "A", "B");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.B, "fine");
  assert.match(out.A.error, /variable A references itself/);
});

test("an unknown target is reported without a trace", () => {
  const { stderr } = failing({ "meta-test/recipes/foo_1.0.bb": "" }, [
    "query",
    "-r",
    "nothing-like-it",
    "PN",
  ]);
  assert.match(stderr, /Unable to find any recipe file matching "nothing-like-it"/);
});

test("a missing layer directory is reported with the bblayers.conf that names it", () => {
  const { stderr } = failing(
    { "conf/bblayers.conf": 'BBPATH = "${TOPDIR}"\nBBLAYERS = "${TOPDIR}/meta-test ${TOPDIR}/meta-gone"\n' },
    ["query", "PN"],
  );
  assert.match(stderr, /layer directories do not exist/);
  assert.match(stderr, /meta-gone/);
});

test("bb.fatal in anonymous Python is reported once, at the calling line", () => {
  const { stderr, dir } = failing(
    { "meta-test/recipes/foo_1.0.bb": 'python () {\n    bb.fatal("not buildable here")\n}\n' },
    ["query", "-r", "foo", "PN"],
  );
  assert.ok(stderr.includes(`${dir.path("meta-test/recipes/foo_1.0.bb")}:2: not buildable here`), stderr);
  assert.equal(stderr.match(/not buildable here/g)?.length, 1);
});

test("a reader that stops early ends kiln quietly, with SIGPIPE's status", () => {
  const dir = new BuildDir({ "meta-test/recipes/foo_1.0.bb": "" });
  dirs.push(dir);
  // `true` exits without reading, so every write kiln makes finds the pipe closed.
  const r = spawnSync("bash", ["-c", `set -o pipefail; "${KILN}" layers show-recipes | true`], {
    cwd: dir.dir,
    encoding: "utf8",
    env: { ...process.env, KILN_NO_SERVER: "1" },
  });
  assert.equal(r.status, 141, r.stderr);
  assert.doesNotMatch(r.stderr, /EPIPE|^\s+at .+:\d+:\d+\)?$/m, "no error and no stack trace");
});
