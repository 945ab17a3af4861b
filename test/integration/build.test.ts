// `kiln build` end to end on meta-kiln and a test layer: sources over HTTP (a server this test
// runs), from git and local files with a patch, compiled with gcc. It proves the no-op rebuild,
// the exact-rerun rule, checksum refusal, shared-state restore into a fresh build directory,
// network isolation, the build lock, and that killing kiln at any moment and building again
// gives the same result.

import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { makeBuildDir, makeUpstream, serveDirectory } from "../fixtures/make-build.js";
import { KILN, runKiln } from "../helpers/builddir.js";

const root = mkdtempSync(path.join(os.tmpdir(), "kiln-build-"));
const dlDir = path.join(root, "downloads");
const sstateDir = path.join(root, "sstate-cache");
const upstream = makeUpstream(root);
let server: Awaited<ReturnType<typeof serveDirectory>>;
const buildDir = path.join(root, "build");
const work = (dir: string, pn: string, pv = "1.0") => path.join(dir, "tmp/work/x86_64-kiln-linux", pn, pv);

before(async () => {
  server = await serveDirectory(upstream.served);
  makeBuildDir(buildDir, { ...upstream, url: server.url, dlDir, sstateDir });
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

interface Result {
  status: number | null;
  out: string;
  ran: string[];
}

const env = { ...process.env, KILN_NO_SERVER: "1" };

/** `kiln build` in `dir`, with the tasks that ran (from the plain progress lines). */
async function kiln(dir: string, ...args: string[]): Promise<Result> {
  const { status, out } = await runKiln(dir, ["build", ...args]);
  const ran = [...out.matchAll(/^NOTE: (\S+): Succeeded$/gm)].map((m) => m[1]).sort();
  return { status, out, ran };
}

/** Every file below `dir` with its mode and content hash (what a build produced). */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const file = path.join(dir, rel, name);
      const st = statSync(file);
      if (st.isDirectory()) walk(path.join(rel, name));
      else
        out.push(
          `${path.join(rel, name)} ${st.mode.toString(8)} ${createHash("sha256").update(readFileSync(file)).digest("hex")}`,
        );
    }
  };
  walk("");
  return out;
}

test("builds from HTTP (checksummed), git at SRCREV and local files with a patch", async () => {
  const r = await kiln(buildDir, "greet", "tool");
  assert.equal(r.status, 0, r.out);
  const greet = path.join(work(buildDir, "greet"), "image/usr/bin/greet");
  assert.equal(execFileSync(greet, { encoding: "utf8" }), "HELLO from greet\n", "the patch was applied");
  assert.equal(
    readFileSync(path.join(work(buildDir, "greet"), "image/etc/greet.conf"), "utf8"),
    "volume=loud\n",
  );
  const tool = path.join(work(buildDir, "tool", "1.0+git"), "image/usr/bin/tool");
  assert.equal(execFileSync(tool, { encoding: "utf8" }), "tool version one\n", "SRCREV, not the branch head");
  assert.ok(existsSync(path.join(dlDir, "greet-1.0.tar.gz.done")));
  // Logs and run scripts where BitBake keeps them.
  const temp = path.join(work(buildDir, "greet"), "temp");
  assert.match(readFileSync(path.join(temp, "log.do_compile"), "utf8"), /gcc|cc /);
  assert.ok(readdirSync(temp).some((f) => f.startsWith("run.do_compile.")));
  assert.match(
    r.out,
    /Tasks Summary: Attempted \d+ tasks of which 0 didn't need to be rerun and all succeeded/,
  );
  // The console shows progress and the summary; shared-state bookkeeping goes to the console
  // log only (TMPDIR/log/cooker/MACHINE/..., console-latest.log naming the newest).
  assert.doesNotMatch(r.out, /NOTE: stored/);
  const cooker = path.join(buildDir, "tmp", "log", "cooker");
  const [machine] = readdirSync(cooker);
  const consoleLog = readFileSync(path.join(cooker, machine, "console-latest.log"), "utf8");
  assert.match(consoleLog, /^NOTE: stored do_install of greet in /m);
  assert.match(consoleLog, /^NOTE: Running task \d+ of \d+ \(greet:do_install\)$/m);
  assert.match(consoleLog, /Tasks Summary: Attempted \d+ tasks/);
});

test("a second build with nothing changed runs nothing", async () => {
  const hits = server.hits.get("/greet-1.0.tar.gz");
  const r = await kiln(buildDir, "greet", "tool");
  assert.equal(r.status, 0, r.out);
  assert.deepEqual(r.ran, []);
  assert.equal(server.hits.get("/greet-1.0.tar.gz"), hits, "no download either");
});

test("changing one variable reruns exactly the tasks whose hashes changed", async () => {
  const conf = path.join(buildDir, "conf/local.conf");
  const original = readFileSync(conf, "utf8");
  try {
    writeFileSync(conf, `${original}EXTRA_OEMAKE:append:pn-greet = " CPPFLAGS=-DUNUSED"\n`);
    const r = await kiln(buildDir, "greet", "tool");
    assert.equal(r.status, 0, r.out);
    // Everything after do_compile in greet (packaging included), nothing before it, nothing in tool.
    assert.deepEqual(r.ran, [
      "greet:do_compile",
      "greet:do_install",
      "greet:do_package",
      "greet:do_package_write_ipk",
      "greet:do_packagedata",
      "greet:do_populate_sysroot",
    ]);
    // -n says what would run and why, and runs nothing.
    writeFileSync(conf, `${original}EXTRA_OEMAKE:append:pn-greet = " CPPFLAGS=-DUNUSED2"\n`);
    const dry = await kiln(buildDir, "-n", "greet");
    assert.equal(dry.status, 0, dry.out);
    assert.match(dry.out, /greet:do_compile: run \(hash changed: .*Variable EXTRA_OEMAKE value changed/);
    assert.doesNotMatch(dry.out, /^greet:do_(fetch|unpack|patch|configure):/m);
    assert.deepEqual((await kiln(buildDir, "-n", "greet")).ran, []);
  } finally {
    writeFileSync(conf, original);
  }
  // Back to the first value: its outputs are still in shared state.
  const back = await kiln(buildDir, "-n", "greet");
  assert.match(back.out, /greet:do_install: restore from shared state/);
  assert.doesNotMatch(back.out, /^greet:do_compile:/m);
});

test("python tasks log through bb.note into the task log; -c and -f", async () => {
  const r = await kiln(buildDir, "greet", "-c", "report");
  assert.equal(r.status, 0, r.out);
  assert.deepEqual(r.ran, ["greet:do_report"]);
  const log = readFileSync(path.join(work(buildDir, "greet"), "temp/log.do_report"), "utf8");
  assert.match(log, /NOTE: greet is built from http:\/\/127\.0\.0\.1:\d+\/greet-1\.0\.tar\.gz/);
  assert.deepEqual((await kiln(buildDir, "greet", "-c", "report")).ran, []);
  assert.deepEqual((await kiln(buildDir, "greet", "-c", "report", "-f")).ran, ["greet:do_report"]);
});

test("python and shell functions create files under the task's [umask], else BB_DEFAULT_UMASK", async () => {
  const r = await kiln(buildDir, "greet", "-c", "modes");
  assert.equal(r.status, 0, r.out);
  const dir = path.join(work(buildDir, "greet"), "temp/modes");
  const mode = (name: string) => (statSync(path.join(dir, name)).mode & 0o7777).toString(8);
  assert.equal(mode("py-file"), "640", "open() in Python");
  assert.equal(mode("py-dir"), "750", "os.mkdir() in Python");
  assert.equal(mode("py-open"), "750", "os.open() with a mode");
  assert.equal(mode("py-private"), "600", "bb.utils.umask() changes it for a while");
  assert.equal(mode("py-after"), "640", "and puts it back");
  assert.equal(mode("sh-file"), "640", "a shell function of the same task");
  const d = await kiln(buildDir, "greet", "-c", "defaultmodes");
  assert.equal(d.status, 0, d.out);
  const file = path.join(work(buildDir, "greet"), "temp/default-mode");
  assert.equal((statSync(file).mode & 0o7777).toString(8), "644", "BB_DEFAULT_UMASK (022)");
});

test("a [umask] that is not octal fails its task, saying so", async () => {
  const r = await kiln(buildDir, "greet", "-c", "badumask");
  assert.notEqual(r.status, 0, r.out);
  assert.match(
    r.out,
    /greet:do_badumask failed: do_badumask\[umask\] \(or BB_DEFAULT_UMASK\) is not an octal number: '0x22'/,
  );
});

test("what a task's Python does to its process's environment does not reach the next task", async () => {
  // One build worker, so that both tasks run in the same process, one after the other.
  const dir = path.join(root, "one-worker");
  makeBuildDir(dir, { ...upstream, url: server.url, dlDir, sstateDir });
  appendFileSync(path.join(dir, "conf/local.conf"), 'BB_NUMBER_THREADS = "1"\n');
  const r = await kiln(dir, "greet", "-c", "tzcheck");
  assert.equal(r.status, 0, r.out);
  assert.ok(r.ran.includes("greet:do_leak"), r.out);
  const seen = readFileSync(path.join(work(dir, "greet"), "temp/tzcheck"), "utf8");
  assert.equal(seen, `TZ=[${process.env.TZ ?? ""}]\n`);
});

test("owners given under fakeroot in do_install are seen by later fakeroot tasks", async () => {
  const r = await kiln(buildDir, "greet", "-c", "owner");
  assert.equal(r.status, 0, r.out);
  assert.equal(readFileSync(path.join(work(buildDir, "greet"), "temp/owner"), "utf8"), "1234:1234\n");
  assert.notEqual(
    statSync(path.join(work(buildDir, "greet"), "image/etc/greet.conf")).uid,
    1234,
    "only in fakeroot",
  );
});

test("a wrong checksum is refused and nothing is kept", async () => {
  const r = await kiln(buildDir, "badsum");
  assert.equal(r.status, 1);
  assert.match(r.out, /badsum:do_fetch failed/);
  assert.match(r.out, /checksum/i);
  assert.match(r.out, /Logfile of failure stored in: .*log\.do_fetch\.\d+/);
  assert.ok(!existsSync(path.join(dlDir, "junk.tar.gz")));
  assert.ok(!existsSync(path.join(dlDir, "junk.tar.gz.done")));
});

test("a failing task names its log and shows its last lines; -k goes on with the rest", async () => {
  const r = await kiln(buildDir, "broken", "slow");
  assert.equal(r.status, 1);
  assert.match(r.out, /broken:do_compile failed: do_compile failed with exit code '1'/);
  assert.match(r.out, /\| about to fail/);
  assert.doesNotMatch(r.out, /not reached/);
  const k = await kiln(buildDir, "-k", "broken", "slow");
  assert.equal(k.status, 1);
  assert.ok(existsSync(path.join(work(buildDir, "slow"), "image/usr/share/steps")), k.out);
  assert.match(k.out, /Summary: task broken:do_compile failed/);
});

test("tasks holding the same [lockfiles] never overlap", async () => {
  const r = await kiln(buildDir, "locka", "lockb", "-c", "compile");
  assert.equal(r.status, 0, r.out);
  const order = readFileSync(path.join(buildDir, "tmp/lockorder"), "utf8").trim().split("\n");
  assert.equal(order.length, 4);
  assert.equal(order[0].replace("start", "end"), order[1]);
  assert.equal(order[2].replace("start", "end"), order[3]);
});

test("tasks other than do_fetch have no network", async () => {
  const r = await kiln(buildDir, "netcheck");
  assert.equal(r.status, 0, r.out);
  const answer = readFileSync(path.join(work(buildDir, "netcheck"), "image/usr/share/network"), "utf8");
  assert.equal(answer, "unreachable\n");
});

test("a fresh build directory sharing SSTATE_DIR restores instead of rebuilding", async () => {
  const fresh = path.join(root, "build2");
  makeBuildDir(fresh, { ...upstream, url: server.url, dlDir, sstateDir });
  const r = await kiln(fresh, "greet");
  assert.equal(r.status, 0, r.out);
  assert.deepEqual(r.ran, []);
  assert.match(r.out, /greet:do_install: Restored from shared state/);
  assert.ok(!existsSync(path.join(work(fresh, "greet"), "temp/log.do_compile")), "do_compile did not run");
  assert.deepEqual(
    tree(path.join(work(fresh, "greet"), "image")),
    tree(path.join(work(buildDir, "greet"), "image")),
  );
  const owner = await kiln(fresh, "greet", "-c", "owner");
  assert.deepEqual(owner.ran, ["greet:do_owner"], owner.out);
  assert.equal(readFileSync(path.join(work(fresh, "greet"), "temp/owner"), "utf8"), "1234:1234\n");
  // Shared state from a mirror over HTTP (SSTATE_MIRRORS), into an empty SSTATE_DIR.
  const mirrored = path.join(root, "build-mirror");
  execFileSync("cp", ["-a", sstateDir, path.join(upstream.served, "sstate")]);
  makeBuildDir(mirrored, { ...upstream, url: server.url, dlDir, sstateDir: path.join(root, "sstate-empty") });
  writeFileSync(
    path.join(mirrored, "conf/local.conf"),
    `${readFileSync(path.join(mirrored, "conf/local.conf"), "utf8")}SSTATE_MIRRORS = "file://.* ${server.url}/sstate/PATH"\n`,
  );
  const m = await kiln(mirrored, "greet", "-v");
  assert.equal(m.status, 0, m.out);
  assert.deepEqual(m.ran, []);
  assert.match(m.out, /greet:do_install: Restored from shared state/);
  assert.match(m.out, /^NOTE: restored do_install of greet from http/m, "-v shows the bookkeeping");
  assert.ok(
    (server.hits.get(
      [...server.hits.keys()].find((k) => k.startsWith("/sstate/") && k.endsWith(".zst")) ?? "",
    ) ?? 0) > 0,
  );

  // A corrupt entry is reported and rebuilt, never used.
  const fresh3 = path.join(root, "build3");
  makeBuildDir(fresh3, { ...upstream, url: server.url, dlDir, sstateDir });
  const entries = readdirSync(sstateDir, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.includes("greet") && f.endsWith(".zst"),
  );
  assert.ok(entries.length > 0);
  for (const e of entries) {
    const file = path.join(sstateDir, e);
    const data = readFileSync(file);
    data[data.length >> 1] ^= 0xff;
    writeFileSync(file, data);
  }
  const r3 = await kiln(fresh3, "greet");
  assert.equal(r3.status, 0, r3.out);
  assert.match(r3.out, /corrupt/);
  assert.ok(r3.ran.includes("greet:do_compile"), r3.out);
});

function start(dir: string, ...args: string[]): ChildProcess {
  return spawn(process.execPath, [KILN, "build", ...args], { cwd: dir, env, stdio: "pipe" });
}

test("a second kiln on the same build directory is refused while the first runs", async () => {
  const first = start(buildDir, "sleepy", "-c", "compile");
  const firstExited = new Promise((r) => first.once("exit", r));
  let out = "";
  first.stdout?.on("data", (b) => {
    out += String(b);
  });
  while (!out.includes("sleepy:do_compile")) await new Promise((r) => setTimeout(r, 50));
  const second = await kiln(buildDir, "greet");
  assert.equal(second.status, 1);
  assert.match(second.out, /another kiln \(process \d+\) is building in this directory/);
  await firstExited;
});

test("killing kiln at any moment and building again gives the same result", async () => {
  const target = path.join(root, "build-kill");
  const reference = path.join(root, "build-ref");
  const privateState = (name: string) => ({
    ...upstream,
    url: server.url,
    dlDir,
    sstateDir: path.join(root, `sstate-${name}`),
  });
  makeBuildDir(reference, privateState("ref"));
  assert.equal((await kiln(reference, "slow", "greet")).status, 0);
  makeBuildDir(target, privateState("kill"));
  for (const delay of [400, 1500, 2500, 3200, 4000]) {
    const child = start(target, "slow", "greet");
    // Listened to from the start: a run may finish before the kill (the later ones have little
    // left to do), and must then have succeeded.
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    await new Promise((r) => setTimeout(r, delay));
    child.kill("SIGKILL");
    const code = await exited;
    assert.ok(code === null || code === 0, `a run that was not killed ended with status ${code}`);
  }
  const r = await kiln(target, "slow", "greet");
  assert.equal(r.status, 0, r.out);
  for (const pn of ["slow", "greet"]) {
    assert.deepEqual(
      tree(path.join(work(target, pn), "image")),
      tree(path.join(work(reference, pn), "image")),
      pn,
    );
  }
  assert.deepEqual((await kiln(target, "slow", "greet")).ran, []);
});
