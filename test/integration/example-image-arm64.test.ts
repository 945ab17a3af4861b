// The example for MACHINE = "qemuarm64": meta-kiln and meta-kiln-example cross-compile
// kiln-image-minimal with Debian's aarch64-linux-gnu toolchain, import the arm64 Debian packages
// (libc6, busybox-static, a cloud kernel), package it with the cross binutils, and the image boots
// under qemu-system-aarch64 (TCG, virt board). Needs what scripts/setup-example.sh installs and
// downloads (CI runs it): without it the tests fail and say so.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { EXAMPLE_DEBS, runKiln, writeExampleBuildDir } from "../helpers/builddir.js";
import { requirePrograms } from "../helpers/tools.js";

before(() => requirePrograms("readelf", "qemu-system-aarch64", "aarch64-linux-gnu-gcc"));

const debs = EXAMPLE_DEBS;
const root = mkdtempSync(path.join(os.tmpdir(), "kiln-example-arm64-"));
after(() => rmSync(root, { recursive: true, force: true }));

const dir = writeExampleBuildDir(path.join(root, "build"), "qemuarm64");
const images = path.join(dir, "tmp/deploy/images/qemuarm64");
const feed = path.join(dir, "tmp/deploy/ipk/aarch64");

/** What scripts/setup-example.sh provides that is missing: arm64 .debs, cross compiler, QEMU. */
function missing(): string[] {
  const names = existsSync(debs) ? readdirSync(debs) : [];
  const out: string[] = [];
  for (const pkg of ["busybox-static_", "libc6_", "linux-image-"]) {
    if (!names.some((n) => n.startsWith(pkg) && n.endsWith("_arm64.deb")))
      out.push(`${debs}/${pkg}*_arm64.deb`);
  }
  for (const tool of ["aarch64-linux-gnu-gcc", "aarch64-linux-gnu-strip", "qemu-system-aarch64"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) out.push(tool);
  }
  return out;
}

function assertPrerequisites(): void {
  const absent = missing();
  assert.deepEqual(
    absent,
    [],
    `missing ${absent.join(", ")}: run scripts/setup-example.sh (as root, online)`,
  );
}

function kiln(...args: string[]): Promise<{ status: number | null; out: string }> {
  return runKiln(dir, args);
}

/** A shell pipeline's standard output. */
function sh(script: string): string {
  return execFileSync("sh", ["-c", script], { encoding: "utf8" });
}

test("the arm64 Debian packages and the cross tools are there (scripts/setup-example.sh)", () => {
  assertPrerequisites();
});

test("kiln-image-minimal cross-compiles for qemuarm64 into aarch64 packages and images", async () => {
  assertPrerequisites();
  const r = await kiln("build", "kiln-image-minimal");
  assert.equal(r.status, 0, r.out);
  for (const file of [
    "kiln-image-minimal-qemuarm64.cpio.gz",
    "kiln-image-minimal-qemuarm64.ext4",
    "kiln-image-minimal-qemuarm64.tar.zst",
    "Image-qemuarm64",
  ])
    assert.ok(existsSync(path.join(images, file)), file);
  assert.match(
    execFileSync("file", ["-b", path.join(images, "Image-qemuarm64")], { encoding: "utf8" }),
    /ARM64 boot executable Image/,
  );

  const ipk = path.join(feed, "hello_1.0-r0_aarch64.ipk");
  const control = sh(`ar p '${ipk}' control.tar.gz | tar -xzO ./control`);
  assert.match(control, /^Architecture: aarch64$/m);
  assert.match(control, /^Depends: .*glibc-debian/m, "libc.so.6 found in the arm64 libc6 import");

  // The packaged binary: AArch64, stripped by the cross binutils, debug information in hello-dbg.
  const hello = path.join(root, "hello");
  sh(`ar p '${ipk}' data.tar.gz | tar -xzO ./usr/bin/hello > '${hello}'`);
  const fileOut = execFileSync("file", ["-b", hello], { encoding: "utf8" });
  assert.match(fileOut, /ELF 64-bit LSB .*ARM aarch64/, fileOut);
  assert.match(fileOut, /interpreter \/lib\/ld-linux-aarch64\.so\.1/, fileOut);
  assert.match(fileOut, /, stripped/, fileOut);
  assert.match(execFileSync("readelf", ["-h", hello], { encoding: "utf8" }), /Machine:\s+AArch64/);
  const dbg = sh(`ar p '${ipk.replace("hello_", "hello-dbg_")}' data.tar.gz | tar -tz`);
  assert.match(dbg, /usr\/lib\/debug\/usr\/bin\/hello\.debug/);

  // The static PID 1, the C library's loader and busybox's applet links (read from the arm64
  // binary, which cannot run here).
  const init = path.join(root, "init");
  sh(
    `ar p '${path.join(feed, "kiln-init_1.0-r0_aarch64.ipk")}' data.tar.gz | tar -xzO ./sbin/init > '${init}'`,
  );
  assert.match(execFileSync("file", ["-b", init], { encoding: "utf8" }), /ARM aarch64.*statically linked/);
  const libc = readdirSync(feed).find((n) => n.startsWith("glibc-debian_"));
  assert.ok(libc, "glibc-debian package");
  assert.match(
    sh(`ar p '${path.join(feed, libc)}' data.tar.gz | tar -tz`),
    /^\.\/lib\/ld-linux-aarch64\.so\.1$/m,
  );
  const busybox = readdirSync(feed).find((n) => n.startsWith("busybox-debian_"));
  assert.ok(busybox, "busybox-debian package");
  const links = sh(`ar p '${path.join(feed, busybox)}' data.tar.gz | tar -tz`);
  for (const applet of ["sh", "ls", "mount", "cat"])
    assert.match(links, new RegExp(`^\\./bin/${applet}$`, "m"));
});

test("the qemuarm64 image boots under qemu-system-aarch64 and runs the programs built from source", async () => {
  assertPrerequisites();
  const r = await kiln(
    "runqemu",
    "kiln-image-minimal",
    "--timeout",
    "180",
    "--marker",
    "KILN-STATUS",
    "kiln.poweroff_when_done=1",
  );
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /^hello from the kiln quickstart/m, "hello (C, dynamically linked) ran");
  assert.match(r.out, /^KILN-STATUS: host=qemuarm64 kernel=\S+ arch=aarch64 /m, "kiln-status (CMake) ran");
  assert.match(r.out, /KILN-INIT: powering off/);
});
