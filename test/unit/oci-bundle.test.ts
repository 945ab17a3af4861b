// makeRuntimeBundle (src/image/oci-bundle.ts): OCI image layouts turned into runtime bundles.
// One layout comes from makeOciImage (owners kept through fakeroot, a named user resolved from
// the image's /etc/passwd); another is written here by hand with two layers, the upper one
// deleting a file and emptying a directory of the lower one through whiteouts.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { ImageError, makeOciImage, makeRuntimeBundle } from "../../src/image/index.js";
import { requirePrograms } from "../helpers/tools.js";

before(() => requirePrograms("fakeroot"));

const root = mkdtempSync(path.join(tmpdir(), "kiln-oci-bundle-"));
after(() => rmSync(root, { recursive: true, force: true }));
const state = path.join(root, "fakeroot.state");
const fakeroot = ["env", "FAKEROOTDONTTRYCHOWN=1", "fakeroot", "-s", state, "--"];

function sh(argv: string[], input?: string): string {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", input });
  assert.equal(r.status, 0, `${argv.join(" ")} failed:\n${r.stderr}`);
  return r.stdout;
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

test("an image made by kiln becomes a bundle: owners kept, the named user resolved, PATH given", () => {
  const rootfs = path.join(root, "rootfs");
  write(path.join(rootfs, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1234:1235::/srv:/bin/sh\n");
  write(path.join(rootfs, "etc/group"), "root:x:0:\napp:x:1235:\nwheel:x:10:\n");
  write(path.join(rootfs, "srv/data"), "owned by app\n");
  sh([...fakeroot, "chown", "1234:1235", path.join(rootfs, "srv/data")]);
  const layout = path.join(root, "made.oci");
  const prefix = ["env", "FAKEROOTDONTTRYCHOWN=1", "fakeroot", "-i", state, "-s", state, "--"];
  makeOciImage({
    rootfs,
    output: layout,
    tag: "latest",
    config: {
      architecture: "amd64",
      entrypoint: ["/bin/app"],
      cmd: ["--serve"],
      user: "app:wheel",
      workingDir: "/srv",
    },
    sourceDateEpoch: 1700000000,
    fakeroot: prefix,
  });

  const bundleState = path.join(root, "bundle.state");
  const bundle = makeRuntimeBundle({
    layout,
    dest: path.join(root, "bundle"),
    hostname: "app-box",
    fakeroot: ["env", "FAKEROOTDONTTRYCHOWN=1", "fakeroot", "-s", bundleState, "--"],
  });
  const spec = JSON.parse(readFileSync(path.join(bundle, "config.json"), "utf8"));
  assert.equal(spec.ociVersion, "1.0.2");
  assert.deepEqual(spec.process.args, ["/bin/app", "--serve"]);
  assert.deepEqual(spec.process.user, { uid: 1234, gid: 10 });
  assert.equal(spec.process.cwd, "/srv");
  assert.match(spec.process.env[0], /^PATH=\/usr\/local\/sbin:.*:\/bin$/);
  assert.equal(spec.hostname, "app-box");
  assert.equal(spec.root.path, "rootfs");
  assert.deepEqual(
    spec.linux.namespaces.map((n: { type: string }) => n.type),
    ["pid", "network", "ipc", "uts", "mount"],
  );
  // The owner the image recorded is the owner in the bundle (as the bundle's fakeroot state says).
  const listing = sh([
    "env",
    "FAKEROOTDONTTRYCHOWN=1",
    "fakeroot",
    "-i",
    bundleState,
    "--",
    "stat",
    "-c",
    "%u:%g %n",
    path.join(bundle, "rootfs/srv/data"),
    path.join(bundle, "config.json"),
  ]);
  assert.match(listing, /^1234:1235 .*srv\/data$/m);
  assert.match(listing, /^0:0 .*config\.json$/m);

  assert.throws(
    () =>
      makeRuntimeBundle({ layout, tag: "other", dest: path.join(root, "x"), hostname: "x", fakeroot: [] }),
    (e: unknown) => e instanceof ImageError && /has no image tagged "other"/.test(e.message),
  );
});

/** A blob in LAYOUT from a file or bytes: its descriptor. */
function addBlob(layout: string, mediaType: string, bytes: Buffer) {
  const hex = createHash("sha256").update(bytes).digest("hex");
  write(path.join(layout, "blobs/sha256", hex), "");
  writeFileSync(path.join(layout, "blobs/sha256", hex), bytes);
  return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
}

function layerOf(dir: string, files: Record<string, string>): Buffer {
  for (const [name, text] of Object.entries(files)) write(path.join(dir, name), text);
  return Buffer.from(sh(["sh", "-c", 'tar -C "$1" -cf - . | gzip -n | base64 -w0', "sh", dir]), "base64");
}

test("layers are applied in order, whiteouts removing what lower layers put there", () => {
  const layout = path.join(root, "layered.oci");
  write(path.join(layout, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  const gz = "application/vnd.oci.image.layer.v1.tar+gzip";
  const lower = addBlob(
    layout,
    gz,
    layerOf(path.join(root, "l1"), { "a/keep": "1", "a/gone": "1", "d/old1": "1", "d/old2": "1" }),
  );
  const upper = addBlob(
    layout,
    gz,
    layerOf(path.join(root, "l2"), { "a/.wh.gone": "", "d/.wh..wh..opq": "", "d/new": "2", "a/keep": "2" }),
  );
  const config = addBlob(
    layout,
    "application/vnd.oci.image.config.v1+json",
    Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", config: { Cmd: ["/bin/sh"] } })),
  );
  const manifest = addBlob(
    layout,
    "application/vnd.oci.image.manifest.v1+json",
    Buffer.from(JSON.stringify({ schemaVersion: 2, config, layers: [lower, upper] })),
  );
  write(path.join(layout, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [manifest] }));

  const bundle = makeRuntimeBundle({ layout, dest: path.join(root, "layered"), hostname: "l", fakeroot: [] });
  const rootfs = path.join(bundle, "rootfs");
  assert.deepEqual(readdirSync(path.join(rootfs, "a")), ["keep"]);
  assert.equal(readFileSync(path.join(rootfs, "a/keep"), "utf8"), "2");
  assert.deepEqual(readdirSync(path.join(rootfs, "d")), ["new"]);
  assert.ok(!existsSync(path.join(rootfs, "d/.wh..wh..opq")));
  const spec = JSON.parse(readFileSync(path.join(bundle, "config.json"), "utf8"));
  assert.deepEqual(spec.process.args, ["/bin/sh"]);
});

test("an image with nothing to run is refused", () => {
  const layout = path.join(root, "empty.oci");
  const config = addBlob(
    layout,
    "application/vnd.oci.image.config.v1+json",
    Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", config: {} })),
  );
  const manifest = addBlob(
    layout,
    "application/vnd.oci.image.manifest.v1+json",
    Buffer.from(JSON.stringify({ schemaVersion: 2, config, layers: [] })),
  );
  write(path.join(layout, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [manifest] }));
  assert.throws(
    () => makeRuntimeBundle({ layout, dest: path.join(root, "empty"), hostname: "e", fakeroot: [] }),
    /neither an entrypoint nor a command/,
  );
});
