// meta-kiln-virt's containers: the DISTRO_FEATURES warning, recipes skipped without 'kvm', an
// OCI container image of the example's hello program (accepted by skopeo and umoci; its program
// runs from the unpacked bundle), and the system test: a container host image with Debian's crun
// (imported with its libraries) boots under QEMU and runs its bundled container at boot.
// Needs the Debian packages scripts/setup-example.sh downloads, skopeo/umoci and
// qemu-system-x86_64 (CI installs them).

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { EXAMPLE_DEBS, REPO, runKiln } from "../helpers/builddir.js";
import { requirePrograms } from "../helpers/tools.js";

const repo = REPO;
const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-virt-"));
after(() => {
  if (!process.env.KILN_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
});

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

const layers = ["meta-kiln", "meta-kiln-example", "meta-kiln-virt"]
  .map((l) => `${repo}/layers/${l}`)
  .join(" ");
write(
  "conf/bblayers.conf",
  `BBPATH = "\${TOPDIR}"\nBBFILES ?= ""\nBBLAYERS = "${layers} \${TOPDIR}/meta-host"\n`,
);
const localConf = `DEBIAN_PACKAGES_DIR = "${EXAMPLE_DEBS}"\n`;
write("conf/local.conf", localConf);
write(
  "meta-host/conf/layer.conf",
  'BBPATH .= ":${LAYERDIR}"\nBBFILES += "${LAYERDIR}/recipes/*/*.bb"\nBBFILE_COLLECTIONS += "host"\nBBFILE_PATTERN_host = "^${LAYERDIR}/"\nLAYERSERIES_COMPAT_host = "kiln"\n',
);
// The host carries no program of its own beyond the runtime: the probe prints from inside the
// container, with facts only a container shows (it is PID 1, its host name is the container's).
write(
  "meta-host/recipes/host/container-host-image.bb",
  [
    'LICENSE = "MIT"',
    "inherit core-image container-host",
    'IMAGE_INSTALL = ""',
    'BUNDLED_CONTAINERS = "probe-container:autostart kiln-container-hello"',
    'IMAGE_FSTYPES = "cpio.gz tar.zst"',
    "",
  ].join("\n"),
);
write(
  "meta-host/recipes/host/files/probe",
  '#!/bin/sh\necho "INSIDE-CONTAINER pid=$$ host=$(hostname) uid=$(id -u) arg=$1 env=$PROBE_GREETING"\n',
);
write(
  "meta-host/recipes/host/probe_1.0.bb",
  [
    'LICENSE = "MIT"',
    'SRC_URI = "file://probe"',
    'S = "${UNPACKDIR}"',
    'do_configure[noexec] = "1"',
    'do_compile[noexec] = "1"',
    "do_install () {",
    "    install -D -m 0755 ${S}/probe ${D}${bindir}/probe",
    "}",
    'RDEPENDS:${PN} = "busybox"',
    "",
  ].join("\n"),
);
write(
  "meta-host/recipes/host/probe-container.bb",
  [
    'LICENSE = "MIT"',
    "inherit image",
    'IMAGE_INSTALL = "base-files probe"',
    'IMAGE_FSTYPES = "oci"',
    'OCI_IMAGE_ENTRYPOINT = "/usr/bin/probe"',
    'OCI_IMAGE_ENTRYPOINT_ARGS = "from-the-image"',
    'OCI_IMAGE_ENV_VARS = "PROBE_GREETING=hi"',
    "",
  ].join("\n"),
);

// A KVM host carrying the example image as its guest, built in multiconfig "guest".
write(
  "meta-host/recipes/host/kvm-host-image.bb",
  [
    'LICENSE = "MIT"',
    "inherit core-image kvm-host",
    'IMAGE_INSTALL = ""',
    'KVM_GUESTS = "guest:kiln-image-minimal"',
    // The build machine's QEMU starts the guest in the test; the target's QEMU is not built here.
    'KVM_HOST_HYPERVISOR = ""',
    'KVM_GUEST_CMDLINE = "${QB_KERNEL_CMDLINE} kiln.poweroff_when_done=1"',
    'IMAGE_FSTYPES = "tar.zst"',
    "",
  ].join("\n"),
);
write("conf/multiconfig/guest.conf", 'TMPDIR = "${TOPDIR}/tmp-guest"\n');

function kiln(...args: string[]): Promise<{ status: number | null; out: string }> {
  return runKiln(dir, args);
}

test("without 'virtualization' in DISTRO_FEATURES the layer says so, and 'kvm' recipes are skipped", async () => {
  const r = await kiln("parse");
  assert.equal(r.status, 0, r.out);
  assert.match(
    r.out,
    /WARNING: The meta-kiln-virt layer is included but DISTRO_FEATURES does not contain 'virtualization'/,
  );
  const k = await kiln("build", "kiln-kvm-host-config");
  assert.equal(k.status, 1);
  assert.match(
    k.out,
    /kiln-kvm-host-config was skipped: missing required distro feature 'kvm' \(not in DISTRO_FEATURES\)/,
  );
});

const virtConf = `${localConf}DISTRO_FEATURES:append = " virtualization kvm"\nPREFERRED_PROVIDER_crun = "crun-debian"\n`;
const deploy = path.join(dir, "tmp/deploy/images/qemux86-64");

test("a container host image carries OCI images, unpacked bundles and crun with its libraries", async () => {
  requirePrograms("skopeo", "umoci");
  write("conf/local.conf", virtConf);
  const quiet = await kiln("parse");
  assert.doesNotMatch(quiet.out, /meta-kiln-virt layer is included/);
  const r = await kiln("build", "container-host-image", "kiln-kvm-host-config");
  assert.equal(r.status, 0, r.out);
  assert.doesNotMatch(r.out, /lacks what containers need/, "Debian's kernel has what containers need");

  const layout = path.join(deploy, "kiln-container-hello-qemux86-64.oci");
  const inspect = JSON.parse(
    execFileSync("skopeo", ["inspect", `oci:${layout}:latest`], { encoding: "utf8" }),
  ) as {
    Architecture: string;
    Labels: Record<string, string>;
  };
  assert.equal(inspect.Architecture, "amd64");
  assert.equal(inspect.Labels["org.opencontainers.image.title"], "kiln-container-hello");
  // umoci unpacks it; the container's own loader and C library run its program.
  const bundle = path.join(dir, "bundle");
  execFileSync("umoci", ["unpack", "--rootless", "--image", `${layout}:latest`, bundle], { stdio: "ignore" });
  const runtime = JSON.parse(readFileSync(path.join(bundle, "config.json"), "utf8")) as {
    process: { args: string[] };
  };
  assert.deepEqual(runtime.process.args, ["/usr/bin/hello"]);
  const rootfs = path.join(bundle, "rootfs");
  const loader = path.join(rootfs, "lib64/ld-linux-x86-64.so.2");
  assert.ok(existsSync(loader), "the C library came with the program");
  const greeting = execFileSync(
    loader,
    [
      "--library-path",
      `${rootfs}/lib/x86_64-linux-gnu:${rootfs}/usr/lib/x86_64-linux-gnu`,
      `${rootfs}/usr/bin/hello`,
    ],
    { encoding: "utf8" },
  );
  assert.equal(greeting, "hello from the kiln quickstart\n");

  const host = path.join(deploy, "container-host-image-qemux86-64.tar.zst");
  const listing = execFileSync("tar", ["--zstd", "-tvf", host], { encoding: "utf8" });
  const store = "./var/lib/kiln/containers";
  for (const name of ["probe-container", "kiln-container-hello"]) {
    assert.match(listing, new RegExp(`${store}/${name}/image/index\\.json$`, "m"));
    assert.match(listing, new RegExp(` 0/0 .* ${store}/${name}/bundle/config\\.json$`, "m"));
  }
  assert.match(listing, new RegExp(`${store}/kiln-container-hello/bundle/rootfs/usr/bin/hello$`, "m"));
  assert.doesNotMatch(listing, / \.\/usr\/bin\/hello$/m, "the host has no hello of its own");
  // crun from Debian, with the libraries resolved from the package metadata (libsystemd0's own
  // dependencies too), the C library left to glibc-debian.
  assert.match(listing, / \.\/usr\/bin\/crun$/m);
  for (const lib of [
    "libyajl.so.2",
    "libseccomp.so.2",
    "libsystemd.so.0",
    "libgcrypt.so.20",
    "liblz4.so.1",
  ]) {
    assert.match(listing, new RegExp(`/x86_64-linux-gnu/${lib.replace(/\./g, "\\.")}( -> |$)`, "m"), lib);
  }
  const imported = await kiln("query", "-r", "crun-debian", "DEBIAN_IMPORT_PACKAGES");
  assert.match(imported.out, /DEBIAN_IMPORT_PACKAGES="crun [^"]*libgpg-error0/);
  assert.doesNotMatch(imported.out, /libc6/);
  const spec = JSON.parse(
    execFileSync("tar", ["--zstd", "-xOf", host, `${store}/probe-container/bundle/config.json`], {
      encoding: "utf8",
    }),
  ) as { process: { args: string[]; env: string[] }; hostname: string; root: { path: string } };
  assert.deepEqual(spec.process.args, ["/usr/bin/probe", "from-the-image"]);
  assert.ok(spec.process.env.includes("PROBE_GREETING=hi"));
  assert.equal(spec.hostname, "probe-container");
  const autostart = execFileSync("tar", ["--zstd", "-xOf", host, "./etc/kiln/containers.autostart"], {
    encoding: "utf8",
  });
  assert.equal(autostart, "probe-container\n");

  const fragments = path.join(
    dir,
    "tmp/work/x86_64-kiln-linux/kiln-kvm-host-config/1.0/image/usr/share/kiln/kernel-fragments",
  );
  assert.ok(existsSync(path.join(fragments, "kvm-host.cfg")));
});

test("the container host boots under QEMU and runs its container with crun", async () => {
  const r = await kiln(
    "runqemu",
    "container-host-image",
    "--timeout",
    "180",
    "--marker",
    "INSIDE-CONTAINER",
    "kiln.poweroff_when_done=1",
  );
  assert.equal(r.status, 0, r.out);
  // PID 1 of its own PID namespace, its own host name, the image's arguments and environment.
  assert.match(r.out, /^INSIDE-CONTAINER pid=1 host=probe-container uid=0 arg=from-the-image env=hi\r?$/m);
  assert.match(r.out, /kiln-container: probe-container exited with status 0/);
  assert.doesNotMatch(r.out, /kiln-container-hello/, "only autostart containers start");
});

test("a kernel lacking an option the container fragments ask for gets a warning naming it", async () => {
  write("meta-host/strict.cfg", "CONFIG_KILN_TEST_CONTAINER_FEATURE=y\nCONFIG_NAMESPACES=y\n");
  write(
    "conf/local.conf",
    `${virtConf}CONTAINER_HOST_KERNEL_FRAGMENTS:append = " \${TOPDIR}/meta-host/strict.cfg"\n`,
  );
  const r = await kiln("build", "container-host-image");
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /WARNING: .*lacks what containers need: .*1 missing/);
  assert.match(r.out, /CONFIG_KILN_TEST_CONTAINER_FEATURE: missing/);
});

test("a KVM host image carries a guest built in another multiconfig, with its launcher and libvirt domain", async () => {
  write("conf/local.conf", `${virtConf}BBMULTICONFIG = "guest"\n`);
  const r = await kiln("build", "kvm-host-image");
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /mc:guest:kiln-image-minimal:do_image/, "the guest image is built in its multiconfig");
  assert.doesNotMatch(r.out, /lacks what KVM hosts need/, "Debian's kernel has what KVM hosts need");
  assert.ok(
    existsSync(path.join(dir, "tmp-guest/deploy/images/qemux86-64/kiln-image-minimal-qemux86-64.cpio.gz")),
  );

  const host = path.join(deploy, "kvm-host-image-qemux86-64.tar.zst");
  const unpacked = path.join(dir, "kvm-host-rootfs");
  mkdirSync(unpacked, { recursive: true });
  execFileSync("tar", ["--zstd", "-xf", host, "-C", unpacked]);
  const vm = path.join(unpacked, "var/lib/kiln/vms/kiln-image-minimal");
  for (const f of ["kernel", "initrd", "vm.conf", "domain.xml"]) assert.ok(existsSync(path.join(vm, f)), f);
  // The guest's files are the guest configuration's own builds.
  assert.deepEqual(
    readFileSync(path.join(vm, "initrd")),
    readFileSync(path.join(dir, "tmp-guest/deploy/images/qemux86-64/kiln-image-minimal-qemux86-64.cpio.gz")),
  );
  // The libvirt domain is well-formed XML naming the carried kernel, initramfs and command line.
  const domain = execFileSync(
    "python3",
    [
      "-c",
      "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); " +
        "print(r.get('type'), r.findtext('name'), r.findtext('os/kernel'), r.findtext('os/initrd'), r.findtext('os/cmdline'), sep='|')",
      path.join(vm, "domain.xml"),
    ],
    { encoding: "utf8" },
  );
  assert.equal(
    domain.trim(),
    "kvm|kiln-image-minimal|/var/lib/kiln/vms/kiln-image-minimal/kernel|/var/lib/kiln/vms/kiln-image-minimal/initrd|console=ttyS0 quiet kiln.poweroff_when_done=1",
  );

  // The carried launcher starts the carried guest (here on the build machine's QEMU, emulated).
  const boot = spawnSync("sh", [path.join(unpacked, "usr/bin/kiln-vm"), "run", "kiln-image-minimal"], {
    encoding: "utf8",
    env: { ...process.env, KILN_VM_STORE: path.join(unpacked, "var/lib/kiln/vms"), KILN_VM_ACCEL: "tcg" },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 180_000,
  });
  assert.equal(boot.status, 0, `${boot.stdout}${boot.stderr}`);
  assert.match(
    boot.stdout,
    /^KILN-STATUS: host=qemux86-64 kernel=\S+ arch=x86_64/m,
    "the guest's programs ran",
  );
  assert.match(boot.stdout, /KILN-INIT: powering off/);
});

test("the example's KVM host boots under QEMU and boots its guest inside with Debian's QEMU", async () => {
  // kiln-kvm-host-image (meta-kiln-example's dynamic layer for meta-kiln-virt): qemu-debian,
  // imported with its libraries, and the example image as an autostarted guest.
  const r = await kiln("build", "kiln-kvm-host-image");
  assert.equal(r.status, 0, r.out);
  const boot = await kiln(
    "runqemu",
    "kiln-kvm-host-image",
    "--timeout",
    "600",
    "--marker",
    "kiln-vm: kiln-image-minimal powered off",
    "kiln.poweroff_when_done=1",
  );
  assert.equal(boot.status, 0, boot.out);
  const out = boot.out.replace(/\r/g, "");
  const guestStart = out.indexOf("kiln-vm: starting kiln-image-minimal");
  const guestEnd = out.indexOf("kiln-vm: kiln-image-minimal powered off");
  assert.ok(guestStart > 0 && guestEnd > guestStart, out);
  // Between the two: the guest's own boot (its kiln-init and programs), inside the host.
  const guest = out.slice(guestStart, guestEnd);
  assert.match(guest, /^KILN-INIT: kiln example system on qemux86-64/m);
  assert.match(guest, /^hello from the kiln quickstart$/m);
  assert.match(guest, /^KILN-STATUS: host=qemux86-64 .* mem_total_kib=\d+/m);
  assert.match(out.slice(guestEnd), /KILN-INIT: powering off/, "then the host powers off");
});

test("a KVM host image needs 'kvm' in DISTRO_FEATURES", async () => {
  write(
    "conf/local.conf",
    `${localConf}DISTRO_FEATURES:append = " virtualization"\nBBMULTICONFIG = "guest"\n`,
  );
  const r = await kiln("build", "kvm-host-image");
  assert.equal(r.status, 1);
  assert.match(r.out, /kvm-host-image was skipped: missing required distro feature 'kvm'/);
});
