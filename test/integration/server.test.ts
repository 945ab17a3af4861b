// The resident server answers like a fresh kiln, and never from stale state: edited recipes,
// configuration files, layer Python libraries and environment changes are all seen, and a
// server answers only clients of its own build of kiln.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { BuildDir, DEFAULT_FILES, otherKiln } from "../helpers/builddir.js";

const dir = new BuildDir({
  "conf/local.conf": 'COLOR = "red"\n',
  "meta-test/recipes/foo_1.0.bb": 'FRUIT = "apple"\nSHOWN = "${COLOR} ${FRUIT}"\n',
  "meta-test/conf/layer.conf": `${DEFAULT_FILES["meta-test/conf/layer.conf"]}addpylib \${LAYERDIR}/lib mylib\n`,
  "meta-test/lib/mylib/__init__.py": 'def answer():\n    return "one"\n',
  "meta-test/recipes/uselib_1.0.bb": 'ANSWER = "${@mylib.answer()}"\n',
});

before(() => {
  const r = dir.kiln("server", "start", "--timeout", "120");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /kiln server (started|already running)/);
});
after(() => {
  dir.kiln("server", "stop");
  dir.remove();
});

/** Whether process `pid` exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const shown = () => dir.kiln("query", "-r", "foo", "SHOWN");

test("a query through the server gives the same answer as a fresh kiln", () => {
  const through = shown();
  const fresh = dir.kiln("query", "-r", "foo", "SHOWN");
  assert.equal(through.code, 0, through.stderr);
  assert.equal(through.stdout, 'SHOWN="red apple"\n');
  assert.equal(fresh.stdout, through.stdout);
  assert.match(dir.kiln("server", "status").stdout, /kiln server running/);
});

test("an edited recipe is seen", () => {
  writeFileSync(dir.path("meta-test/recipes/foo_1.0.bb"), 'FRUIT = "pear"\nSHOWN = "${COLOR} ${FRUIT}"\n');
  assert.equal(shown().stdout, 'SHOWN="red pear"\n');
});

test("an edited configuration file is seen", () => {
  writeFileSync(dir.path("conf/local.conf"), 'COLOR = "green"\n');
  assert.equal(shown().stdout, 'SHOWN="green pear"\n');
});

test("an edited layer Python library is seen, even with its size and mtime kept", () => {
  const answer = () => dir.kiln("query", "-r", "uselib", "ANSWER").stdout;
  assert.equal(answer(), 'ANSWER="one"\n');
  const lib = dir.path("meta-test/lib/mylib/__init__.py");
  const before = statSync(lib);
  writeFileSync(lib, 'def answer():\n    return "two"\n');
  utimesSync(lib, before.atime, before.mtime);
  assert.equal(answer(), 'ANSWER="two"\n');
});

/** Run the kiln in `kilnDir` (a copy made by otherKiln) in build directory `cwd`. */
function runOther(kilnDir: string, cwd: string, ...args: string[]) {
  return spawnSync(path.join(kilnDir, "bin/kiln"), args, { cwd, encoding: "utf8", timeout: 120_000 });
}

test("a client of another build of kiln works without the server, which goes on serving its own", () => {
  const other = otherKiln();
  try {
    const r = runOther(other, dir.dir, "query", "-r", "foo", "SHOWN");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /runs another build of kiln/);
    const own = shown();
    assert.equal(r.stdout, own.stdout);
    assert.doesNotMatch(own.stderr, /another build/);
    assert.match(dir.kiln("server", "status").stdout, /kiln server running/);
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});

/**
 * Run `body` with a server of another kiln (a copy made by otherKiln) started in a build
 * directory of its own holding recipe foo with SHOWN = `shown`; everything is removed after.
 */
function withOtherKilnServer(shown: string, body: (other: string, buildDir: BuildDir) => void): void {
  const other = otherKiln();
  const buildDir = new BuildDir({ "meta-test/recipes/foo_1.0.bb": `SHOWN = "${shown}"\n` });
  try {
    assert.equal(runOther(other, buildDir.dir, "server", "start", "--timeout", "60").status, 0);
    body(other, buildDir);
  } finally {
    runOther(other, buildDir.dir, "server", "stop");
    buildDir.remove();
    rmSync(other, { recursive: true, force: true });
  }
}

test("a server whose kiln was rebuilt since it started stops at the next request", () => {
  withOtherKilnServer("x", (other, otherDir) => {
    assert.doesNotMatch(runOther(other, otherDir.dir, "query", "-r", "foo", "SHOWN").stderr, /another build/);
    appendFileSync(path.join(other, "dist/src/parse/tree.js"), "\n// rebuilt\n");
    const r = runOther(other, otherDir.dir, "query", "-r", "foo", "SHOWN");
    assert.equal(r.stdout, 'SHOWN="x"\n');
    assert.match(r.stderr, /runs another build of kiln/);
    let status = "";
    for (let tries = 0; tries < 50; tries++) {
      status = runOther(other, otherDir.dir, "server", "status").stdout;
      if (/no kiln server running/.test(status)) break;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
    assert.match(status, /no kiln server running/);
  });
});

test("server start replaces a server of another kiln", () => {
  withOtherKilnServer("y", (_other, otherDir) => {
    try {
      const started = otherDir.kiln("server", "start", "--timeout", "60");
      assert.equal(started.code, 0, started.stderr);
      assert.match(
        started.stdout,
        /stopped the kiln server of another kiln \(pid \d+\)\nkiln server started/,
      );
      const r = otherDir.kiln("query", "-r", "foo", "SHOWN");
      assert.equal(r.stdout, 'SHOWN="y"\n');
      assert.doesNotMatch(r.stderr, /another build/);
      assert.match(otherDir.kiln("server", "start").stdout, /already running/);
    } finally {
      otherDir.kiln("server", "stop");
    }
  });
});

test("errors and exit codes come back through the server", () => {
  const r = dir.kiln("query", "-r", "no-such-recipe", "PN");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Unable to find any recipe file matching "no-such-recipe"/);
});

test("stop ends the server's process before it says so", () => {
  assert.equal(shown().code, 0);
  const r = dir.kiln("server", "stop");
  assert.equal(r.code, 0, r.stderr);
  const pid = Number(/stopped \(pid (\d+)\)/.exec(r.stdout)?.[1]);
  assert.ok(pid > 0, r.stdout);
  assert.equal(alive(pid), false, "the server process is gone");
  assert.match(dir.kiln("server", "status").stdout, /no kiln server running/);
});
