// The example end to end (issue: from source to a bootable image, offline): meta-kiln and
// meta-kiln-example build kiln-image-minimal from C sources, Debian imports (libc6,
// busybox-static, a kernel) and a CMake program; two clean builds in different build directories
// give bit-identical packages and images; the image boots under QEMU and runs the programs built
// from source. Needs the Debian packages scripts/setup-example.sh downloads (CI runs it).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { EXAMPLE_DEBS, runKiln, writeExampleBuildDir } from "../helpers/builddir.js";
import { requirePrograms } from "../helpers/tools.js";

before(() => requirePrograms("e2fsck", "ar", "qemu-system-x86_64"));

const debs = EXAMPLE_DEBS;
const root = mkdtempSync(path.join(os.tmpdir(), "kiln-example-"));
after(() => rmSync(root, { recursive: true, force: true }));

function buildDir(name: string): string {
  return writeExampleBuildDir(path.join(root, name), "qemux86-64");
}

function kiln(dir: string, ...args: string[]): Promise<{ status: number | null; out: string }> {
  return runKiln(dir, args);
}

/** sha256 of every package and image a build deployed, by name. */
function artifacts(dir: string): Record<string, string> {
  const deploy = path.join(dir, "tmp/deploy");
  const out: Record<string, string> = {};
  for (const rel of readdirSync(deploy, { recursive: true, encoding: "utf8" }).sort()) {
    if (!/\.(ipk|cpio\.gz|ext4|tar\.zst|wic|wic\.json)$/.test(rel)) continue;
    out[rel] = createHash("sha256")
      .update(readFileSync(path.join(deploy, rel)))
      .digest("hex");
  }
  return out;
}

const first = buildDir("a");

test("the Debian packages the example imports were downloaded (scripts/setup-example.sh)", () => {
  assert.ok(existsSync(debs), `${debs} is missing: run scripts/setup-example.sh`);
  const names = readdirSync(debs);
  for (const pkg of ["busybox-static_", "libc6_", "linux-image-"]) {
    assert.ok(
      names.some((n) => n.startsWith(pkg)),
      `no ${pkg}*.deb in ${debs}`,
    );
  }
});

test("kiln-image-minimal builds from nothing, with packages a package tool accepts", async () => {
  const r = await kiln(first, "build", "kiln-image-minimal");
  assert.equal(r.status, 0, r.out);
  const images = path.join(first, "tmp/deploy/images/qemux86-64");
  for (const file of [
    "kiln-image-minimal-qemux86-64.cpio.gz",
    "kiln-image-minimal-qemux86-64.ext4",
    "vmlinuz-qemux86-64",
  ])
    assert.ok(existsSync(path.join(images, file)), file);
  execFileSync("e2fsck", ["-fn", path.join(images, "kiln-image-minimal-qemux86-64.ext4")], {
    stdio: "ignore",
  });
  const ipk = path.join(first, "tmp/deploy/ipk/x86_64/hello_1.0-r0_x86_64.ipk");
  assert.deepEqual(execFileSync("ar", ["t", ipk], { encoding: "utf8" }).split("\n").filter(Boolean), [
    "debian-binary",
    "control.tar.gz",
    "data.tar.gz",
  ]);
  const control = execFileSync("sh", ["-c", `ar p '${ipk}' control.tar.gz | tar -xzO ./control`], {
    encoding: "utf8",
  });
  assert.match(control, /^Package: hello$/m);
  assert.match(control, /^Depends: .*glibc-debian/m, "shared-library dependency added automatically");
  const dbg = execFileSync(
    "sh",
    ["-c", `ar p '${ipk.replace("hello_", "hello-dbg_")}' data.tar.gz | tar -tz`],
    {
      encoding: "utf8",
    },
  );
  assert.match(dbg, /usr\/lib\/debug\/usr\/bin\/hello\.debug/);
  // kiln-status's pkg_postinst_ontarget waits for the target's first boot, with what runs it.
  const rootfs = execFileSync(
    "tar",
    ["--zstd", "-tf", path.join(images, "kiln-image-minimal-qemux86-64.tar.zst")],
    {
      encoding: "utf8",
    },
  );
  assert.match(rootfs, /^\.\/etc\/kiln-postinsts\/\d+-kiln-status$/m);
  assert.match(rootfs, /^\.\/usr\/sbin\/kiln-run-postinsts$/m);
  assert.match(rootfs, /^\.\/etc\/kiln\/services\.d\/00-kiln-run-postinsts\.oneshot$/m);
  const rootfsLog = path.join(first, "tmp/work/x86_64-kiln-linux/kiln-image-minimal/1.0/temp/log.do_rootfs");
  assert.match(readFileSync(rootfsLog, "utf8"), /postinst of kiln-status asks to run on the target/);
});

test("its wic disk: a GPT sgdisk verifies, an ESP and a root partition fsck finds clean", () => {
  const images = path.join(first, "tmp/deploy/images/qemux86-64");
  const disk = path.join(images, "kiln-image-minimal-qemux86-64.wic");
  assert.match(execFileSync("sgdisk", ["-v", disk], { encoding: "utf8" }), /No problems found/);
  const layout = JSON.parse(readFileSync(`${disk.slice(0, -4)}.wic.json`, "utf8")) as {
    kernelCommandLine: string;
    partitions: Array<{ mountpoint: string; start: number; size: number; uuid: string }>;
  };
  const rootPart = layout.partitions.find((p) => p.mountpoint === "/")!;
  assert.equal(layout.kernelCommandLine, `root=PARTUUID=${rootPart.uuid} rootwait rw`);
  const extracted = path.join(root, "root.ext4");
  execFileSync(
    "dd",
    [
      `if=${disk}`,
      `of=${extracted}`,
      "bs=512",
      `skip=${rootPart.start / 512}`,
      `count=${rootPart.size / 512}`,
    ],
    {
      stdio: "ignore",
    },
  );
  execFileSync("e2fsck", ["-fn", extracted], { stdio: "ignore" });
  const fstab = execFileSync("debugfs", ["-R", "cat /etc/fstab", extracted], { encoding: "utf8" });
  assert.match(fstab, /^UUID=[0-9A-F]{4}-[0-9A-F]{4}\t\/boot\tvfat\tdefaults\t0\t0$/m);
  assert.match(
    execFileSync("debugfs", ["-R", "stat /usr/bin/hello", extracted], { encoding: "utf8" }),
    /User:\s+0\s+Group:\s+0/,
  );
});

test("a second clean build elsewhere gives bit-identical packages and images", async () => {
  const second = buildDir("b");
  const r = await kiln(second, "build", "kiln-image-minimal");
  assert.equal(r.status, 0, r.out);
  const a = artifacts(first);
  assert.ok(Object.keys(a).length >= 8, JSON.stringify(a));
  assert.deepEqual(artifacts(second), a);
});

test("the image boots under QEMU and runs the programs built from source", async () => {
  const r = await kiln(
    first,
    "runqemu",
    "kiln-image-minimal",
    "--timeout",
    "120",
    "--marker",
    "KILN-STATUS",
    "kiln.poweroff_when_done=1",
  );
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /^hello from the kiln quickstart/m, "hello (C, dynamically linked) ran");
  assert.match(r.out, /^KILN-STATUS: host=qemux86-64 kernel=\S+ arch=x86_64/m, "kiln-status (CMake) ran");
  assert.match(r.out, /^KILN-FIRSTBOOT: kiln-status configured on x86_64/m, "its postinst ran at first boot");
  assert.match(r.out, /KILN-INIT: powering off/);
});

test("the wic disk boots from its root partition (root=PARTUUID=..., the kernel given to QEMU)", async () => {
  const r = await kiln(
    first,
    "runqemu",
    "kiln-image-minimal",
    "--fstype",
    "wic",
    "--timeout",
    "180",
    "--marker",
    "KILN-STATUS",
    "kiln.poweroff_when_done=1",
  );
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /^KILN-STATUS: host=qemux86-64 kernel=\S+ arch=x86_64/m);
  assert.match(
    r.out,
    /^KILN-FIRSTBOOT: kiln-status configured on x86_64/m,
    "first-boot scripts ran on the disk root",
  );
  assert.match(r.out, /KILN-INIT: powering off/);
});

test("a .wks.in is expanded with the image's variables; a bad kickstart fails the build with its line, no traceback", async () => {
  const local = path.join(first, "conf/local.conf");
  const template = path.join(first, "disk.wks.in");
  writeFileSync(
    template,
    '# msdos this time\nbootloader --append "${KILN_TEST_APPEND}${KILN_UNSET}"\npart / --source rootfs --fstype ext4 --label ${MACHINE} --use-uuid\n',
  );
  appendFileSync(local, `WKS_FILE = "${template}"\nKILN_TEST_APPEND = "kiln.from_template=1"\n`);
  const r = await kiln(first, "build", "kiln-image-minimal");
  assert.equal(r.status, 0, r.out);
  const images = path.join(first, "tmp/deploy/images/qemux86-64");
  const layout = JSON.parse(
    readFileSync(path.join(images, "kiln-image-minimal-qemux86-64.wic.json"), "utf8"),
  ) as {
    ptable: string;
    diskId: string;
    kernelCommandLine: string;
  };
  assert.equal(layout.ptable, "msdos");
  assert.equal(layout.kernelCommandLine, `root=PARTUUID=${layout.diskId}-01 kiln.from_template=1`);
  const dump = execFileSync("sfdisk", ["--dump", path.join(images, "kiln-image-minimal-qemux86-64.wic")], {
    encoding: "utf8",
  });
  assert.match(dump, /^label: dos$/m);

  const bad = path.join(first, "bad.wks");
  writeFileSync(bad, "bootloader --ptable gpt\npart / --source rootfs --fstype ext4 --sise 10\n");
  appendFileSync(local, `WKS_FILE = "${bad}"\n`);
  const failed = await kiln(first, "build", "kiln-image-minimal");
  assert.equal(failed.status, 1, failed.out);
  assert.match(failed.out, new RegExp(`${bad}:2: unknown option --sise for part`));
  assert.doesNotMatch(failed.out, /Traceback|^\s+at /m);
});
