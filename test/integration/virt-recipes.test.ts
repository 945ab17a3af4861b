// meta-kiln-virt's source recipes (container runtimes and tools, QEMU, libvirt, the Xen tools) and
// its go class. The recipes are parsed and their task graphs resolved, never built: building needs
// network access for the sources and, for Go programs, a Go toolchain. Most of them DEPEND on
// libraries kiln's core layer has no recipe for yet (libseccomp, glib-2.0, ...), so their graphs
// cannot resolve; those recipes are checked at the parse level only. The go class's tasks are run
// on a small recipe with a stand-in `go` program that records how it is called.
// Needs the Debian packages scripts/setup-example.sh downloads (the C library, crun-debian).

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { EXAMPLE_DEBS, REPO, runKiln } from "../helpers/builddir.js";

const repo = REPO;
const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-virt-recipes-"));
after(() => {
  if (!process.env.KILN_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
});

function write(rel: string, text: string, mode?: number): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text, mode === undefined ? undefined : { mode });
}

const layers = ["meta-kiln", "meta-kiln-example", "meta-kiln-virt"]
  .map((l) => `${repo}/layers/${l}`)
  .join(" ");
write(
  "conf/bblayers.conf",
  `BBPATH = "\${TOPDIR}"\nBBFILES ?= ""\nBBLAYERS = "${layers} \${TOPDIR}/meta-probe"\n`,
);
const baseConf = [
  `DEBIAN_PACKAGES_DIR = "${EXAMPLE_DEBS}"`,
  'DISTRO_FEATURES:append = " virtualization kvm"',
  'KILN_VIRT_FROM_SOURCE = "1"',
].join("\n");
function localConf(...lines: string[]): void {
  write("conf/local.conf", `${[baseConf, ...lines].join("\n")}\n`);
}
localConf();

// A layer with one Go recipe for the class's tasks, and a `go` that only records its calls.
write(
  "meta-probe/conf/layer.conf",
  'BBPATH .= ":${LAYERDIR}"\nBBFILES += "${LAYERDIR}/recipes/*.bb"\nBBFILE_COLLECTIONS += "probe"\nBBFILE_PATTERN_probe = "^${LAYERDIR}/"\nLAYERSERIES_COMPAT_probe = "kiln"\n',
);
write(
  "meta-probe/recipes/go-probe_0.3.bb",
  [
    'SUMMARY = "A Go program that is never really compiled"',
    'LICENSE = "MIT"',
    'INHIBIT_DEFAULT_DEPS = "1"',
    'S = "${UNPACKDIR}"',
    "inherit go",
    'GO_BUILD_PACKAGES = "./cmd/probe"',
    'GO_BUILD_TAGS = "netgo"',
    'GO_LDFLAGS = "-X main.version=${PV}"',
    "",
  ].join("\n"),
);
const calls = path.join(dir, "go-calls.log");
write(
  "fake-go",
  [
    "#!/bin/sh",
    `log=${calls}`,
    'if [ "$1" = version ]; then echo "go version go0.0-fake linux/amd64"; exit 0; fi',
    'echo "args: $*" >> "$log"',
    'echo "env: GOOS=$GOOS GOARCH=$GOARCH CGO_ENABLED=$CGO_ENABLED GOFLAGS=$GOFLAGS GOPROXY=$GOPROXY GOTOOLCHAIN=$GOTOOLCHAIN CC=$CC" >> "$log"',
    'echo "paths: GOPATH=$GOPATH GOCACHE=$GOCACHE" >> "$log"',
    // go build -o DIR/ PACKAGE: one program named after the package's last element.
    'out=; prev=; for a in "$@"; do [ "$prev" = -o ] && out=$a; prev=$a; done',
    'for a in "$@"; do pkg=$a; done',
    'printf "#!/bin/sh\\n" > "$out$(basename "$pkg")"',
    "",
  ].join("\n"),
  0o755,
);

function kiln(...args: string[]): Promise<{ status: number | null; out: string }> {
  return runKiln(dir, args);
}

interface Expected {
  pv: string;
  license: string;
  /** What SRC_URI's first entry names: the upstream repository or release tarball. */
  upstream: string;
  go?: boolean;
}

const RECIPES: Record<string, Expected> = {
  runc: {
    pv: "1.3.0-rc.1",
    license: "Apache-2.0",
    upstream: "git://github.com/opencontainers/runc.git",
    go: true,
  },
  crun: {
    pv: "1.20",
    license: "GPL-2.0-or-later & LGPL-2.1-or-later",
    upstream: "git://github.com/containers/crun.git",
  },
  containerd: {
    pv: "2.0.3",
    license: "Apache-2.0",
    upstream: "git://github.com/containerd/containerd.git",
    go: true,
  },
  podman: {
    pv: "5.4.1",
    license: "Apache-2.0",
    upstream: "git://github.com/containers/podman.git",
    go: true,
  },
  "docker-moby": {
    pv: "28.0.1",
    license: "Apache-2.0",
    upstream: "git://github.com/moby/moby.git",
    go: true,
  },
  lxc: { pv: "6.0.3", license: "LGPL-2.1-only & GPL-2.0-only", upstream: "git://github.com/lxc/lxc.git" },
  cni: {
    pv: "1.6.1",
    license: "Apache-2.0",
    upstream: "git://github.com/containernetworking/plugins.git",
    go: true,
  },
  conmon: { pv: "2.1.12", license: "Apache-2.0", upstream: "git://github.com/containers/conmon.git" },
  skopeo: {
    pv: "1.18.0",
    license: "Apache-2.0",
    upstream: "git://github.com/containers/skopeo.git",
    go: true,
  },
  umoci: {
    pv: "0.4.7",
    license: "Apache-2.0",
    upstream: "git://github.com/opencontainers/umoci.git",
    go: true,
  },
  qemu: {
    pv: "9.2.0",
    license: "GPL-2.0-only & LGPL-2.1-only",
    upstream: "https://download.qemu.org/qemu-9.2.0.tar.xz",
  },
  libvirt: {
    pv: "11.1.0",
    license: "LGPL-2.1-or-later & GPL-2.0-or-later",
    upstream: "gitsm://gitlab.com/libvirt/libvirt.git",
  },
  "xen-tools": {
    pv: "4.20.0",
    license: "GPL-2.0-only & LGPL-2.1-only",
    upstream: "git://xenbits.xen.org/git-http/xen.git",
  },
};
const GO_RECIPES = Object.keys(RECIPES).filter((pn) => RECIPES[pn]?.go);

// The names a recipe's git sources take their revisions from (SRCREV_<name=>, else SRCREV).
const SOURCE_NAMES = ["crun", "libocispec", "rspec", "ispec", "yajl", "moby", "cli"];
const VARS = [
  "PV",
  "LICENSE",
  "LIC_FILES_CHKSUM",
  "HOMEPAGE",
  "SUMMARY",
  "SRC_URI",
  "SRC_URI[sha256sum]",
  "SRCREV",
  ...SOURCE_NAMES.map((n) => `SRCREV_${n}`),
  "DEPENDS",
  "GOOS",
  "GOARCH",
  "GOFLAGS",
  "CGO_ENABLED",
  "XEN_TARGET_ARCH",
];

type Values = Record<string, string | null>;
interface QueryLine {
  file: string;
  pn?: string;
  values?: Values;
  skipped?: string;
}

/** `kiln query --all` of VARS: the recipes parsed (by PN) and the skipped ones (by file). */
async function queryAll(): Promise<{ recipes: Map<string, Values>; skipped: Map<string, string> }> {
  const r = await kiln("query", "--all", ...VARS);
  assert.equal(r.status, 0, r.out);
  const recipes = new Map<string, Values>();
  const skipped = new Map<string, string>();
  for (const line of r.out.split("\n")) {
    if (!line.startsWith("{")) continue;
    const q = JSON.parse(line) as QueryLine;
    if (q.skipped !== undefined) skipped.set(path.basename(q.file), q.skipped);
    else if (q.pn && q.values) recipes.set(q.pn, q.values);
  }
  return { recipes, skipped };
}

function checkRecipe(pn: string, v: Values | undefined): void {
  const want = RECIPES[pn];
  assert.ok(want && v, `${pn} parsed`);
  assert.equal(v.PV, want.pv, `${pn} PV`);
  assert.equal(v.LICENSE, want.license, `${pn} LICENSE`);
  assert.match(v.HOMEPAGE ?? "", /^https:\/\/\S+$/, `${pn} HOMEPAGE`);
  assert.ok((v.SUMMARY ?? "").length > 10, `${pn} SUMMARY`);

  // Every license file is named with the md5 of its text at this version.
  const licenses = (v.LIC_FILES_CHKSUM ?? "").split(/\s+/).filter(Boolean);
  assert.ok(licenses.length > 0, `${pn} LIC_FILES_CHKSUM is set`);
  for (const entry of licenses)
    assert.match(entry, /^file:\/\/[^;]+(;[^;]+)*;md5=[0-9a-f]{32}$/, `${pn}: ${entry}`);

  const urls = (v.SRC_URI ?? "").split(/\s+/).filter(Boolean);
  assert.ok(
    urls[0]?.startsWith(`${want.upstream};`) || urls[0] === want.upstream,
    `${pn} SRC_URI: ${v.SRC_URI}`,
  );
  for (const url of urls) {
    const [base = "", ...params] = url.split(";");
    const param = (k: string) => params.find((p) => p.startsWith(`${k}=`))?.slice(k.length + 1);
    if (/^git(sm)?:\/\//.test(base)) {
      // A pinned commit on a named branch, fetched over https.
      const name = param("name");
      const rev = (name ? v[`SRCREV_${name}`] : undefined) ?? v.SRCREV;
      assert.match(rev ?? "", /^[0-9a-f]{40}$/, `${pn}: the revision of ${url}`);
      assert.ok(param("branch"), `${pn}: ${url} names its branch`);
      assert.equal(param("protocol"), "https", `${pn}: ${url}`);
    } else {
      assert.match(base, /^https:\/\//, `${pn}: ${url}`);
      assert.match(v["SRC_URI[sha256sum]"] ?? "", /^[0-9a-f]{64}$/, `${pn}: the tarball's sha256sum`);
    }
  }
}

test("the source recipes parse with their upstream versions, sources and licenses", async () => {
  const p = await kiln("parse");
  assert.equal(p.status, 0, p.out);
  assert.match(p.out, / 0 errors\./);

  const { recipes, skipped } = await queryAll();
  for (const pn of Object.keys(RECIPES)) {
    if (pn !== "xen-tools") checkRecipe(pn, recipes.get(pn));
  }
  // Nothing of the container and VM tools needs a distribution feature but Xen's.
  assert.deepEqual(
    [...skipped.keys()].filter((f) => !f.endsWith("-debian.bb")),
    ["xen-tools_4.20.0.bb"],
  );
  assert.match(skipped.get("xen-tools_4.20.0.bb") ?? "", /missing required distro feature 'xen'/);
  for (const pn of GO_RECIPES) {
    const v = recipes.get(pn) ?? {};
    assert.equal(v.GOOS, "linux", pn);
    assert.equal(v.GOARCH, "amd64", pn);
    assert.equal(v.CGO_ENABLED, "1", pn);
    // docker's two repositories describe their vendored modules in vendor.mod: no -mod=vendor.
    assert.equal(v.GOFLAGS, pn === "docker-moby" ? "-trimpath" : "-trimpath -mod=vendor", pn);
  }
  // libvirt's Xen driver only comes with Xen.
  assert.doesNotMatch(recipes.get("libvirt")?.DEPENDS ?? "", /xen-tools/);
});

test("xen-tools parses once DISTRO_FEATURES has 'xen', and libvirt then builds its Xen driver", async () => {
  localConf('DISTRO_FEATURES:append = " xen"');
  try {
    const { recipes, skipped } = await queryAll();
    assert.ok(!skipped.has("xen-tools_4.20.0.bb"), skipped.get("xen-tools_4.20.0.bb"));
    checkRecipe("xen-tools", recipes.get("xen-tools"));
    assert.equal(recipes.get("xen-tools")?.XEN_TARGET_ARCH, "x86_64");
    assert.match(recipes.get("libvirt")?.DEPENDS ?? "", /\bxen-tools\b/);
  } finally {
    localConf();
  }
});

test("with MACHINE = qemuarm64 the Go recipes build for arm64", async () => {
  localConf('MACHINE = "qemuarm64"', 'DISTRO_FEATURES:append = " xen"');
  try {
    const { recipes } = await queryAll();
    for (const pn of GO_RECIPES) {
      assert.equal(recipes.get(pn)?.GOARCH, "arm64", pn);
      assert.equal(recipes.get(pn)?.PV, RECIPES[pn]?.pv, pn);
    }
    assert.equal(recipes.get("xen-tools")?.XEN_TARGET_ARCH, "arm64");
  } finally {
    localConf();
  }
});

test("recipes whose dependencies kiln has resolve to a task graph", async () => {
  for (const pn of ["cni", "umoci"]) {
    const r = await kiln("graph", pn);
    assert.equal(r.status, 0, r.out);
    const list = readFileSync(path.join(dir, "pn-buildlist"), "utf8").split("\n");
    assert.ok(list.includes(pn) && list.includes("glibc-debian"), list.join(" "));
  }
  // The others stop at a library kiln's core layer has no recipe for yet, named as BitBake does.
  const r = await kiln("graph", "runc");
  assert.equal(r.status, 1);
  assert.match(r.out, /ERROR: Nothing PROVIDES 'libseccomp' \(but \S+runc_1\.3\.0-rc\.1\.bb DEPENDS on/);
});

test("the source recipes provide crun and runc unless PREFERRED_PROVIDER picks Debian's", async () => {
  for (const pn of ["crun", "runc"]) {
    const r = await kiln("query", "-r", pn, "PN");
    assert.equal(r.status, 0, r.out);
    assert.equal(r.out.trim(), `PN="${pn}"`);
  }
  localConf('PREFERRED_PROVIDER_crun = "crun-debian"');
  try {
    const q = await kiln("query", "-r", "crun", "PN", "FILE");
    assert.equal(q.status, 0, q.out);
    assert.match(q.out, /^PN="crun-debian"$/m);
    assert.match(q.out, /crun-debian\.bb"$/m);
    // The graph has Debian's crun and not the source recipe. (Like BitBake, kiln still reports the
    // build dependencies of the provider it did not choose, which kiln's core layer lacks.)
    const g = await kiln("graph", "crun");
    const list = readFileSync(path.join(dir, "pn-buildlist"), "utf8").split("\n");
    assert.ok(list.includes("crun-debian"), g.out);
    assert.ok(!list.includes("crun"), list.join(" "));
    const dot = readFileSync(path.join(dir, "task-depends.dot"), "utf8");
    assert.match(dot, /"crun-debian\.do_build"/);
    assert.doesNotMatch(dot, /"crun\.do_/);
  } finally {
    localConf();
  }
});

test("without KILN_VIRT_FROM_SOURCE the source recipes are masked and Debian's builds provide the names", async () => {
  write(
    "conf/local.conf",
    `DEBIAN_PACKAGES_DIR = "${EXAMPLE_DEBS}"\nDISTRO_FEATURES:append = " virtualization kvm"\n`,
  );
  try {
    const p = await kiln("parse");
    assert.equal(p.status, 0, p.out);
    assert.match(p.out, / 13 masked, 0 errors\.$/m);
    for (const pn of ["crun", "runc"]) {
      const g = await kiln("graph", pn);
      assert.equal(g.status, 0, g.out);
      assert.doesNotMatch(g.out, /Nothing PROVIDES/);
      const list = readFileSync(path.join(dir, "pn-buildlist"), "utf8").split("\n");
      assert.ok(list.includes(`${pn}-debian`) && !list.includes(pn), list.join(" "));
    }
  } finally {
    localConf();
  }
});

test("the go class says clearly when there is no Go toolchain", async () => {
  localConf('GO = "kiln-test-no-such-go"');
  try {
    const r = await kiln("build", "-c", "configure", "go-probe");
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /go-probe is written in Go .* 'kiln-test-no-such-go' was not found on PATH/s);
  } finally {
    localConf();
  }
});

test("the go class builds with go build for the target and installs the programs", async () => {
  localConf(`GO = "${dir}/fake-go"`, 'MACHINE = "qemuarm64"');
  try {
    const r = await kiln("build", "-c", "install", "go-probe");
    assert.equal(r.status, 0, r.out);
    const log = readFileSync(calls, "utf8");
    const work = path.join(dir, "tmp/work/aarch64-kiln-linux/go-probe/0.3");
    assert.match(
      log,
      /^args: build -tags netgo -ldflags -X main\.version=0\.3 -o \S+\/bin\/ \.\/cmd\/probe$/m,
    );
    assert.match(
      log,
      /^env: GOOS=linux GOARCH=arm64 CGO_ENABLED=1 GOFLAGS=-trimpath -mod=vendor GOPROXY=off GOTOOLCHAIN=local CC=aarch64-linux-gnu-gcc$/m,
    );
    assert.ok(log.includes(`paths: GOPATH=${work}/go GOCACHE=${work}/go-cache`), log);
    assert.ok(existsSync(path.join(work, "image/usr/bin/probe")), "installed into /usr/bin");
  } finally {
    localConf();
  }
});
