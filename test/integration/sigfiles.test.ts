// BitBake's signature data files, both ways, against recordings of real BitBake
// (test/fixtures/sigfiles, scripts/oracle/record-sigfiles.sh):
// - kiln dumpsig / kiln diffsigs on BitBake's files print what bitbake-dumpsig / bitbake-diffsigs
//   printed for them;
// - the files kiln writes for the same metadata are BitBake's files (the same names and, once
//   decompressed, the same JSON), which is what bitbake-dumpsig was checked to read alike.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { zstdDecompress } from "../../src/util/zstd.js";
import { generateSigfilesFixture } from "../fixtures/sigfiles.js";
import { KILN, REPO } from "../helpers/builddir.js";

const recorded = path.join(REPO, "test/fixtures/sigfiles");
interface Case {
  kind: "dumpsig" | "diffsigs";
  args: string[];
  status: number;
  stdout: string;
  stderr: string;
}
const cases = JSON.parse(readFileSync(path.join(recorded, "expect.json"), "utf8")) as Case[];
// The files oldest first, as BitBake wrote them (bitbake-diffsigs -t takes the newest two).
const order = readFileSync(path.join(recorded, "order.txt"), "utf8").split("\n").filter(Boolean);

const base = mkdtempSync(path.join(os.tmpdir(), "kiln-sigfiles-"));
after(() => rmSync(base, { recursive: true, force: true }));

/** Version 2 of the fixture, with BitBake's files of both versions under tmp/stamps. */
const withFiles = path.join(base, "recorded");
generateSigfilesFixture(withFiles, 2);
cpSync(path.join(recorded, "stamps"), path.join(withFiles, "tmp/stamps"), { recursive: true });
const t0 = Date.now() / 1000 - order.length;
order.forEach((rel, i) => {
  utimesSync(path.join(withFiles, rel), t0 + i, t0 + i);
});

function kiln(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [KILN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, KILN_NO_SERVER: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Python prints a frozenset's items in the order of its string hashes: compare them sorted. */
function sortSets(text: string): string {
  return text.replace(
    /frozenset\(\{([^}]*)\}\)/g,
    (_m, items: string) => `frozenset({${items.split(", ").sort().join(", ")}})`,
  );
}

/** bitbake-diffsigs' own output, without the notes of the BitBake server it starts. */
const withoutServerNotes = (text: string) =>
  text.replace(/^NOTE: (Starting|Reconnecting to) bitbake server\.\.\.\n/gm, "");

for (const c of cases) {
  // bitbake-diffsigs -t RECIPE TASK is kiln diffsigs RECIPE -c TASK.
  const args = c.args[0] === "-t" ? [c.args[1], "-c", c.args[2]] : c.args;
  test(`kiln ${c.kind} ${args.join(" ")} prints what bitbake-${c.kind} printed`, () => {
    const r = kiln(withFiles, c.kind, ...args);
    assert.equal(r.status, c.status, r.stderr);
    assert.equal(sortSets(r.stdout), sortSets(withoutServerNotes(c.stdout)));
  });
}

test("the recordings cover every kind of difference kiln explains", () => {
  const all = cases.map((c) => c.stdout).join("\n");
  for (const what of [
    /^ {4}Hash for task dependency \S+ changed from/m, // followed into a dependency's files
    /^Variable \S+ value changed:\n"[^"]*\{\+/m, // a word diff
    /^@@ -1,3 \+1,4 @@$/m, // a line diff
    /^Variable \S+ value changed from '/m,
    /^List of dependencies for variable \S+ changed from 'frozenset\(/m,
    /^Dependency on variable \S+ was added$/m,
    /^Checksum for file \S+ changed from/m,
    /^ {4}Number of task dependencies changed$/m,
    /^ {4}Dependency on task \S+ was added with hash/m,
  ]) {
    assert.match(all, what);
  }
});

test("kiln writes BitBake's files: the same names, and the same JSON in them", () => {
  const own = path.join(base, "kiln");
  generateSigfilesFixture(own, 2);
  for (const target of ["app", "tool"]) {
    const r = kiln(own, "sigs", target, "-c", "build");
    assert.equal(r.status, 0, r.stderr);
  }
  const written = listFiles(path.join(own, "tmp/stamps"));
  assert.equal(written.length, 8, written.join("\n"));
  for (const rel of written) {
    const theirs = path.join(recorded, "stamps", rel);
    assert.ok(statSync(theirs, { throwIfNoEntry: false }), `BitBake wrote no ${rel} (another hash)`);
    assert.equal(unzstd(path.join(own, "tmp/stamps", rel)), unzstd(theirs), rel);
  }
});

test("kiln dumpsig and kiln diffsigs say what is wrong with what they are given", () => {
  const notSig = path.join(withFiles, "conf/local.conf");
  let r = kiln(withFiles, "dumpsig", notSig);
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    `ERROR: ${notSig}: not a signature data file (sigdata/siginfo are zstd-compressed)\n`,
  );
  r = kiln(withFiles, "diffsigs", "app", "-c", "install");
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /^ERROR: No signature data files of app:do_install; run `kiln sigs app -c do_install`/,
  );
  r = kiln(withFiles, "diffsigs", notSig, "nowhere.sigdata");
  assert.equal(r.stderr, "ERROR: nowhere.sigdata: no such signature data file\n");
});

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(dir, path.join(prefix, e.name)) : [path.join(prefix, e.name)],
  );
}

const unzstd = (file: string) => Buffer.from(zstdDecompress(readFileSync(file))).toString("utf8");
