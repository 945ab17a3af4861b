// The fetch stage (src/fetch): file:// along FILESPATH, HTTP downloads with checksums, done stamps,
// BB_NO_NETWORK, PREMIRRORS/MIRRORS, git mirrors, unpacking and patches. All offline: the HTTP
// server runs in a child process on 127.0.0.1 (the library blocks this process while it fetches).

import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import {
  applyPatches,
  ChecksumError,
  download,
  type FetchEnv,
  FetchError,
  localPath,
  NetworkAccessError,
  PatchError,
  parseUrl,
  patchesOf,
  unpack,
} from "../../src/fetch/index.js";
import { withLock } from "../../src/fetch/lock.js";
import { mirrorUrl } from "../../src/fetch/mirrors.js";

let root: string;
let serial = 0;
let server: ChildProcess;
let base: string; // http://127.0.0.1:<port>
let requestLog: string;
let tarSha256: string;
let tarMd5: string;
let repo: string;
let rev1: string;
let rev2: string;

const GIT_ID = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"];

function git(args: string[], cwd: string): string {
  return execFileSync("git", [...GIT_ID, ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function write(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A fresh directory under the test's temporary root. */
function scratch(name: string): string {
  const dir = path.join(root, `${name}-${serial++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const SERVER = `
import { createReadStream, appendFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
const [docroot, log] = process.argv.slice(2);
const server = createServer((req, res) => {
  appendFileSync(log, req.url + "\\n");
  const file = path.join(docroot, decodeURIComponent(new URL(req.url, "http://x").pathname));
  let st;
  try { st = statSync(file); } catch {}
  if (!st || !st.isFile()) { res.writeHead(404); res.end("not found"); return; }
  res.writeHead(200, { "content-length": st.size });
  createReadStream(file).pipe(res);
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

before(async () => {
  root = mkdtempSync(path.join(tmpdir(), "kiln-fetch-test-"));

  // A release tarball (hello-1.0/...), served at /files/; /missing/ has nothing.
  const tree = scratch("tree");
  write(path.join(tree, "hello-1.0/hello.c"), "int main(void) { return 0; }\n");
  write(path.join(tree, "hello-1.0/doc/README"), "hello\n");
  const www = path.join(root, "www");
  mkdirSync(path.join(www, "files"), { recursive: true });
  const tarball = path.join(www, "files/hello-1.0.tar.gz");
  execFileSync("tar", ["czf", tarball, "-C", tree, "hello-1.0"]);
  const bytes = readFileSync(tarball);
  tarSha256 = createHash("sha256").update(bytes).digest("hex");
  tarMd5 = createHash("md5").update(bytes).digest("hex");

  requestLog = path.join(root, "requests.log");
  writeFileSync(requestLog, "");
  const script = write(path.join(root, "server.mjs"), SERVER);
  server = spawn(process.execPath, [script, www, requestLog], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    server.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
    server.once("exit", (code) => reject(new Error(`test HTTP server exited (${code})`)));
  });
  base = `http://127.0.0.1:${port}`;

  // A git repository on branch main: rev1 has README "v1"; rev2 has README "v2" and lib/x.txt.
  repo = path.join(root, "upstream/repo");
  mkdirSync(repo, { recursive: true });
  git(["init", "-q", "-b", "main"], repo);
  write(path.join(repo, "README"), "v1\n");
  git(["add", "README"], repo);
  git(["commit", "-q", "-m", "one"], repo);
  rev1 = git(["rev-parse", "HEAD"], repo).trim();
  write(path.join(repo, "README"), "v2\n");
  write(path.join(repo, "lib/x.txt"), "x\n");
  git(["add", "."], repo);
  git(["commit", "-q", "-m", "two"], repo);
  rev2 = git(["rev-parse", "HEAD"], repo).trim();
});

after(() => {
  if (server && server.exitCode === null) server.kill();
  if (root) rmSync(root, { recursive: true, force: true });
});

interface TestEnv extends FetchEnv {
  logs: string[];
  warnings: string[];
}

function env(overrides: Partial<FetchEnv> & { srcrevs?: Record<string, string> } = {}): TestEnv {
  const logs: string[] = [];
  const warnings: string[] = [];
  const { srcrevs = {}, ...rest } = overrides;
  return {
    dlDir: scratch("downloads"),
    filesPath: [],
    noNetwork: false,
    premirrors: "",
    mirrors: "",
    strictChecksum: "",
    srcrev: (name) => srcrevs[name],
    checksum: () => undefined,
    log: (l) => logs.push(l),
    warn: (l) => warnings.push(l),
    logs,
    warnings,
    ...rest,
  };
}

/** How many requests the server has had for paths containing `part`. */
function requests(part: string): number {
  return readFileSync(requestLog, "utf8")
    .split("\n")
    .filter((l) => l.includes(part)).length;
}

test("parseUrl splits scheme, user, host, path and parameters", () => {
  assert.deepEqual(parseUrl("https://bob:pw@example.com/a/b-1.0.tar.gz;name=b;sha256sum=ab"), {
    scheme: "https",
    host: "example.com",
    path: "/a/b-1.0.tar.gz",
    user: "bob",
    password: "pw",
    params: { name: "b", sha256sum: "ab" },
  });
  assert.deepEqual(parseUrl("file://sub/a.c;subdir=x"), {
    scheme: "file",
    host: "",
    path: "sub/a.c",
    params: { subdir: "x" },
  });
  assert.deepEqual(parseUrl("git:///srv/repo.git;protocol=file"), {
    scheme: "git",
    host: "",
    path: "/srv/repo.git",
    params: { protocol: "file" },
  });
  assert.throws(() => parseUrl("https://example.com/a;nokey"), FetchError);
});

test("file:// URLs are found along FILESPATH, in order", () => {
  const first = scratch("files-a");
  const second = scratch("files-b");
  write(path.join(first, "a.txt"), "first\n");
  write(path.join(second, "a.txt"), "second\n");
  write(path.join(second, "sub/b.c"), "int b;\n");
  write(path.join(second, "conf.d/x.conf"), "x\n");
  const e = env({ filesPath: [first, second] });
  const urls = ["file://a.txt", "file://sub/b.c", "file://conf.d"];
  const got = download(urls, e);
  assert.deepEqual(
    got.map((g) => g.localPath),
    [path.join(first, "a.txt"), path.join(second, "sub/b.c"), path.join(second, "conf.d")],
  );
  assert.equal(localPath("file://a.txt", e), path.join(first, "a.txt"));
  const work = scratch("work");
  unpack(urls, e, work);
  assert.equal(readFileSync(path.join(work, "a.txt"), "utf8"), "first\n");
  assert.equal(readFileSync(path.join(work, "sub/b.c"), "utf8"), "int b;\n");
  assert.equal(readFileSync(path.join(work, "conf.d/x.conf"), "utf8"), "x\n");
});

test("a missing local file is an error naming the directories searched", () => {
  const a = scratch("files-a");
  const b = scratch("files-b");
  const e = env({ filesPath: [a, b] });
  assert.throws(
    () => download(["file://nothere.patch"], e),
    (err: unknown) => {
      assert.ok(err instanceof FetchError);
      assert.match(err.message, /nothere\.patch/);
      assert.ok(err.message.includes(a) && err.message.includes(b), err.message);
      return true;
    },
  );
});

test("http download with a sha256sum; the done stamp makes the next download offline", () => {
  const e = env();
  const url = `${base}/files/hello-1.0.tar.gz;sha256sum=${tarSha256}`;
  const before = requests("/files/hello-1.0.tar.gz");
  const [got] = download([url], e);
  assert.equal(got.localPath, path.join(e.dlDir, "hello-1.0.tar.gz"));
  assert.equal(createHash("sha256").update(readFileSync(got.localPath)).digest("hex"), tarSha256);
  assert.ok(existsSync(`${got.localPath}.done`));
  assert.equal(requests("/files/hello-1.0.tar.gz"), before + 1);
  assert.equal(localPath(url, e), got.localPath);

  // Again, even with BB_NO_NETWORK and the md5sum from SRC_URI[md5sum]: no request.
  download([url], {
    ...e,
    noNetwork: true,
    checksum: (_n, kind) => (kind === "md5sum" ? tarMd5 : undefined),
  });
  assert.equal(requests("/files/hello-1.0.tar.gz"), before + 1);
  assert.deepEqual(e.warnings, []);

  // A corrupted file (the stamp no longer matches) is fetched again.
  writeFileSync(got.localPath, "garbage");
  download([url], e);
  assert.equal(requests("/files/hello-1.0.tar.gz"), before + 2);
  assert.equal(createHash("sha256").update(readFileSync(got.localPath)).digest("hex"), tarSha256);
});

test("downloadfilename= and SRC_URI[name.sha256sum] via name=", () => {
  const e = env({
    checksum: (name, kind) => (name === "tb" && kind === "sha256sum" ? tarSha256 : undefined),
  });
  const [got] = download([`${base}/files/hello-1.0.tar.gz;name=tb;downloadfilename=renamed.tgz`], e);
  assert.equal(got.localPath, path.join(e.dlDir, "renamed.tgz"));
  assert.ok(existsSync(path.join(e.dlDir, "renamed.tgz.done")));
});

test("a wrong checksum is an error and the file is not kept", () => {
  const e = env();
  const wrong = "0".repeat(64);
  const url = `${base}/files/hello-1.0.tar.gz;sha256sum=${wrong}`;
  assert.throws(
    () => download([url], e),
    (err: unknown) => {
      assert.ok(err instanceof ChecksumError);
      assert.equal(err.url, url);
      for (const part of [url, path.join(e.dlDir, "hello-1.0.tar.gz"), wrong, tarSha256]) {
        assert.ok(err.message.includes(part), `${part} not in: ${err.message}`);
      }
      return true;
    },
  );
  assert.ok(!existsSync(path.join(e.dlDir, "hello-1.0.tar.gz")));
  assert.ok(!existsSync(path.join(e.dlDir, "hello-1.0.tar.gz.done")));
});

test("a missing checksum: an error with BB_STRICT_CHECKSUM = 1, accepted with ignore, else a warning", () => {
  const url = `${base}/files/hello-1.0.tar.gz`;
  const line = `SRC_URI[sha256sum] = "${tarSha256}"`;
  const strict = env({ strictChecksum: "1" });
  assert.throws(
    () => download([url], strict),
    (err: unknown) => err instanceof ChecksumError && err.message.includes(line),
  );
  assert.ok(!existsSync(path.join(strict.dlDir, "hello-1.0.tar.gz")));

  const ignore = env({ strictChecksum: "ignore" });
  download([url], ignore);
  assert.ok(existsSync(path.join(ignore.dlDir, "hello-1.0.tar.gz.done")));
  assert.deepEqual(ignore.warnings, []);

  const warn = env();
  download([url], warn);
  assert.equal(warn.warnings.length, 1);
  assert.ok(warn.warnings[0].includes(line), warn.warnings[0]);
});

test("an HTTP error names the status", () => {
  const e = env();
  assert.throws(() => download([`${base}/missing/hello-1.0.tar.gz;sha256sum=${tarSha256}`], e), /404/);
  assert.deepEqual(
    readdirSync(e.dlDir).filter((f) => f.includes("hello")),
    [],
  );
});

test("BB_NO_NETWORK refuses downloads that need the network", () => {
  const e = env({ noNetwork: true });
  const url = `${base}/files/hello-1.0.tar.gz;sha256sum=${tarSha256}`;
  const before = requests("/files/");
  assert.throws(
    () => download([url], e),
    (err: unknown) =>
      err instanceof NetworkAccessError &&
      /^Network access disabled through BB_NO_NETWORK but access requested with command .* for url /.test(
        err.message,
      ),
  );
  assert.equal(requests("/files/"), before);
});

test("PREMIRRORS to a file:// directory: the server is not contacted, the checksum still checked", () => {
  const mirror = scratch("mirror");
  execFileSync("cp", [path.join(root, "www/files/hello-1.0.tar.gz"), mirror]);
  const before = requests("/");
  const e = env({ premirrors: `https?://.*/.* file://${mirror}/ \\n ftp://.*/.* file:///nowhere/` });
  const [got] = download([`${base}/files/hello-1.0.tar.gz;sha256sum=${tarSha256}`], e);
  assert.equal(got.localPath, path.join(e.dlDir, "hello-1.0.tar.gz"));
  assert.equal(requests("/"), before);

  // Works under BB_NO_NETWORK too; a mirror copy with the wrong contents is rejected.
  const bad = scratch("mirror-bad");
  write(path.join(bad, "hello-1.0.tar.gz"), "not it");
  const e2 = env({ noNetwork: true, premirrors: `https?://.*/.* file://${bad}/` });
  assert.throws(() => download([`${base}/files/hello-1.0.tar.gz;sha256sum=${tarSha256}`], e2), ChecksumError);
  const e3 = env({ noNetwork: true, premirrors: `https?://.*/.* file://${mirror}/` });
  download([`${base}/files/hello-1.0.tar.gz;sha256sum=${tarSha256}`], e3);
});

test("MIRRORS are used when the original fails", () => {
  const e = env({ mirrors: `http://.*/.* ${base}/files/` });
  const before = requests("/missing/");
  const [got] = download([`${base}/missing/hello-1.0.tar.gz;sha256sum=${tarSha256}`], e);
  assert.equal(requests("/missing/"), before + 1);
  assert.equal(createHash("sha256").update(readFileSync(got.localPath)).digest("hex"), tarSha256);
});

test("mirror URL rewriting: TYPE, HOST, PATH, BASENAME, MIRRORNAME and the trailing '/'", () => {
  const u = parseUrl("https://example.com/pub/foo-1.0.tar.gz;name=foo");
  assert.equal(
    mirrorUrl(u, "https?://.*/.*", "http://mirror.local/sources/", { localName: "foo-1.0.tar.gz" }),
    "http://mirror.local/sources/foo-1.0.tar.gz;name=foo",
  );
  assert.equal(
    mirrorUrl(u, "https://example.com/pub/.*", "file:///m/TYPE/HOST/BASENAME"),
    "file:///m/https/example.com/foo-1.0.tar.gz;name=foo",
  );
  assert.equal(mirrorUrl(u, "git://.*/.*", "http://mirror.local/"), undefined);
  const g = parseUrl("git://example.com/repo.git;branch=main");
  assert.equal(
    mirrorUrl(g, "git://.*/.*", "http://mirror.local/", { tarballName: "git2_example.com.repo.git.tar.gz" }),
    "http://mirror.local/git2_example.com.repo.git.tar.gz",
  );
  assert.equal(
    mirrorUrl(g, "git://.*/.*", "git:///srv/git/MIRRORNAME;protocol=file"),
    "git:///srv/git/example.com.repo.git;branch=main;protocol=file",
  );
});

test("git with protocol=file: a mirror clone at SRCREV; the next download needs no fetch", () => {
  const e = env({ srcrevs: { default: rev1 } });
  const url = `git://${repo};protocol=file;branch=main`;
  const [got] = download([url], e);
  assert.equal(got.localPath, path.join(e.dlDir, "git2", repo.replace(/\//g, ".")));
  assert.equal(
    execFileSync("git", ["rev-parse", "--is-bare-repository"], { cwd: got.localPath }).toString().trim(),
    "true",
  );

  const work = scratch("work");
  unpack([url], e, work);
  assert.equal(readFileSync(path.join(work, "git/README"), "utf8"), "v1\n");
  assert.equal(git(["rev-parse", "HEAD"], path.join(work, "git")).trim(), rev1);
  assert.equal(git(["rev-parse", "--abbrev-ref", "HEAD"], path.join(work, "git")).trim(), "main");

  // With the upstream repository gone, downloading again (same or older revision) still works.
  const moved = `${repo}-moved`;
  renameSync(repo, moved);
  try {
    download([url], e);
    download([`git://${repo};protocol=file;nobranch=1;rev=${rev1}`], e);
    assert.throws(
      () => download([url], env({ dlDir: e.dlDir, srcrevs: { default: "f".repeat(40) } })),
      FetchError,
    );
  } finally {
    renameSync(moved, repo);
  }

  // A newer SRCREV is fetched into the existing mirror; subpath= and destsuffix= when unpacking.
  const e2 = env({ dlDir: e.dlDir, srcrevs: { default: rev2 } });
  download([url], e2);
  const work2 = scratch("work");
  unpack(
    [`${url};destsuffix=src/`, `${url};subpath=lib`, `git://${repo};protocol=file;nobranch=1`],
    e2,
    work2,
  );
  assert.equal(readFileSync(path.join(work2, "src/README"), "utf8"), "v2\n");
  assert.equal(readFileSync(path.join(work2, "lib/x.txt"), "utf8"), "x\n");
  assert.ok(!existsSync(path.join(work2, "lib/README")));
  assert.equal(readFileSync(path.join(work2, "git/README"), "utf8"), "v2\n");
});

test("git: a missing or abbreviated SRCREV is an error; BB_NO_NETWORK refuses remote clones", () => {
  assert.throws(() => download([`git://${repo};protocol=file;branch=main`], env()), /SRCREV/);
  assert.throws(
    () =>
      download([`git://${repo};protocol=file;branch=main`], env({ srcrevs: { default: rev1.slice(0, 12) } })),
    /full commit id/,
  );
  assert.throws(
    () =>
      download(
        ["git://git.example.invalid/repo.git;protocol=https;branch=main"],
        env({ noNetwork: true, srcrevs: { default: rev1 } }),
      ),
    (err: unknown) =>
      err instanceof NetworkAccessError &&
      err.message.includes("git clone") &&
      err.message.includes("example.invalid"),
  );
  // A PREMIRRORS entry pointing at a local git repository is used instead of the network.
  const e = env({
    noNetwork: true,
    srcrevs: { default: rev2 },
    premirrors: `git://git.example.invalid/.* git://${path.dirname(repo)}/BASENAME;protocol=file`,
  });
  const url = "git://git.example.invalid/repo;protocol=https;branch=main";
  const [got] = download([url], e);
  assert.equal(got.localPath, path.join(e.dlDir, "git2/git.example.invalid.repo"));
  const work = scratch("work");
  unpack([url], e, work);
  assert.equal(readFileSync(path.join(work, "git/README"), "utf8"), "v2\n");

  // A mirror tarball (git2_<mirror name>.tar.gz) in a file:// PREMIRRORS directory.
  const tarballs = scratch("git-tarballs");
  const bare = path.join(scratch("bare"), "m");
  git(["clone", "-q", "--bare", "--mirror", repo, bare], root);
  execFileSync("tar", ["czf", path.join(tarballs, "git2_example.com.proj.git.tar.gz"), "."], { cwd: bare });
  const t = env({
    noNetwork: true,
    srcrevs: { default: rev1 },
    premirrors: `git://.*/.* file://${tarballs}/`,
  });
  download(["git://example.com/proj.git;protocol=https;branch=main"], t);
  assert.ok(existsSync(path.join(t.dlDir, "git2/example.com.proj.git")));

  // AUTOREV follows the branch head.
  const auto = env({ srcrevs: { default: "AUTOINC" } });
  download([`git://${repo};protocol=file;branch=main`], auto);
  const work2 = scratch("work");
  unpack([`git://${repo};protocol=file;branch=main`], auto, work2);
  assert.equal(git(["rev-parse", "HEAD"], path.join(work2, "git")).trim(), rev2);
});

test("unpack: tar.gz with striplevel= and subdir=, zip, unpack=0, single compressed files", () => {
  const files = scratch("files");
  execFileSync("cp", [path.join(root, "www/files/hello-1.0.tar.gz"), files]);
  const zipped = scratch("zip-src");
  write(path.join(zipped, "z/inside.txt"), "zipped\n");
  execFileSync("python3", [
    "-c",
    "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z: z.write(sys.argv[2], 'z/inside.txt')",
    path.join(files, "pkg.zip"),
    path.join(zipped, "z/inside.txt"),
  ]);
  write(path.join(files, "notes.txt"), "plain\n");
  execFileSync("sh", ["-c", `printf 'compressed\\n' | xz > ${files}/data.txt.xz`]);
  const e = env({ filesPath: [files] });
  const work = scratch("work");
  unpack(
    [
      "file://hello-1.0.tar.gz",
      "file://hello-1.0.tar.gz;striplevel=1;subdir=stripped",
      "file://pkg.zip;subdir=zipdir",
      "file://hello-1.0.tar.gz;unpack=0;subdir=raw",
      "file://notes.txt",
      "file://data.txt.xz",
    ],
    e,
    work,
  );
  assert.equal(readFileSync(path.join(work, "hello-1.0/hello.c"), "utf8"), "int main(void) { return 0; }\n");
  assert.equal(readFileSync(path.join(work, "stripped/doc/README"), "utf8"), "hello\n");
  assert.equal(readFileSync(path.join(work, "zipdir/z/inside.txt"), "utf8"), "zipped\n");
  assert.ok(existsSync(path.join(work, "raw/hello-1.0.tar.gz")));
  assert.ok(!existsSync(path.join(work, "raw/hello-1.0")));
  assert.equal(readFileSync(path.join(work, "notes.txt"), "utf8"), "plain\n");
  assert.equal(readFileSync(path.join(work, "data.txt"), "utf8"), "compressed\n");

  // HTTP downloads unpack from DL_DIR; a broken archive is an error naming the URL and tar's message.
  const e2 = env({ strictChecksum: "ignore" });
  const http = `${base}/files/hello-1.0.tar.gz;subdir=fromhttp`;
  download([http], e2);
  unpack([http], e2, work);
  assert.ok(existsSync(path.join(work, "fromhttp/hello-1.0/doc/README")));
  write(path.join(files, "broken.tar.gz"), "this is not gzip");
  assert.throws(
    () => unpack(["file://broken.tar.gz"], e, work),
    (err: unknown) =>
      err instanceof FetchError && /broken\.tar\.gz/.test(err.message) && /gzip|tar/.test(err.message),
  );
});

test("patches: which entries, applied in order, already-applied ones skipped, failures named", () => {
  const files = scratch("files");
  const src = scratch("src");
  write(path.join(src, "main.c"), "line one\nline two\nline three\n");
  write(path.join(src, "lib/util.c"), "util\n");
  write(
    path.join(files, "0001-two.patch"),
    "--- a/main.c\n+++ b/main.c\n@@ -1,3 +1,3 @@\n line one\n-line two\n+line 2\n line three\n",
  );
  // Applies only after 0001 (its context is the changed line).
  write(
    path.join(files, "0002-three.diff"),
    "--- a/main.c\n+++ b/main.c\n@@ -1,3 +1,3 @@\n line one\n line 2\n-line three\n+line 3\n",
  );
  write(path.join(files, "util.patch"), "--- util.c\n+++ util.c\n@@ -1 +1 @@\n-util\n+UTIL\n");
  write(path.join(files, "not-a-patch.patch"), "ignored\n");
  write(path.join(files, "extra.txt"), "--- a/main.c\n");
  const e = env({ filesPath: [files] });
  const urls = [
    "file://0001-two.patch",
    "file://extra.txt",
    "file://not-a-patch.patch;apply=no",
    "file://0002-three.diff",
    "file://util.patch;striplevel=0;patchdir=lib",
  ];
  const patches = patchesOf(urls, e);
  assert.deepEqual(
    patches.map((p) => [path.basename(p.file), p.striplevel, p.patchdir]),
    [
      ["0001-two.patch", 1, undefined],
      ["0002-three.diff", 1, undefined],
      ["util.patch", 0, "lib"],
    ],
  );
  const log: string[] = [];
  applyPatches(patches, src, (l) => log.push(l));
  assert.equal(readFileSync(path.join(src, "main.c"), "utf8"), "line one\nline 2\nline 3\n");
  assert.equal(readFileSync(path.join(src, "lib/util.c"), "utf8"), "UTIL\n");

  // Running again (e.g. after an interruption) skips what is already applied.
  log.length = 0;
  applyPatches(patches, src, (l) => log.push(l));
  assert.equal(log.filter((l) => /already applied/.test(l)).length, 3);
  assert.equal(readFileSync(path.join(src, "main.c"), "utf8"), "line one\nline 2\nline 3\n");

  // A patch that applies neither way.
  write(
    path.join(files, "bad.patch"),
    "--- a/main.c\n+++ b/main.c\n@@ -1,2 +1,2 @@\n-no such\n+line\n context\n",
  );
  assert.throws(
    () => applyPatches(patchesOf(["file://bad.patch"], e), src, () => {}),
    (err: unknown) =>
      err instanceof PatchError && err.patch.endsWith("bad.patch") && err.message.includes("bad.patch"),
  );
  assert.equal(readFileSync(path.join(src, "main.c"), "utf8"), "line one\nline 2\nline 3\n");
});

test("a download lock left by a process that is gone is taken over", () => {
  const dir = scratch("locks");
  const dead = spawnSync("true").pid;
  writeFileSync(path.join(dir, "x.tar.gz.kiln-lock"), `${hostname()}:${dead}`);
  assert.equal(
    withLock(
      path.join(dir, "x.tar.gz"),
      () => {},
      () => 42,
    ),
    42,
  );
  assert.ok(!existsSync(path.join(dir, "x.tar.gz.kiln-lock")));
});
