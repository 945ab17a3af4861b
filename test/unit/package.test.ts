// The packaging stage (src/package): splitting D into packages by FILES (first match wins),
// stripping with separated debug information, shared library provides/needs/dependencies, .ipk and
// .deb files (checked with ar, tar and dpkg-deb), byte-identical rebuilds, and feed indexes. Owners
// come from a fakeroot session: a file owned by 1234 only inside it must be 1234 in the packages.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { globTree } from "../../src/package/glob.js";
import {
  formatControl,
  type PackageControl,
  PackageError,
  type PackageSpec,
  parseControl,
  readFeedIndex,
  readPackageControl,
  type SplitResult,
  shlibDepends,
  splitPackages,
  writeDeb,
  writeFeedIndex,
  writeIpk,
  writePackages,
} from "../../src/package/index.js";
import { addPath, pathOf, type TreeNode } from "../../src/package/tree.js";
import { requirePrograms } from "../helpers/tools.js";

const EPOCH = 1700000000; // 2023-11-14 22:13:20 UTC

let root: string;
let D: string;
let STATE: string;
let FAKEROOT: string[]; // loads and saves the session (splitting changes it)
let FAKEROOT_READ: string[]; // loads it only (writing packages only reads owners)
let staticLib: Buffer;
let split: SplitResult;
let logLines: string[];

const PACKAGES: PackageSpec[] = [
  { name: "hello-dbg", files: ["/usr/lib/debug", "/usr/src/debug"] },
  { name: "hello-staticdev", files: ["/usr/lib/*.a"] },
  { name: "hello-dev", files: ["/usr/include", "/usr/lib/lib*.so"] },
  { name: "hello-doc", files: ["/usr/share/doc"] },
  { name: "libgreet1", files: ["/usr/lib/libgreet.so.*"] },
  // libgreet.so.1.0 is libgreet1's already: the first package that matches gets a file.
  { name: "hello", files: ["/usr/bin/*", "/etc", "/usr/share/hello", "/usr/lib/libgreet.so.1.0"] },
  { name: "hello-empty", files: ["/usr/share/nothing"] },
  { name: "hello-meta", files: [], allowEmpty: true },
];

function run(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    env: options.env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function splitRequest(pkgd: string, dest: string): Parameters<typeof splitPackages>[0] {
  return {
    installDir: D,
    pkgdDir: pkgd,
    splitDir: dest,
    packages: PACKAGES,
    strip: true,
    debugPackage: "hello-dbg",
    fakeroot: FAKEROOT,
    log: (line) => logLines.push(line),
  };
}

function control(name: string, extra: Partial<PackageControl> = {}): PackageControl {
  return {
    name,
    version: "1:1.0-r0",
    architecture: "x86_64",
    maintainer: "Kiln Test <test@example.com>",
    description: `${name} summary`,
    section: "base",
    priority: "optional",
    license: "MIT",
    depends: [],
    recommends: [],
    provides: [],
    conflicts: [],
    replaces: [],
    sourceDateEpoch: EPOCH,
    ...extra,
  };
}

function helloControl(deps: string[]): PackageControl {
  return control("hello", {
    description: "Hello program\nSays hello, with a library.\n\n  An indented line.",
    homepage: "https://example.com/hello",
    depends: deps,
    recommends: ["hello-doc"],
    conffiles: ["/etc/hello.conf"],
    scripts: { postinst: 'echo "configured"\n' },
  });
}

function sectionNames(elf: string): string[] {
  const out = run(["readelf", "-S", "-W", elf]);
  return [...out.matchAll(/\]\s+(\.\S+)/g)].map((m) => m[1]!);
}

before(() => {
  requirePrograms("ar", "dpkg-deb", "fakeroot", "gcc", "readelf");
  root = mkdtempSync(path.join(tmpdir(), "kiln-package-test-"));
  logLines = [];
  const src = path.join(root, "src");
  mkdirSync(src);
  write(
    path.join(src, "greet.c"),
    '#include <stdlib.h>\nint greet(void) { return atoi(getenv("KILN_NO_SUCH_VAR") ? "0" : "42"); }\n',
  );
  write(path.join(src, "hello.c"), "int greet(void);\nint main(void) { return greet() == 42 ? 0 : 1; }\n");
  const gcc = (args: string[]) => run(["gcc", ...args], { cwd: src });
  gcc(["-g", "-O0", "-shared", "-fPIC", "-Wl,-soname,libgreet.so.1", "-o", "libgreet.so.1.0", "greet.c"]);
  gcc(["-g", "-O0", "-o", "hello", "hello.c", "-L.", "-l:libgreet.so.1.0"]);
  gcc(["-g", "-c", "-o", "greet.o", "greet.c"]);
  run(["ar", "rcD", "libgreet.a", "greet.o"], { cwd: src });
  staticLib = readFileSync(path.join(src, "libgreet.a"));

  D = path.join(root, "image");
  mkdirSync(path.join(D, "usr/bin"), { recursive: true });
  mkdirSync(path.join(D, "usr/lib"), { recursive: true });
  copyFileSync(path.join(src, "hello"), path.join(D, "usr/bin/hello"));
  chmodSync(path.join(D, "usr/bin/hello"), 0o755);
  write(path.join(D, "usr/bin/.hidden"), "not matched by /usr/bin/*\n");
  copyFileSync(path.join(src, "libgreet.so.1.0"), path.join(D, "usr/lib/libgreet.so.1.0"));
  chmodSync(path.join(D, "usr/lib/libgreet.so.1.0"), 0o755);
  symlinkSync("libgreet.so.1.0", path.join(D, "usr/lib/libgreet.so.1"));
  symlinkSync("libgreet.so.1", path.join(D, "usr/lib/libgreet.so"));
  copyFileSync(path.join(src, "libgreet.a"), path.join(D, "usr/lib/libgreet.a"));
  write(path.join(D, "usr/include/greet.h"), "int greet(void);\n");
  write(path.join(D, "usr/share/doc/hello/README"), "Read me.\n");
  write(path.join(D, "usr/share/hello/data/x.txt"), "data\n");
  write(path.join(D, "etc/hello.conf"), "greeting=hello\n");
  write(path.join(D, "opt/stray"), "nobody ships this\n");

  // Owners that exist only inside the fakeroot session (FAKEROOTDONTTRYCHOWN: no real chown).
  STATE = path.join(root, "fakeroot.state");
  writeFileSync(STATE, "");
  FAKEROOT = ["env", "FAKEROOTDONTTRYCHOWN=1", "fakeroot", "-i", STATE, "-s", STATE, "--"];
  FAKEROOT_READ = ["env", "FAKEROOTDONTTRYCHOWN=1", "fakeroot", "-i", STATE, "--"];
  const bin = path.join(D, "usr/bin");
  run([...FAKEROOT, "sh", "-c", 'chown 1234:1234 "$1" "$1/hello" && chmod 750 "$1"', "sh", bin]);

  split = splitPackages(splitRequest(path.join(root, "pkgd"), path.join(root, "split")));
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test("files go to the first package whose FILES match; directories go whole", () => {
  const files = Object.fromEntries(split.packages.map((p) => [p.name, p.files]));
  assert.deepEqual(files, {
    "hello-dbg": ["usr/lib/debug/usr/bin/hello.debug", "usr/lib/debug/usr/lib/libgreet.so.1.0.debug"],
    "hello-staticdev": ["usr/lib/libgreet.a"],
    "hello-dev": ["usr/include/greet.h", "usr/lib/libgreet.so"],
    "hello-doc": ["usr/share/doc/hello/README"],
    libgreet1: ["usr/lib/libgreet.so.1", "usr/lib/libgreet.so.1.0"],
    hello: ["etc/hello.conf", "usr/bin/hello", "usr/share/hello/data/x.txt"],
    "hello-empty": [],
    "hello-meta": [],
  });
  const dest = path.join(root, "split");
  assert.equal(readlinkSync(path.join(dest, "hello-dev/usr/lib/libgreet.so")), "libgreet.so.1");
  assert.equal(readlinkSync(path.join(dest, "libgreet1/usr/lib/libgreet.so.1")), "libgreet.so.1.0");
  // D itself is left alone.
  assert.ok(existsSync(path.join(D, "usr/bin/hello")));
  assert.ok(existsSync(path.join(D, "usr/lib/libgreet.so")));
});

test("empty packages and unshipped files are reported", () => {
  const empty = Object.fromEntries(split.packages.map((p) => [p.name, p.empty]));
  assert.equal(empty["hello-empty"], true);
  assert.equal(empty["hello-meta"], false, "ALLOW_EMPTY");
  assert.equal(empty["hello"], false);
  // "*" does not match dot files (Python glob, as OE's FILES); nothing matches /opt.
  assert.deepEqual(split.unshipped, ["opt/stray", "usr/bin/.hidden"]);
  assert.ok(existsSync(path.join(root, "pkgd/opt/stray")), "unshipped files stay in PKGD");
  assert.ok(logLines.some((l) => l.includes("not shipped")));
});

test("ELF files are stripped, their debug information goes to -dbg with a .gnu_debuglink", () => {
  const dest = path.join(root, "split");
  for (const [elf, debug] of [
    ["hello/usr/bin/hello", "hello-dbg/usr/lib/debug/usr/bin/hello.debug"],
    ["libgreet1/usr/lib/libgreet.so.1.0", "hello-dbg/usr/lib/debug/usr/lib/libgreet.so.1.0.debug"],
  ] as const) {
    const sections = sectionNames(path.join(dest, elf));
    assert.ok(!sections.includes(".debug_info"), `${elf} keeps .debug_info`);
    assert.ok(!sections.includes(".symtab"), `${elf} keeps .symtab`);
    assert.ok(sections.includes(".gnu_debuglink"), `${elf} has no .gnu_debuglink`);
    const link = run(["readelf", "--string-dump=.gnu_debuglink", path.join(dest, elf)]);
    assert.match(link, new RegExp(path.basename(debug).replace(/\./g, "\\.")));
    assert.ok(sectionNames(path.join(dest, debug)).includes(".debug_info"), `${debug} lacks .debug_info`);
  }
  // Static archives are not stripped.
  assert.deepEqual(readFileSync(path.join(dest, "hello-staticdev/usr/lib/libgreet.a")), staticLib);
  // The stripped program still runs against the stripped library.
  const r = spawnSync(path.join(dest, "hello/usr/bin/hello"), [], {
    env: { ...process.env, LD_LIBRARY_PATH: path.join(dest, "libgreet1/usr/lib") },
  });
  assert.equal(r.status, 0);
});

test("owners and modes recorded in the fakeroot session survive splitting and stripping", () => {
  const dest = path.join(root, "split");
  const bin = path.join(dest, "hello/usr/bin");
  const out = run([...FAKEROOT_READ, "stat", "-c", "%n %u:%g %a", bin, path.join(bin, "hello")]);
  assert.equal(out, `${bin} 1234:1234 750\n${path.join(bin, "hello")} 1234:1234 755\n`);
  assert.equal(statSync(path.join(bin, "hello")).uid, process.getuid!(), "really owned by us: only faked");
  // Directories made for what moved into them keep the original's time.
  assert.equal(statSync(bin).mtimeMs, statSync(path.join(D, "usr/bin")).mtimeMs);
});

test("shared libraries: SONAMEs provided and needed, and the dependencies they make", () => {
  const names = PACKAGES.map((p) => p.name);
  const none = Object.fromEntries(names.map((n) => [n, [] as string[]]));
  assert.deepEqual(split.shlibProvides, { ...none, libgreet1: ["libgreet.so.1"] });
  assert.deepEqual(split.shlibNeeds, {
    ...none,
    hello: ["libc.so.6", "libgreet.so.1"],
    libgreet1: ["libc.so.6"],
  });
  const notes: string[] = [];
  const deps = shlibDepends(split, { "libc.so.6": "libc6", "libgreet.so.1": "stale-provider" }, (l) =>
    notes.push(l),
  );
  assert.deepEqual(deps, { ...none, hello: ["libc6", "libgreet1"], libgreet1: ["libc6"] });
  assert.equal(notes.length, 0);
  // A SONAME nobody provides is reported, not a dependency.
  const partial = shlibDepends(split, {}, (l) => notes.push(l));
  assert.deepEqual(partial["hello"], ["libgreet1"]);
  assert.ok(notes.some((l) => l.includes("libc.so.6")));
});

test("glob semantics of FILES patterns", () => {
  const tree: TreeNode = { name: "", kind: "dir", children: new Map() };
  for (const p of [
    "usr/lib/a.so",
    "usr/lib/b.so.1",
    "usr/lib/pkgconfig/a.pc",
    "usr/lib/.hid",
    "usr/share/x/y/z.txt",
  ]) {
    addPath(tree, p, "file");
  }
  const g = (pattern: string) => globTree(tree, pattern).map(pathOf);
  assert.deepEqual(g("/usr/lib/*"), ["usr/lib/a.so", "usr/lib/b.so.1", "usr/lib/pkgconfig"]);
  assert.deepEqual(g("/usr/lib/*.so"), ["usr/lib/a.so"]);
  assert.deepEqual(g("/usr/lib/.*"), ["usr/lib/.hid"]);
  assert.deepEqual(g("/usr/lib/[!a]*"), ["usr/lib/b.so.1", "usr/lib/pkgconfig"]);
  assert.deepEqual(g("/usr/*/*.pc"), []);
  assert.deepEqual(g("/usr/**/*.pc"), ["usr/lib/pkgconfig/a.pc"]);
  assert.deepEqual(g("/usr/share/**/z.txt"), ["usr/share/x/y/z.txt"]);
  assert.deepEqual(g("/usr/share/"), ["usr/share"]);
  assert.deepEqual(g("/usr/l?b/b.so.?"), ["usr/lib/b.so.1"]);
  assert.deepEqual(g("/nope"), []);
  assert.deepEqual(g("/"), []);
});

test("control files", () => {
  const text = formatControl(helloControl(["libc6", "libgreet1 (>= 1.0)", "libc6"]), 12);
  assert.equal(
    text,
    [
      "Package: hello",
      "Version: 1:1.0-r0",
      "Architecture: x86_64",
      "Maintainer: Kiln Test <test@example.com>",
      "Installed-Size: 12",
      "Section: base",
      "Priority: optional",
      "License: MIT",
      "Homepage: https://example.com/hello",
      "Depends: libc6, libgreet1 (>= 1.0)",
      "Recommends: hello-doc",
      "Description: Hello program",
      " Says hello, with a library.",
      " .",
      "   An indented line.",
      "",
    ].join("\n"),
  );
  assert.equal(parseControl(text)[0]!["Description"], helloControl([]).description);
  assert.throws(() => formatControl(control("bad name")), PackageError);
  assert.throws(() => formatControl(control("x", { depends: ["a\nb"] })), PackageError);
});

function pkgControls(deps: Record<string, string[]>): Array<{ root: string; control: PackageControl }> {
  const dest = path.join(root, "split");
  return [
    { root: path.join(dest, "hello"), control: helloControl(deps["hello"]!) },
    { root: path.join(dest, "libgreet1"), control: control("libgreet1", { depends: deps["libgreet1"]! }) },
    { root: path.join(dest, "hello-meta"), control: control("hello-meta", { architecture: "all" }) },
  ];
}

test(".ipk: ar members, tarball contents, owners and time stamps", () => {
  const deps = shlibDepends(split, { "libc.so.6": "libc6" });
  const out = path.join(root, "ipk1");
  const files = writePackages("ipk", pkgControls(deps), out, FAKEROOT_READ);
  assert.deepEqual(
    files.map((f) => path.basename(f)),
    ["hello_1.0-r0_x86_64.ipk", "libgreet1_1.0-r0_x86_64.ipk", "hello-meta_1.0-r0_all.ipk"],
  );
  const ipk = files[0]!;
  assert.equal(run(["ar", "t", ipk]), "debian-binary\ncontrol.tar.gz\ndata.tar.gz\n");
  assert.equal(run(["ar", "p", ipk, "debian-binary"]), "2.0\n");
  const x = path.join(root, "ipk-x");
  mkdirSync(x);
  run(["ar", "x", ipk], { cwd: x });
  assert.equal(
    run(["tar", "-tzf", "control.tar.gz"], { cwd: x }),
    "./\n./conffiles\n./control\n./postinst\n",
  );
  const ctl = run(["tar", "-xzOf", "control.tar.gz", "./control"], { cwd: x });
  assert.match(ctl, /^Package: hello\nVersion: 1:1.0-r0\n/);
  assert.match(ctl, /^Depends: libc6, libgreet1$/m);
  assert.equal(run(["tar", "-xzOf", "control.tar.gz", "./conffiles"], { cwd: x }), "/etc/hello.conf\n");
  assert.equal(
    run(["tar", "-xzOf", "control.tar.gz", "./postinst"], { cwd: x }),
    '#!/bin/sh\necho "configured"\n',
  );
  assert.equal(
    run(["tar", "-tzf", "data.tar.gz"], { cwd: x }),
    [
      "./",
      "./etc/",
      "./etc/hello.conf",
      "./usr/",
      "./usr/bin/",
      "./usr/bin/hello",
      "./usr/share/",
      "./usr/share/hello/",
      "./usr/share/hello/data/",
      "./usr/share/hello/data/x.txt",
      "",
    ].join("\n"),
  );
  const listing = run(["tar", "--full-time", "-tvzf", "data.tar.gz"], {
    cwd: x,
    env: { ...process.env, TZ: "UTC" },
  });
  const line = (name: string) => listing.split("\n").find((l) => l.endsWith(` ${name}`)) ?? "";
  assert.match(line("./usr/bin/hello"), /^-rwxr-xr-x 1234\/1234 /);
  assert.match(line("./usr/bin/"), /^drwxr-x--- 1234\/1234 /);
  assert.match(line("./etc/hello.conf"), /^-rw-r--r-- 0\/0 /);
  for (const l of listing.trim().split("\n")) assert.match(l, / 2023-11-14 22:13:20 /);
  // An allowed-empty package has just "./".
  const meta = path.join(root, "ipk-meta");
  mkdirSync(meta);
  run(["ar", "x", files[2]!], { cwd: meta });
  assert.equal(run(["tar", "-tzf", "data.tar.gz"], { cwd: meta }), "./\n");
  assert.equal(readPackageControl(files[1]!)["Depends"], "libc6");
});

test(".deb: accepted by dpkg-deb --info, --contents and -x", () => {
  const deps = shlibDepends(split, { "libc.so.6": "libc6" });
  const out = path.join(root, "deb1");
  const deb = writeDeb(
    path.join(root, "split/hello"),
    { ...helloControl(deps["hello"]!), architecture: "amd64" },
    out,
    FAKEROOT_READ,
  );
  assert.equal(path.basename(deb), "hello_1.0-r0_amd64.deb");
  const info = run(["dpkg-deb", "--info", deb]);
  assert.match(info, /^ Package: hello$/m);
  assert.match(info, /^ Version: 1:1.0-r0$/m);
  assert.match(info, /^ Depends: libc6, libgreet1$/m);
  assert.match(info, /^ Description: Hello program$/m);
  assert.equal(run(["dpkg-deb", "--field", deb, "Architecture"]), "amd64\n");
  const contents = run(["dpkg-deb", "--contents", deb]);
  assert.match(contents, /^-rwxr-xr-x 1234\/1234 .* \.\/usr\/bin\/hello$/m);
  assert.match(contents, /^drwxr-x--- 1234\/1234 .* \.\/usr\/bin\/$/m);
  const x = path.join(root, "deb-x");
  run(["dpkg-deb", "-x", deb, x]);
  assert.deepEqual(
    readFileSync(path.join(x, "usr/bin/hello")),
    readFileSync(path.join(root, "split/hello/usr/bin/hello")),
  );
  assert.equal(readFileSync(path.join(x, "etc/hello.conf"), "utf8"), "greeting=hello\n");
});

test("two builds from the same D give byte-identical packages", () => {
  // A second split (strip and debug split included) into other directories, then new packages.
  const again = splitPackages(splitRequest(path.join(root, "pkgd2"), path.join(root, "split2")));
  assert.deepEqual(again, split);
  const deps = shlibDepends(split, { "libc.so.6": "libc6" });
  const items = pkgControls(deps);
  const items2 = items.map((i) => ({
    ...i,
    root: i.root.replace(`${path.sep}split${path.sep}`, `${path.sep}split2${path.sep}`),
  }));
  assert.notEqual(items2[0]!.root, items[0]!.root);
  const first = writePackages("ipk", items, path.join(root, "same-a"), FAKEROOT_READ);
  const second = writePackages("ipk", items2, path.join(root, "same-b"), FAKEROOT_READ);
  const debA = writePackages("deb", items, path.join(root, "same-a"), FAKEROOT_READ);
  const debB = writePackages("deb", items2, path.join(root, "same-b"), FAKEROOT_READ);
  for (const [a, b] of [...first.map((f, i) => [f, second[i]!]), ...debA.map((f, i) => [f, debB[i]!])]) {
    assert.ok(readFileSync(a!).equals(readFileSync(b!)), `${path.basename(a!)} differs between builds`);
  }
  // Also the same as a single-package write.
  const single = writeIpk(items[0]!.root, items[0]!.control, path.join(root, "same-c"), FAKEROOT_READ);
  assert.ok(readFileSync(single).equals(readFileSync(first[0]!)));
});

test("feed index: Packages and Packages.gz with sizes and checksums, read back", () => {
  const deps = shlibDepends(split, { "libc.so.6": "libc6" });
  const dir = path.join(root, "feed-ipk");
  const files = writePackages("ipk", pkgControls(deps), dir, FAKEROOT_READ);
  writeFileSync(path.join(dir, "README"), "not a package\n");
  writeFeedIndex(dir, "ipk");
  const text = readFileSync(path.join(dir, "Packages"), "utf8");
  assert.equal(gunzipSync(readFileSync(path.join(dir, "Packages.gz"))).toString("utf8"), text);
  const index = readFeedIndex(dir);
  assert.deepEqual(
    index.map((p) => p["Filename"]),
    ["hello-meta_1.0-r0_all.ipk", "hello_1.0-r0_x86_64.ipk", "libgreet1_1.0-r0_x86_64.ipk"],
  );
  for (const p of index) {
    const data = readFileSync(path.join(dir, p["Filename"]!));
    assert.equal(p["Size"], String(data.length));
    assert.equal(p["SHA256sum"], createHash("sha256").update(data).digest("hex"));
    assert.equal(p["MD5Sum"], createHash("md5").update(data).digest("hex"));
    assert.equal(Object.keys(p).at(-1), "Description");
  }
  const hello = index.find((p) => p["Package"] === "hello")!;
  assert.equal(hello["Version"], "1:1.0-r0");
  assert.equal(hello["Depends"], "libc6, libgreet1");
  assert.equal(hello["Description"], helloControl([]).description);
  assert.equal(files.length, 3);
  // Rewriting gives the same index; the gzip index alone is enough to read.
  writeFeedIndex(dir, "ipk");
  assert.equal(readFileSync(path.join(dir, "Packages"), "utf8"), text);
  rmSync(path.join(dir, "Packages"));
  assert.deepEqual(readFeedIndex(dir), index);

  const debDir = path.join(root, "feed-deb");
  writePackages("deb", pkgControls(deps), debDir, FAKEROOT_READ);
  writeFeedIndex(debDir, "deb");
  const debIndex = readFeedIndex(debDir);
  assert.equal(debIndex.length, 3);
  for (const p of debIndex) {
    const data = readFileSync(path.join(debDir, p["Filename"]!));
    assert.equal(p["SHA256"], createHash("sha256").update(data).digest("hex"));
  }
  assert.deepEqual(readdirSync(debDir).sort(), [
    "Packages",
    "Packages.gz",
    "hello-meta_1.0-r0_all.deb",
    "hello_1.0-r0_x86_64.deb",
    "libgreet1_1.0-r0_x86_64.deb",
  ]);
});

test("a directory taken after something inside it is merged; hard links stay linked; strip can be off", () => {
  const d = path.join(root, "image2");
  mkdirSync(path.join(d, "usr/bin"), { recursive: true });
  copyFileSync(path.join(D, "usr/bin/hello"), path.join(d, "usr/bin/hello"));
  linkSync(path.join(d, "usr/bin/hello"), path.join(d, "usr/bin/hello-again"));
  for (const f of ["a", "sub/b", "sub/deeper/c", ".dot"]) write(path.join(d, "usr/share/foo", f), `${f}\n`);
  const packages: PackageSpec[] = [
    { name: "x-dbg", files: ["/usr/lib/debug"] },
    { name: "x-c", files: ["/usr/share/foo/sub/deeper/c"] },
    { name: "x", files: ["/usr/share/foo/sub/b", "/usr/share/**", "/usr/bin"] },
  ];
  const req = {
    installDir: d,
    pkgdDir: path.join(root, "pkgd3"),
    splitDir: path.join(root, "split3"),
    packages,
    strip: true,
    debugPackage: "x-dbg",
    fakeroot: [],
    log: () => {},
  };
  const r = splitPackages(req);
  assert.deepEqual(r.packages, [
    { name: "x-dbg", files: ["usr/lib/debug/usr/bin/hello.debug"], empty: false },
    { name: "x-c", files: ["usr/share/foo/sub/deeper/c"], empty: false },
    {
      name: "x",
      files: [
        "usr/bin/hello",
        "usr/bin/hello-again",
        "usr/share/foo/.dot",
        "usr/share/foo/a",
        "usr/share/foo/sub/b",
      ],
      empty: false,
    },
  ]);
  assert.deepEqual(r.unshipped, []);
  const bin = path.join(root, "split3/x/usr/bin");
  assert.equal(statSync(path.join(bin, "hello")).ino, statSync(path.join(bin, "hello-again")).ino);
  assert.ok(!sectionNames(path.join(bin, "hello")).includes(".debug_info"));
  assert.ok(
    existsSync(path.join(root, "split3/x/usr/share/foo/sub/deeper")),
    "an emptied directory goes with its parent",
  );

  const unstripped = splitPackages({ ...req, strip: false });
  assert.deepEqual(unstripped.packages[0], { name: "x-dbg", files: [], empty: true });
  assert.ok(sectionNames(path.join(bin, "hello")).includes(".debug_info"));
});

test("errors name what went wrong", () => {
  assert.throws(
    () =>
      splitPackages({
        ...splitRequest(path.join(root, "p3"), path.join(root, "s3")),
        installDir: path.join(root, "nope"),
      }),
    (e: unknown) => e instanceof PackageError && /does not exist/.test(e.message),
  );
  assert.throws(
    () => splitPackages(splitRequest(path.join(D, "pkgd"), path.join(root, "s3"))),
    (e: unknown) => e instanceof PackageError && /separate directories/.test(e.message),
  );
  assert.throws(
    () => writeIpk(path.join(root, "split/hello-empty-nonexistent"), control("x"), path.join(root, "e"), []),
    (e: unknown) => e instanceof PackageError && /does not exist/.test(e.message),
  );
  assert.throws(
    () =>
      splitPackages({
        ...splitRequest(path.join(root, "p4"), path.join(root, "s4")),
        fakeroot: ["sh", "-c", "exit 3", "sh"],
      }),
    (e: unknown) => e instanceof PackageError && /exited with status 3/.test(e.message),
  );
});
