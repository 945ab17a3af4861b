// The parse cache: a second run re-parses nothing; changing one file re-parses exactly the
// recipes that depended on it; a changed configuration re-parses everything; a stale or damaged
// cache is never used. Parsing in threads gives the same answers as parsing in one thread.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { BuildDir, DEFAULT_FILES, otherKiln } from "../helpers/builddir.js";

const files: Record<string, string> = {
  "meta-test/recipes/shared.inc": 'SHARED = "1"\n',
  "meta-test/recipes/foo_1.0.bb": 'require shared.inc\nDEFAULT_PREFERENCE = "0"\n',
  "meta-test/recipes/foo_2.0.bb": "require shared.inc\nrequire foo-pref.inc\n",
  "meta-test/recipes/foo-pref.inc": 'DEFAULT_PREFERENCE = "0"\n',
  "meta-test/recipes/bar_1.0.bb": "require shared.inc\n",
  "meta-test/recipes/baz_1.0.bb": 'BAZ = "z"\n',
  "meta-test/recipes/baz_%.bbappend": 'BAZ:append = " appended"\n',
};
for (let i = 0; i < 12; i++) files[`meta-test/recipes/filler${i}_1.0.bb`] = `N = "${i}"\n`;
const dir = new BuildDir(files);
after(() => dir.remove());

function parse(...extra: string[]): { cached: number; parsed: number; line: string } {
  return summary(dir.kiln("parse", ...extra));
}

function summary(r: { code: number | null; stdout: string; stderr: string }): {
  cached: number;
  parsed: number;
  line: string;
} {
  assert.equal(r.code, 0, r.stderr);
  const m =
    /Parsing of (\d+) \.bb files complete \((\d+) cached, (\d+) parsed\)\. (\d+) targets, (\d+) skipped, (\d+) masked, (\d+) errors\./.exec(
      r.stdout,
    );
  assert.ok(m, `summary line expected, got: ${r.stdout}`);
  return { cached: Number(m[2]), parsed: Number(m[3]), line: m[0] };
}

test("first parse fills the cache, second parse re-parses nothing", () => {
  const first = parse("-j", "2");
  assert.equal(first.parsed, 16);
  assert.equal(first.cached, 0);
  assert.match(
    first.line,
    /^Parsing of 16 \.bb files complete \(0 cached, 16 parsed\)\. 16 targets, 0 skipped, 0 masked, 0 errors\.$/,
  );
  const second = parse();
  assert.equal(second.parsed, 0);
  assert.equal(second.cached, 16);
});

test("touching one bbappend re-parses only the recipe it applies to", () => {
  appendFileSync(dir.path("meta-test/recipes/baz_%.bbappend"), "# touched\n");
  const r = parse();
  assert.equal(r.parsed, 1);
  assert.equal(r.cached, 15);
});

test("changing a shared include re-parses exactly the recipes including it", () => {
  writeFileSync(dir.path("meta-test/recipes/shared.inc"), 'SHARED = "2"\n');
  const r = parse();
  assert.equal(r.parsed, 3);
});

test("a new bbappend is noticed", () => {
  writeFileSync(dir.path("meta-test/recipes/bar_1.0.bbappend"), 'X = "y"\n');
  const r = parse();
  assert.equal(r.parsed, 1);
});

test("a changed configuration re-parses everything", () => {
  appendFileSync(dir.path("conf/local.conf"), 'NEWSETTING = "1"\n');
  assert.equal(parse().parsed, 16);
});

test("content changed behind an unchanged size and mtime is still seen (no stale entry used)", () => {
  assert.equal(dir.kiln("query", "-r", "foo", "PV").stdout.trim(), 'PV="2.0"');
  const inc = dir.path("meta-test/recipes/foo-pref.inc");
  const before = statSync(inc);
  const text = readFileSync(inc, "utf8")
    .replace('"0"', '"-1"')
    .replace("DEFAULT_PREFERENCE =", "DEFAULT_PREFERENCE=");
  assert.equal(text.length, before.size - 1 + 1);
  writeFileSync(inc, text);
  utimesSync(inc, before.atimeMs / 1000, before.mtimeMs / 1000);
  assert.ok(Math.abs(statSync(inc).mtimeMs - before.mtimeMs) < 1, "mtime restored");
  assert.equal(dir.kiln("query", "-r", "foo", "PV").stdout.trim(), 'PV="1.0"');
});

test("a damaged cache file is ignored and rebuilt", () => {
  const cacheFile = dir.path("tmp/cache/kiln/parse.cache");
  const raw = readFileSync(cacheFile);
  raw[raw.length - 5] ^= 0xff;
  writeFileSync(cacheFile, raw);
  assert.equal(parse().parsed, 16);
  assert.equal(parse().parsed, 0);
});

test("a cache written by a kiln built from other sources is not used, in either direction", () => {
  assert.equal(parse().parsed, 0);
  // This kiln again, but one of its modules differs (by a comment): another build.
  const other = otherKiln();
  try {
    const run = spawnSync(path.join(other, "bin/kiln"), ["parse"], { cwd: dir.dir, encoding: "utf8" });
    assert.equal(summary({ code: run.status, stdout: run.stdout, stderr: run.stderr }).parsed, 16);
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
  assert.equal(parse().parsed, 16);
  assert.equal(parse().parsed, 0);
});

test("an edited layer Python library re-parses everything, and its new code runs", () => {
  const libDir = new BuildDir({
    "meta-test/conf/layer.conf": `${DEFAULT_FILES["meta-test/conf/layer.conf"]}addpylib \${LAYERDIR}/lib mylib\n`,
    "meta-test/lib/mylib/__init__.py": 'def answer():\n    return "one"\n',
    "meta-test/recipes/uselib_1.0.bb": 'ANSWER = "${@mylib.answer()}"\n',
    "meta-test/recipes/other_1.0.bb": "",
  });
  try {
    const parseLib = () => summary(libDir.kiln("parse")).parsed;
    const answer = () => libDir.kiln("query", "-r", "uselib", "ANSWER").stdout;
    assert.equal(parseLib(), 2);
    assert.equal(parseLib(), 0);
    assert.equal(answer(), 'ANSWER="one"\n');
    // The same size and mtime: Python's own check of cached bytecode would not notice.
    const lib = libDir.path("meta-test/lib/mylib/__init__.py");
    const before = statSync(lib);
    writeFileSync(lib, 'def answer():\n    return "two"\n');
    utimesSync(lib, before.atime, before.mtime);
    assert.equal(parseLib(), 2);
    assert.equal(answer(), 'ANSWER="two"\n');
  } finally {
    libDir.remove();
  }
});

test("parsing in threads and in one thread gives the same answers", () => {
  const threaded = dir.kiln("parse", "--no-cache", "-j", "2");
  const single = dir.kiln("parse", "--no-cache", "-j", "1");
  assert.equal(threaded.code, 0, threaded.stderr);
  assert.equal(threaded.stdout, single.stdout);
  const a = dir.kiln("query", "--json", "-r", "baz", "BAZ", "PV");
  assert.deepEqual(JSON.parse(a.stdout), { BAZ: "z appended", PV: "1.0" });
});
