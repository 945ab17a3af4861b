// The rootfs and image stage (src/image): feeds, install plans, assembling a root filesystem
// from .deb and .ipk packages under fakeroot, users and groups, and reproducible images. The
// feed is built here with dpkg-deb, ar and tar; everything runs offline in a temporary directory.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import {
  addUsersAndGroups,
  assembleRootfs,
  compareVersions,
  type FeedPackage,
  type IMAGE_TYPES,
  ImageError,
  makeImage,
  planInstall,
  REQUESTED,
  readFeed,
} from "../../src/image/index.js";
import { requirePrograms } from "../helpers/tools.js";

let root: string;
let state: string;
let fakeroot: string[];
let debFeed: string;
let ipkFeed: string;
const EPOCH = 1700000000;
const INSTALL = ["foo", "bar", "owned", "badpost"];
const ACCOUNTS = {
  groups: [{ name: "kilngrp" }],
  users: [
    { name: "daemonx", system: true },
    { name: "alice", groups: ["kilngrp"] },
    { name: "svc", uid: 1500, gid: "kilngrp", home: "/var/lib/svc" },
  ],
};

function write(file: string, text: string | Buffer, mode = 0o644): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text, { mode });
  return file;
}

function sh(cmd: string, args: string[] = [], input?: string | Buffer): string {
  return execFileSync(cmd, args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}

/** Run argv under the test's fakeroot state, read only (saving the state makes fakeroot slow to exit). */
function faked(args: string[]): string {
  return sh("fakeroot", ["-i", state, "--", ...args]);
}

interface PkgSpec {
  name: string;
  version: string;
  depends?: string;
  provides?: string;
  recommends?: string;
  files: Record<string, string>;
  postinst?: string;
  conffiles?: string[];
}

function controlText(p: PkgSpec, arch: string): string {
  let text = `Package: ${p.name}\nVersion: ${p.version}\nArchitecture: ${arch}\nMaintainer: Test <t@example.com>\n`;
  if (p.depends) text += `Depends: ${p.depends}\n`;
  if (p.provides) text += `Provides: ${p.provides}\n`;
  if (p.recommends) text += `Recommends: ${p.recommends}\n`;
  return `${text}Description: test package ${p.name}\n a test package\n`;
}

/** A .deb made by dpkg-deb from a directory with DEBIAN/control. */
function makeDeb(feed: string, p: PkgSpec, compression: string): string {
  const dir = path.join(root, "src", `${p.name}_${p.version}`);
  for (const [file, text] of Object.entries(p.files)) write(path.join(dir, file), text);
  write(path.join(dir, "DEBIAN/control"), controlText(p, "all"));
  if (p.postinst) write(path.join(dir, "DEBIAN/postinst"), p.postinst, 0o755);
  if (p.conffiles) write(path.join(dir, "DEBIAN/conffiles"), p.conffiles.map((f) => `${f}\n`).join(""));
  const out = path.join(feed, `${p.name}_${p.version}_all.deb`);
  sh("dpkg-deb", ["--build", "--root-owner-group", `-Z${compression}`, dir, out]);
  return out;
}

/** An .ipk made with ar and tar; `owned` paths belong to 1234:1234 (set under a fakeroot session). */
function makeIpk(feed: string, p: PkgSpec, owned: string[]): string {
  const dir = path.join(root, "src", `${p.name}_${p.version}_ipk`);
  for (const [file, text] of Object.entries(p.files)) write(path.join(dir, "data", file), text);
  write(path.join(dir, "control/control"), controlText(p, "noarch"));
  write(path.join(dir, "debian-binary"), "2.0\n");
  const chowns = owned.map((o) => `chown 1234:1234 data/${o}`).join(" && ");
  sh("fakeroot", [
    "--",
    "sh",
    "-c",
    `cd "$1" && chown -R 0:0 data control && ${chowns} && ` +
      "tar --numeric-owner -czf data.tar.gz -C data . && tar --numeric-owner -czf control.tar.gz -C control .",
    "sh",
    dir,
  ]);
  const out = path.join(feed, `${p.name}_${p.version}_noarch.ipk`);
  sh("ar", ["rc", out, ...["debian-binary", "control.tar.gz", "data.tar.gz"].map((m) => path.join(dir, m))]);
  return out;
}

/** The Packages index of a feed, as the test's own writer produces it. */
function writeIndex(feed: string, packages: Array<{ spec: PkgSpec; file: string; arch: string }>): void {
  const paragraphs = packages.map(({ spec, file, arch }) => {
    let text = `Package: ${spec.name}\nVersion: ${spec.version}\nArchitecture: ${arch}\n`;
    if (spec.depends) text += `Depends: ${spec.depends}\n`;
    if (spec.provides) text += `Provides: ${spec.provides}\n`;
    if (spec.recommends) text += `Recommends: ${spec.recommends}\n`;
    return `${text}Filename: ./${path.basename(file)}\nSize: ${statSync(file).size}\nDescription: ${spec.name}\n`;
  });
  write(path.join(feed, "Packages"), paragraphs.join("\n"));
}

const DEBS: Array<[PkgSpec, string]> = [
  [
    { name: "base-files", version: "1.0", files: { "etc/motd": "welcome\n" }, conffiles: ["/etc/motd"] },
    "xz",
  ],
  [{ name: "libfoo", version: "0.9", files: { "usr/lib/libfoo.so.1": "0.9\n" } }, "gzip"],
  [{ name: "libfoo", version: "1.2-r0", files: { "usr/lib/libfoo.so.1": "1.2\n" } }, "gzip"],
  [
    {
      name: "foo",
      version: "2.0",
      depends: "libfoo (>= 1.0), base-files",
      recommends: "foo-doc",
      files: { "usr/bin/foo": "#!/bin/sh\n" },
      postinst: '#!/bin/sh\nset -e\n[ -n "$D" ]\necho "D=$D"\necho configured > "$D/etc/foo.conf"\n',
    },
    "xz",
  ],
  [{ name: "foo-doc", version: "2.0", files: { "usr/share/doc/foo/README": "docs\n" } }, "xz"],
  [
    {
      name: "bar",
      version: "1.0",
      depends: "nosuch | libfoo, virtual-sh",
      files: { "usr/bin/bar": "bar\n" },
    },
    "xz",
  ],
  [{ name: "busybox", version: "1.36", provides: "virtual-sh", files: { "bin/busybox": "bb\n" } }, "xz"],
  [
    {
      name: "badpost",
      version: "1.0",
      files: { "usr/share/badpost": "x\n" },
      postinst: "#!/bin/sh\necho failing\nexit 3\n",
    },
    "xz",
  ],
  [
    { name: "needy", version: "1.0", depends: "libfoo (>= 3.0), ghost", files: { "usr/share/needy": "n\n" } },
    "xz",
  ],
];

const OWNED: PkgSpec = {
  name: "owned",
  version: "1.0",
  depends: "base-files",
  files: { "srv/owned/data": "mine\n", "srv/shared": "root's\n" },
};

before(() => {
  requirePrograms("cpio", "debugfs", "dpkg-deb", "dumpe2fs", "e2fsck", "fakeroot", "qemu-img");
  root = mkdtempSync(path.join(tmpdir(), "kiln-image-test-"));
  state = path.join(root, "fakeroot.state");
  writeFileSync(state, "");
  fakeroot = ["env", "FAKEROOTDONTTRYCHOWN=1", "fakeroot", "-i", state, "-s", state, "--"];
  debFeed = path.join(root, "feed-deb");
  ipkFeed = path.join(root, "feed-ipk");
  mkdirSync(debFeed, { recursive: true });
  mkdirSync(ipkFeed, { recursive: true });
  writeIndex(
    debFeed,
    DEBS.map(([spec, z]) => ({ spec, file: makeDeb(debFeed, spec, z), arch: "all" })),
  );
  writeIndex(ipkFeed, [
    { spec: OWNED, file: makeIpk(ipkFeed, OWNED, ["srv/owned", "srv/owned/data"]), arch: "noarch" },
  ]);
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Versions, feeds and plans (no processes)

function pkg(
  name: string,
  version: string,
  rel: { depends?: string[]; provides?: string[]; recommends?: string[] } = {},
) {
  const p: FeedPackage = {
    name,
    version,
    arch: "all",
    depends: rel.depends ?? [],
    provides: rel.provides ?? [],
    recommends: rel.recommends ?? [],
    file: `/feed/${name}_${version}.ipk`,
    fields: {},
  };
  return p;
}

const names = (ps: FeedPackage[]) => ps.map((p) => `${p.name}=${p.version}`);

test("Debian version order", () => {
  assert.ok(compareVersions("1.0", "1.0.1") < 0);
  assert.ok(compareVersions("1.0~rc1", "1.0") < 0);
  assert.ok(compareVersions("1:0.1", "2.0") > 0);
  assert.ok(compareVersions("1.2-r0", "1.2-r10") < 0);
  assert.ok(compareVersions("1.2a", "1.2+") < 0);
  assert.equal(compareVersions("01.0", "1.00"), 0);
});

test("readFeed parses Packages and Packages.gz, and names a directory without an index", () => {
  const dir = path.join(root, "feed-gz");
  write(
    path.join(dir, "Packages.gz"),
    gzipSync(
      "Package: a\nVersion: 1\nArchitecture: all\nDepends: b (>= 2),\n c | d\nProvides: va (= 1)\nFilename: sub/a.ipk\n\n" +
        "Package: b\nVersion: 2\nArchitecture: all\nFilename: b.ipk\nDescription: multi\n line\n",
    ),
  );
  const feed = readFeed([dir]);
  assert.deepEqual(
    feed.map((p) => [p.name, p.version, p.depends, p.provides, p.file]),
    [
      ["a", "1", ["b (>= 2)", "c | d"], ["va (= 1)"], path.join(dir, "sub/a.ipk")],
      ["b", "2", [], [], path.join(dir, "b.ipk")],
    ],
  );
  assert.equal(feed[1].fields["Description"], "multi\n line");
  const empty = path.join(root, "feed-empty");
  mkdirSync(empty, { recursive: true });
  assert.throws(
    () => readFeed([dir, empty]),
    (e: Error) => e instanceof ImageError && e.message.includes(empty),
  );
});

test("planInstall: dependencies first, ties by name", () => {
  const feed = [
    pkg("app", "1", { depends: ["zlib", "libb"] }),
    pkg("libb", "1", { depends: ["liba"] }),
    pkg("liba", "1"),
    pkg("zlib", "1"),
    pkg("extra", "1"),
  ];
  const plan = planInstall(feed, ["app", "extra"]);
  assert.deepEqual(names(plan.order), ["extra=1", "liba=1", "libb=1", "zlib=1", "app=1"]);
  assert.deepEqual(plan.missing, []);
  assert.deepEqual(names(plan.requested), ["app=1", "extra=1"]);
  // The same whatever the feed order.
  assert.deepEqual(names(planInstall([...feed].reverse(), ["extra", "app"]).order), names(plan.order));
});

test("planInstall: Provides, alternatives, version constraints", () => {
  const feed = [
    pkg("app", "1", { depends: ["virtual-sh", "nosuch | libx (>= 2)", "opt | libx"] }),
    pkg("busybox", "1.36", { provides: ["virtual-sh"] }),
    pkg("libx", "1.5"),
    pkg("libx", "2.1"),
    pkg("libx", "3.0~beta"),
    pkg("vapp", "1", { depends: ["api (>= 2)"] }),
    pkg("impl-old", "1", { provides: ["api (= 1)"] }),
    pkg("impl-new", "1", { provides: ["api (= 2)"] }),
    pkg("impl-unversioned", "1", { provides: ["api"] }),
    pkg("opt", "1"),
  ];
  const plan = planInstall(feed, ["app"]);
  // libx: the highest version meeting ">= 2" (3.0~beta sorts after 2.1); the "opt | libx" clause
  // is met by libx, already chosen, so opt is not installed.
  assert.deepEqual(names(plan.order), ["busybox=1.36", "libx=3.0~beta", "app=1"]);
  const pinned = planInstall([...feed, pkg("pin", "1", { depends: ["libx (<< 3)"] })], ["pin", "app"]);
  assert.ok(names(pinned.order).includes("libx=2.1"));
  // Versioned relations through Provides need a versioned Provides.
  assert.deepEqual(names(planInstall(feed, ["vapp"]).order), ["impl-new=1", "vapp=1"]);
  // A wanted clause may carry a constraint.
  assert.deepEqual(names(planInstall(feed, ["libx (<< 2)"]).order), ["libx=1.5"]);
});

test("planInstall: recommends, excludes, missing dependencies, cycles", () => {
  const feed = [
    pkg("app", "1", { depends: ["lib (>= 2)", "ghost"], recommends: ["doc", "nodoc"] }),
    pkg("lib", "1"),
    pkg("doc", "1"),
    pkg("tool", "1", { recommends: ["doc"], depends: ["helper"] }),
    pkg("helper", "1"),
    pkg("a", "1", { depends: ["b"] }),
    pkg("b", "1", { depends: ["a"] }),
  ];
  const plan = planInstall(feed, ["app", "absent"]);
  assert.deepEqual(plan.missing, [
    { name: "absent", neededBy: REQUESTED, reason: "not in the feed" },
    { name: "lib (>= 2)", neededBy: "app", reason: "no version satisfies it (feed has lib 1)" },
    { name: "ghost", neededBy: "app", reason: "not in the feed" },
  ]);
  assert.deepEqual(names(planInstall(feed, ["tool"]).order), ["doc=1", "helper=1", "tool=1"]);
  assert.deepEqual(names(planInstall(feed, ["tool"], { noRecommends: true }).order), ["helper=1", "tool=1"]);
  assert.deepEqual(names(planInstall(feed, ["tool"], { exclude: ["doc"] }).order), ["helper=1", "tool=1"]);
  assert.deepEqual(planInstall(feed, ["tool"], { exclude: ["helper"] }).missing, [
    { name: "helper", neededBy: "tool", reason: "excluded" },
  ]);
  assert.deepEqual(names(planInstall(feed, ["b"]).order), ["a=1", "b=1"]);
});

// ---------------------------------------------------------------------------------------------
// Root filesystems

function assemble(rootfs: string, install = INSTALL): { log: string[]; installed: string[] } {
  const log: string[] = [];
  const { installed } = assembleRootfs({
    rootfs,
    feedDirs: [debFeed, ipkFeed],
    install,
    fakeroot,
    log: (l) => log.push(l),
  });
  return { log, installed: installed.map((p) => p.name) };
}

let rootfsA: string;
let rootfsB: string;

test("assembleRootfs unpacks packages, records them, runs postinsts offline", () => {
  rootfsA = path.join(root, "rootfs-a");
  write(path.join(rootfsA, "stale"), "left over from an earlier build\n");
  const { log, installed } = assemble(rootfsA);
  assert.deepEqual(installed, [
    "badpost",
    "base-files",
    "busybox",
    "foo-doc",
    "libfoo",
    "bar",
    "foo",
    "owned",
  ]);
  assert.equal(existsSync(path.join(rootfsA, "stale")), false);
  assert.equal(readFileSync(path.join(rootfsA, "usr/lib/libfoo.so.1"), "utf8"), "1.2\n");
  assert.equal(readFileSync(path.join(rootfsA, "etc/motd"), "utf8"), "welcome\n");
  assert.ok(existsSync(path.join(rootfsA, "usr/share/doc/foo/README")));
  assert.ok(existsSync(path.join(rootfsA, "bin/busybox")));

  // dpkg's database, as dpkg itself reads it.
  const query = sh("dpkg-query", [
    `--admindir=${path.join(rootfsA, "var/lib/dpkg")}`,
    "-W",
    "-f",
    "${Package} ${Version} ${Status}\n",
  ]);
  assert.equal(
    query,
    [
      "badpost 1.0 install ok installed",
      "bar 1.0 install ok installed",
      "base-files 1.0 install ok installed",
      "busybox 1.36 install ok installed",
      "foo 2.0 install ok installed",
      "foo-doc 2.0 install ok installed",
      "libfoo 1.2-r0 install ok installed",
      "",
    ].join("\n"),
  );
  assert.match(readFileSync(path.join(rootfsA, "var/lib/dpkg/info/foo.list"), "utf8"), /^\/usr\/bin\/foo$/m);
  const conffiles = sh("dpkg-query", [
    `--admindir=${path.join(rootfsA, "var/lib/dpkg")}`,
    "-W",
    "-f",
    "${Conffiles}",
    "base-files",
  ]);
  assert.equal(conffiles.trim(), `/etc/motd ${createHash("md5").update("welcome\n").digest("hex")}`);
  assert.ok(existsSync(path.join(rootfsA, "var/lib/dpkg/info/foo.postinst")));
  // opkg's database for the .ipk.
  const opkg = readFileSync(path.join(rootfsA, "var/lib/opkg/status"), "utf8");
  assert.match(
    opkg,
    /^Package: owned\nVersion: 1.0\nDepends: base-files\nStatus: install user installed\nArchitecture: noarch\n/,
  );
  assert.match(
    readFileSync(path.join(rootfsA, "var/lib/opkg/info/owned.list"), "utf8"),
    /^\/srv\/owned\/data$/m,
  );

  // foo's postinst ran on the host with $D set to the root filesystem.
  assert.equal(readFileSync(path.join(rootfsA, "etc/foo.conf"), "utf8"), "configured\n");
  assert.ok(log.includes(`foo postinst: D=${rootfsA}`), log.join("\n"));
  // badpost's failed: kept for first boot, with a warning.
  const kept = path.join(rootfsA, "etc/kiln-postinsts/000-badpost");
  assert.equal(readFileSync(kept, "utf8"), "#!/bin/sh\necho failing\nexit 3\n");
  assert.equal(statSync(kept).mode & 0o777, 0o755);
  assert.ok(
    log.some((l) => l.startsWith("warning: postinst of badpost failed (exit status 3)")),
    log.join("\n"),
  );

  // Owners live in the fakeroot state, not on disk.
  assert.equal(
    faked(["stat", "-c", "%u:%g %a", path.join(rootfsA, "srv/owned/data"), path.join(rootfsA, "srv/owned")]),
    "1234:1234 644\n1234:1234 755\n",
  );
  assert.equal(
    faked([
      "stat",
      "-c",
      "%u:%g",
      path.join(rootfsA, "srv/shared"),
      path.join(rootfsA, "var/lib/dpkg/status"),
      rootfsA,
    ]),
    "0:0\n0:0\n0:0\n",
  );
  assert.notEqual(statSync(path.join(rootfsA, "srv/owned/data")).uid, 1234);
});

test("assembleRootfs names what is missing and who needs it", () => {
  assert.throws(
    () => assemble(path.join(root, "rootfs-needy"), ["foo", "needy", "nothere"]),
    (e: Error) =>
      e instanceof ImageError &&
      e.message.includes("nothere (asked for): not in the feed") &&
      e.message.includes(
        "libfoo (>= 3.0) needed by needy: no version satisfies it (feed has libfoo 0.9, libfoo 1.2-r0)",
      ) &&
      e.message.includes("ghost needed by needy: not in the feed"),
  );
});

test("addUsersAndGroups edits passwd, group, shadow and makes homes", () => {
  addUsersAndGroups(rootfsA, { ...ACCOUNTS, fakeroot });
  const etc = (f: string) => readFileSync(path.join(rootfsA, "etc", f), "utf8");
  assert.equal(
    etc("passwd"),
    [
      "root:x:0:0:root:/root:/bin/sh",
      "daemonx:x:999:999::/nonexistent:/bin/false",
      "alice:x:1000:1001::/home/alice:/bin/sh",
      "svc:x:1500:1000::/var/lib/svc:/bin/sh",
      "",
    ].join("\n"),
  );
  assert.equal(
    etc("group"),
    ["root:x:0:", "kilngrp:x:1000:alice", "daemonx:x:999:", "alice:x:1001:", ""].join("\n"),
  );
  assert.equal(
    etc("shadow"),
    ["root:*:::::::", "daemonx:*:::::::", "alice:!:::::::", "svc:!:::::::", ""].join("\n"),
  );
  assert.equal(statSync(path.join(rootfsA, "etc/shadow")).mode & 0o777, 0o600);
  assert.equal(
    faked([
      "stat",
      "-c",
      "%u:%g %a",
      ...["home/alice", "var/lib/svc", "root", "etc/passwd"].map((p) => path.join(rootfsA, p)),
    ]),
    "1000:1001 755\n1500:1000 755\n0:0 700\n0:0 644\n",
  );
  // Again: nothing changes; a conflicting explicit id is refused.
  addUsersAndGroups(rootfsA, { ...ACCOUNTS, fakeroot });
  assert.equal(etc("passwd").split("\n").length, 5);
  assert.throws(
    () => addUsersAndGroups(rootfsA, { groups: [], users: [{ name: "svc", uid: 7 }], fakeroot }),
    ImageError,
  );
});

// ---------------------------------------------------------------------------------------------
// Images

function image(rootfs: string, type: (typeof IMAGE_TYPES)[number], tag: string): string {
  return makeImage({
    rootfs,
    type,
    output: path.join(root, "images", `${tag}.${type}`),
    sourceDateEpoch: EPOCH,
    fakeroot,
    extraSpaceMiB: 4,
    label: "kilnroot",
  });
}

const sameBytes = (a: string, b: string) => readFileSync(a).equals(readFileSync(b));

test("tar images keep recorded owners, reproducibly", () => {
  // A second root filesystem, made from scratch at another time and place.
  rootfsB = path.join(root, "rootfs-b");
  assemble(rootfsB);
  addUsersAndGroups(rootfsB, { ...ACCOUNTS, fakeroot });

  const tarA = image(rootfsA, "tar", "a");
  const listing = sh("tar", ["-tvf", tarA, "--numeric-owner"]);
  assert.match(listing, /^-rw-r--r-- 1234\/1234 +5 2023-11-14 22:13 \.\/srv\/owned\/data$/m);
  assert.match(listing, /^drwxr-xr-x 1234\/1234 .* \.\/srv\/owned\/$/m);
  assert.match(listing, /^-rw-r--r-- 0\/0 .* \.\/etc\/motd$/m);
  assert.match(listing, /^drwxr-xr-x 1000\/1001 .* \.\/home\/alice\/$/m);
  assert.match(listing, /^drwxr-xr-x 0\/0 .* \.\/$/m);
  assert.ok(sameBytes(tarA, image(rootfsB, "tar", "b")));
  for (const type of ["tar.gz", "tar.zst"] as const) {
    const a = image(rootfsA, type, "a");
    assert.match(sh("tar", ["-tf", a]), /^\.\/srv\/owned\/data$/m);
    assert.ok(sameBytes(a, image(rootfsB, type, "b")), type);
  }
});

test("cpio.gz image keeps recorded owners, reproducibly", () => {
  const a = image(rootfsA, "cpio.gz", "a");
  const cpio = execFileSync("gzip", ["-dc", a]);
  const listing = sh("cpio", ["-itv", "--numeric-uid-gid", "--quiet"], cpio);
  assert.match(listing, /^-rw-r--r-- +1 1234 +1234 +5 .* srv\/owned\/data$/m);
  assert.match(listing, /^-rw-r--r-- +1 0 +0 .* etc\/motd$/m);
  assert.ok(sameBytes(a, image(rootfsB, "cpio.gz", "b")));
});

test("ext4 and qcow2 images: accepted by their tools, owners kept, reproducible", () => {
  const a = image(rootfsA, "ext4", "a");
  const fsck = spawnSync("e2fsck", ["-fn", a], { encoding: "utf8" });
  assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
  const stat = sh("debugfs", ["-R", "stat /srv/owned/data", a]);
  assert.match(stat, /User: +1234 +Group: +1234/);
  assert.match(stat, /mtime: 0x6553f100/);
  assert.match(stat, /ctime: 0x6553f100/);
  assert.match(sh("debugfs", ["-R", "stat /etc/motd", a]), /User: +0 +Group: +0/);
  assert.match(sh("debugfs", ["-R", "stat /home/alice", a]), /User: +1000 +Group: +1001/);
  assert.match(sh("dumpe2fs", ["-h", a]), /Filesystem volume name: +kilnroot/);
  assert.ok(sameBytes(a, image(rootfsB, "ext4", "b")));

  const q = image(rootfsA, "qcow2", "a");
  assert.match(sh("qemu-img", ["info", q]), /file format: qcow2/);
  assert.ok(sameBytes(q, image(rootfsB, "qcow2", "b")));
});

test("makeImage refuses an output inside the root filesystem", () => {
  assert.throws(
    () =>
      makeImage({
        rootfs: rootfsA,
        type: "tar",
        output: path.join(rootfsA, "x.tar"),
        sourceDateEpoch: EPOCH,
        fakeroot,
      }),
    ImageError,
  );
});
