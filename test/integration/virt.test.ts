// meta-kiln-virt's first parts: the DISTRO_FEATURES warning, recipes skipped without 'kvm', an
// OCI container image of the example's hello program (accepted by skopeo and umoci; its program
// runs from the unpacked bundle), and a host image that carries it (BUNDLED_CONTAINERS).
// Needs the Debian packages scripts/setup-example.sh downloads, and skopeo/umoci (CI installs them).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runKiln } from "../helpers/builddir.js";

const repo = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));
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
const localConf = `DEBIAN_PACKAGES_DIR = "${repo}/examples/quickstart/debian-packages"\n`;
write("conf/local.conf", localConf);
write(
  "meta-host/conf/layer.conf",
  'BBPATH .= ":${LAYERDIR}"\nBBFILES += "${LAYERDIR}/recipes/*/*.bb"\nBBFILE_COLLECTIONS += "host"\nBBFILE_PATTERN_host = "^${LAYERDIR}/"\nLAYERSERIES_COMPAT_host = "kiln"\n',
);
write(
  "meta-host/recipes/host/container-host-image.bb",
  [
    'LICENSE = "MIT"',
    "inherit core-image container-host",
    'IMAGE_INSTALL = "hello"',
    'BUNDLED_CONTAINERS = "kiln-container-hello"',
    'IMAGE_FSTYPES = "tar.zst"',
    "",
  ].join("\n"),
);

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

test("a host image carries the example's container image as an OCI layout", async () => {
  write("conf/local.conf", `${localConf}DISTRO_FEATURES:append = " virtualization kvm"\n`);
  const quiet = await kiln("parse");
  assert.doesNotMatch(quiet.out, /meta-kiln-virt layer is included/);
  const r = await kiln("build", "container-host-image", "kiln-kvm-host-config");
  assert.equal(r.status, 0, r.out);

  const layout = path.join(dir, "tmp/deploy/images/qemux86-64/kiln-container-hello-qemux86-64.oci");
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

  const host = path.join(dir, "tmp/deploy/images/qemux86-64/container-host-image-qemux86-64.tar.zst");
  const listing = execFileSync("tar", ["--zstd", "-tf", host], { encoding: "utf8" });
  assert.match(listing, /^\.\/var\/lib\/kiln\/containers\/kiln-container-hello\/index\.json$/m);
  assert.match(listing, /^\.\/usr\/bin\/hello$/m);
  const fragments = path.join(
    dir,
    "tmp/work/x86_64-kiln-linux/kiln-kvm-host-config/1.0/image/usr/share/kiln/kernel-fragments",
  );
  assert.ok(existsSync(path.join(fragments, "kvm-host.cfg")));
});
