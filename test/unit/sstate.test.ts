// The sstate cache: storing task outputs, restoring them elsewhere, integrity checks, mirrors.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmod,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  hasOutputs,
  mirrorUrls,
  type OutputDir,
  restoreOutputs,
  type SstateConfig,
  type SstateKey,
  sstateName,
  storeOutputs,
} from "../../src/cache/index.js";

let root: string;
let serial = 0;

before(async () => {
  root = await mkdtemp(join(tmpdir(), "kiln-sstate-test-"));
});

after(async () => {
  spawnSync("chmod", ["-R", "u+w", root]);
  await rm(root, { recursive: true, force: true });
});

/** A fresh directory under the test's temporary root. */
async function scratch(name: string): Promise<string> {
  const dir = join(root, `${name}-${serial++}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

const key = (hash = "ab".repeat(32), pn = "hello", task = "do_install"): SstateKey => ({ pn, task, hash });

function config(dir: string, mirrors = ""): SstateConfig & { lines: string[] } {
  const lines: string[] = [];
  return { dir, mirrors, log: (l) => lines.push(l), lines };
}

/** A task's output: files with various modes and mtimes, symlinks, a hard link, empty and read-only dirs. */
async function makeOutputs(base: string): Promise<OutputDir[]> {
  const d = join(base, "image");
  const sysroot = join(base, "sysroot-destdir");
  const empty = join(base, "empty-output");
  await mkdir(join(d, "usr/bin"), { recursive: true });
  await mkdir(join(d, "usr/share/empty"), { recursive: true });
  await mkdir(join(d, "etc/ro"), { recursive: true });
  await mkdir(join(sysroot, "lib"), { recursive: true });
  await mkdir(empty);
  await writeFile(join(d, "usr/bin/hello"), "#!/bin/sh\necho hello\n");
  await chmod(join(d, "usr/bin/hello"), 0o755);
  await writeFile(join(d, "etc/hello.conf"), "greeting=hi\n");
  await chmod(join(d, "etc/hello.conf"), 0o640);
  await writeFile(join(d, "etc/ro/fixed"), "read only\n");
  await writeFile(join(d, "usr/share/big"), Buffer.alloc(300_000, 7));
  await symlink("../bin/hello", join(d, "usr/share/hello-link"));
  await symlink("/nonexistent/target", join(d, "usr/share/dangling"));
  await link(join(d, "usr/bin/hello"), join(d, "usr/bin/hello-hard"));
  await writeFile(join(sysroot, "lib/libhello.so.1"), "ELF?");
  await symlink("libhello.so.1", join(sysroot, "lib/libhello.so"));
  await utimes(join(d, "usr/bin/hello"), 1_000_000_000, 1_000_000_000.25);
  await utimes(join(d, "etc/hello.conf"), 1_500_000_000, 1_500_000_000.5);
  for (const [i, dir] of ["etc/ro", "usr/share/empty", "usr/share", "usr/bin", "usr", "etc", ""].entries()) {
    await utimes(join(d, dir), 1_600_000_000 + i, 1_600_000_000 + i + 0.125);
  }
  await chmod(join(d, "etc/ro"), 0o555);
  await utimes(empty, 1_700_000_000, 1_700_000_000);
  return [{ path: d }, { path: sysroot }, { path: empty }];
}

/** Everything a restore must reproduce about a tree, one line per entry. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const path = join(dir, rel);
    const st = await lstat(path, { bigint: true });
    const mode = (st.mode & 0o7777n).toString(8);
    const owner = `${st.uid}:${st.gid}`;
    if (st.isSymbolicLink()) out.push(`${rel} link ${await readlink(path)} ${owner}`);
    else if (st.isFile()) {
      const sum = createHash("sha256")
        .update(await readFile(path))
        .digest("hex");
      out.push(`${rel} file ${mode} ${owner} ${st.mtimeNs} ${sum}`);
    } else if (st.isDirectory()) {
      out.push(`${rel || "."} dir ${mode} ${owner} ${st.mtimeNs}`);
      for (const name of (await readdir(path)).sort()) await walk(rel ? `${rel}/${name}` : name);
    } else out.push(`${rel} other`);
  };
  await walk("");
  return out;
}

async function snapshots(dirs: OutputDir[]): Promise<string[][]> {
  return Promise.all(dirs.map((d) => snapshot(d.path)));
}

/** Names of hidden temporary files or directories left anywhere under `dir`. */
async function leftovers(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((e) => /(^|\/)\.[^/]*\.(tmp|stage|sstate|new)$/.test(e));
}

test("sstateName puts the entry in a directory named by the hash's first two characters", () => {
  assert.equal(
    sstateName(key("0f1e".padEnd(64, "9"))),
    `0f/kiln-sstate:hello:do_install:${"0f1e".padEnd(64, "9")}.tar.zst`,
  );
  assert.throws(() => sstateName(key("ab", "../evil")));
  assert.throws(() => sstateName(key("NOT-HEX")));
});

test("store, then restore into another build directory's paths", async () => {
  const sstate = await scratch("sstate");
  const built = await makeOutputs(await scratch("build-a"));
  const expected = await snapshots(built);
  const cfg = config(sstate);
  assert.equal(await hasOutputs(cfg, key()), false);
  assert.equal(await storeOutputs(cfg, key(), built), "stored");
  assert.equal(await hasOutputs(cfg, key()), true);
  assert.deepEqual(await snapshots(built), expected, "storing leaves the outputs alone");

  const archive = join(sstate, sstateName(key()));
  const sum = createHash("sha256")
    .update(await readFile(archive))
    .digest("hex");
  assert.equal(
    await readFile(`${archive}.sha256`, "utf8"),
    `${sum}  kiln-sstate:hello:do_install:${"ab".repeat(32)}.tar.zst\n`,
  );
  const manifest = JSON.parse(await readFile(`${archive}.json`, "utf8"));
  assert.equal(manifest.format, "kiln-sstate/1");
  assert.deepEqual(
    [manifest.pn, manifest.task, manifest.hash, manifest.dirs],
    ["hello", "do_install", "ab".repeat(32), 3],
  );
  assert.equal(manifest.sha256, sum);
  assert.ok(!Number.isNaN(Date.parse(manifest.created)));

  const tar = spawnSync("sh", ["-c", `zstd -dc '${archive}' | tar -t`], { encoding: "utf8" });
  const tops = new Set(
    tar.stdout
      .split("\n")
      .filter(Boolean)
      .map((n) => n.split("/")[0]),
  );
  assert.deepEqual([...tops].sort(), ["0", "1", "2"], "output dirs are recorded by index only");

  // Build directory B: one output holds stale files, one does not exist, one parent is missing.
  const b = await scratch("build-b");
  const targets = [
    { path: join(b, "work/image") },
    { path: join(b, "work/sysroot") },
    { path: join(b, "e") },
  ];
  await mkdir(join(b, "work/image/stale"), { recursive: true });
  await writeFile(join(b, "e"), "");
  await rm(join(b, "e"));
  const result = await restoreOutputs(cfg, key(), targets);
  assert.deepEqual(result, { status: "restored", from: archive });
  assert.deepEqual(await snapshots(targets), expected);
  assert.equal((await lstat(join(b, "work/image/usr/bin/hello-hard"))).nlink, 2, "hard links stay links");
  assert.ok(cfg.lines.includes(`restored do_install of hello from ${archive}`), cfg.lines.join("\n"));

  // Restoring over a previous restore (read-only directory inside) replaces it.
  assert.equal((await restoreOutputs(cfg, key(), targets)).status, "restored");
  assert.deepEqual(await snapshots(targets), expected);

  assert.equal(await storeOutputs(cfg, key(), built), "present");
  assert.deepEqual(await leftovers(sstate), []);
  assert.deepEqual(await leftovers(b), []);
});

test("an entry that does not exist is missing", async () => {
  const cfg = config(await scratch("sstate"));
  const target = join(await scratch("build"), "image");
  assert.deepEqual(await restoreOutputs(cfg, key(), [{ path: target }]), { status: "missing" });
  assert.equal(await hasOutputs(cfg, key()), false);
  await assert.rejects(lstat(target));
});

test("a corrupt archive is reported, removed, and leaves the output directories alone", async () => {
  const sstate = await scratch("sstate");
  const built = await makeOutputs(await scratch("build-a"));
  const cfg = config(sstate);
  await storeOutputs(cfg, key(), built);
  const archive = join(sstate, sstateName(key()));
  const bytes = await readFile(archive);
  bytes[bytes.length >> 1] ^= 0x40;
  await writeFile(archive, bytes);

  const b = await scratch("build-b");
  const targets = [{ path: join(b, "image") }, { path: join(b, "sysroot") }, { path: join(b, "empty") }];
  await mkdir(join(b, "image/old"), { recursive: true });
  await writeFile(join(b, "image/old/file"), "previous build\n");
  const before = await snapshot(b);
  const result = await restoreOutputs(cfg, key(), targets);
  assert.equal(result.status, "corrupt");
  assert.match(result.status === "corrupt" ? result.reason : "", /sha256 mismatch/);
  assert.deepEqual(await snapshot(b), before);
  for (const f of [archive, `${archive}.sha256`, `${archive}.json`]) await assert.rejects(lstat(f), f);
  assert.equal(await hasOutputs(cfg, key()), false);
  assert.deepEqual(await leftovers(b), []);

  // A rebuild stores a good entry in its place.
  assert.equal(await storeOutputs(cfg, key(), built), "stored");
  assert.equal((await restoreOutputs(cfg, key(), targets)).status, "restored");
});

test("an archive that matches its checksum but does not extract is corrupt", async () => {
  const sstate = await scratch("sstate");
  const cfg = config(sstate);
  const archive = join(sstate, sstateName(key()));
  await mkdir(join(sstate, "ab"));
  const junk = Buffer.from("not a zstd stream at all");
  await writeFile(archive, junk);
  await writeFile(`${archive}.sha256`, `${createHash("sha256").update(junk).digest("hex")}  x\n`);
  const b = await scratch("build");
  const result = await restoreOutputs(cfg, key(), [{ path: join(b, "image") }]);
  assert.equal(result.status, "corrupt");
  assert.match(result.status === "corrupt" ? result.reason : "", /cannot extract/);
  await assert.rejects(lstat(archive));
  assert.deepEqual(await readdir(b), []);
});

test("an archive without its .sha256 is treated as missing, and a store replaces it", async () => {
  const sstate = await scratch("sstate");
  const built = await makeOutputs(await scratch("build-a"));
  const cfg = config(sstate);
  await storeOutputs(cfg, key(), built);
  const archive = join(sstate, sstateName(key()));
  await rm(`${archive}.sha256`);
  const targets = [{ path: join(await scratch("build-b"), "image") }];
  assert.deepEqual(await restoreOutputs(cfg, key(), targets), { status: "missing" });
  assert.equal(await hasOutputs(cfg, key()), false);
  assert.ok(cfg.lines.some((l) => l.includes("no .sha256")));
  assert.equal(await storeOutputs(cfg, key(), built), "stored");
  assert.equal(await hasOutputs(cfg, key()), true);
});

test("the same tree stored twice gives byte-identical archives", async () => {
  const built = await makeOutputs(await scratch("build"));
  const one = await scratch("sstate-1");
  const two = await scratch("sstate-2");
  await storeOutputs(config(one), key(), built);
  await new Promise((r) => setTimeout(r, 20));
  await storeOutputs(config(two), key(), built);
  const name = sstateName(key());
  assert.deepEqual(await readFile(join(one, name)), await readFile(join(two, name)));
  assert.equal(
    await readFile(join(one, `${name}.sha256`), "utf8"),
    await readFile(join(two, `${name}.sha256`), "utf8"),
  );
});

test("concurrent stores of one key leave a single good entry", async () => {
  const sstate = await scratch("sstate");
  const built = await makeOutputs(await scratch("build"));
  const results = await Promise.all([1, 2, 3].map(() => storeOutputs(config(sstate), key(), built)));
  assert.equal(results.filter((r) => r === "stored").length, 1, results.join());
  const b = await scratch("build-b");
  const targets = built.map((_, i) => ({ path: join(b, `out-${i}`) }));
  assert.equal((await restoreOutputs(config(sstate), key(), targets)).status, "restored");
  assert.deepEqual(await snapshots(targets), await snapshots(built));
  assert.deepEqual(await leftovers(sstate), []);
});

test("a task without output directories round-trips", async () => {
  const cfg = config(await scratch("sstate"));
  assert.equal(await storeOutputs(cfg, key(), []), "stored");
  assert.deepEqual((await restoreOutputs(cfg, key(), [])).status, "restored");
});

test("SSTATE_MIRRORS pairs: regex on file://NAME, PATH replaced, parameters dropped", () => {
  const rel = sstateName(key());
  const lines: string[] = [];
  const value = `file://.* http://a/PATH;downloadfilename=PATH \\n file://nomatch/.* http://b/PATH
    file://ab/.* https://c/cache/ file://.* ftp://d/PATH dangling`;
  assert.deepEqual(
    mirrorUrls(value, rel, (l) => lines.push(l)),
    [`http://a/${rel}`, `https://c/cache/${rel}`],
  );
  assert.equal(lines.length, 2, lines.join("\n"));
});

/** An HTTP server for SSTATE_MIRRORS: /sstate/ serves `dir`, /bad/ a damaged copy, /empty/ 404s, /error/ 500s. */
async function mirrorServer(dir: string): Promise<{ server: Server; base: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const m = /^\/(sstate|bad|empty|error)\/(.*)$/.exec(req.url ?? "");
    if (!m || m[1] === "empty") return void res.writeHead(404).end();
    if (m[1] === "error") return void res.writeHead(500).end();
    let body: Buffer;
    try {
      body = await readFile(join(dir, decodeURIComponent(m[2])));
    } catch {
      return void res.writeHead(404).end();
    }
    if (m[1] === "bad" && !m[2].endsWith(".sha256")) body[100] ^= 1;
    res.writeHead(200, { "content-length": body.length });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}`, requests };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

test("restore from an HTTP mirror, after mirrors without the entry", async () => {
  const upstream = await scratch("upstream");
  const built = await makeOutputs(await scratch("build-a"));
  await storeOutputs(config(upstream), key(), built);
  const { server, base, requests } = await mirrorServer(upstream);
  try {
    const local = await scratch("sstate");
    const cfg = config(
      local,
      `file://.* ${base}/empty/PATH \\n file://.* ${base}/error/PATH file://.* ${base}/sstate/PATH`,
    );
    const rel = sstateName(key());
    const enc = `/sstate/${rel}`;

    assert.equal(await hasOutputs(cfg, key()), true);
    assert.ok(
      requests.every((r) => r.startsWith("HEAD ")),
      `hasOutputs only asks: ${requests.join(", ")}`,
    );
    assert.equal(await hasOutputs(cfg, key("cd".repeat(32))), false);
    requests.length = 0;

    const b = await scratch("build-b");
    const targets = ["image", "sysroot", "empty"].map((n) => ({ path: join(b, n) }));
    const result = await restoreOutputs(cfg, key(), targets);
    assert.deepEqual(result, { status: "restored", from: `${base}${enc}` });
    assert.deepEqual(await snapshots(targets), await snapshots(built));
    assert.deepEqual(requests, [
      `GET /empty/${rel}.sha256`,
      `GET /error/${rel}.sha256`,
      `GET ${enc}.sha256`,
      `GET ${enc}`,
    ]);
    assert.ok(
      cfg.lines.some((l) => l.includes("HTTP 500")),
      cfg.lines.join("\n"),
    );

    // The download was kept in SSTATE_DIR: the next restore does not ask the mirror.
    const kept = join(local, rel);
    assert.deepEqual(await readFile(kept), await readFile(join(upstream, rel)));
    assert.equal(JSON.parse(await readFile(`${kept}.json`, "utf8")).source, `${base}${enc}`);
    requests.length = 0;
    assert.deepEqual(await restoreOutputs(cfg, key(), targets), { status: "restored", from: kept });
    assert.deepEqual(requests, []);
    assert.deepEqual(await leftovers(local), []);

    // A mirror whose archive does not match its checksum is not used, and nothing is kept.
    const other = await scratch("sstate");
    const bad = config(other, `file://.* ${base}/bad/PATH`);
    const badResult = await restoreOutputs(bad, key(), [{ path: join(await scratch("build-c"), "x") }]);
    assert.equal(badResult.status, "corrupt");
    await assert.rejects(lstat(join(other, rel)));
    assert.deepEqual(await leftovers(other), []);
  } finally {
    await stop(server);
  }
});

test("restore from a file:// mirror", async () => {
  const upstream = await scratch("upstream");
  const built = await makeOutputs(await scratch("build-a"));
  await storeOutputs(config(upstream), key(), built);
  const cfg = config(await scratch("sstate"), `file://.* file://${upstream}/PATH`);
  assert.equal(await hasOutputs(cfg, key()), true);
  assert.equal(await hasOutputs(config(cfg.dir, `file://.* file://${root}/nowhere/PATH`), key()), false);
  const b = await scratch("build-b");
  const targets = built.map((_, i) => ({ path: join(b, `out-${i}`) }));
  const result = await restoreOutputs(cfg, key(), targets);
  assert.deepEqual(result, { status: "restored", from: `file://${upstream}/${sstateName(key())}` });
  assert.deepEqual(await snapshots(targets), await snapshots(built));
});
