// makeOciImage (src/image/oci.ts): an OCI image layout from a small root filesystem (a static
// program, /etc files, a file owned 1234:1234 in a fakeroot state), checked with skopeo and
// umoci (Debian packages "skopeo" and "umoci"), the layer's tar listing, and reproducibility.
// Offline; everything happens in a temporary directory.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { makeOciImage, type OciConfig, type OciRequest } from "../../src/image/index.js";
import { requirePrograms } from "../helpers/tools.js";

const EPOCH = 1700000000;
const TAG = "latest";
let root: string;
let rootfs: string;
let state: string;
let fakeroot: string[];

const CONFIG: OciConfig = {
  entrypoint: ["/usr/bin/hello"],
  cmd: ["--greet", "world"],
  env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "KILN_TEST=1"],
  workingDir: "/srv",
  user: "0:0",
  exposedPorts: ["8080/tcp", "53/udp"],
  labels: { "org.example.flavour": "plain", "org.opencontainers.image.title": "kiln-test" },
  stopSignal: "SIGTERM",
  architecture: "amd64",
  os: "linux",
  author: "kiln test",
};

function sh(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

function write(file: string, text: string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text, { mode });
}

function request(output: string, extra: Partial<OciRequest> = {}): OciRequest {
  return { rootfs, output, tag: TAG, config: CONFIG, sourceDateEpoch: EPOCH, fakeroot, ...extra };
}

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, its shape checked by the assertions
function readJson(file: string): any {
  return JSON.parse(readFileSync(file, "utf8"));
}

function blob(layout: string, digest: string): string {
  assert.match(digest, /^sha256:[0-9a-f]{64}$/);
  return path.join(layout, "blobs", "sha256", digest.slice(7));
}

before(() => {
  requirePrograms("skopeo", "umoci", "fakeroot", "gcc");
  root = mkdtempSync(path.join(tmpdir(), "kiln-oci-test-"));
  rootfs = path.join(root, "rootfs");
  state = path.join(root, "fakeroot.state");
  fakeroot = ["fakeroot", "-i", state, "-s", state, "--"];

  const src = path.join(root, "hello.c");
  write(
    src,
    '#include <stdio.h>\nint main(int argc, char **argv) { printf("hello from kiln oci (%d args)\\n", argc - 1); return 0; }\n',
  );
  mkdirSync(path.join(rootfs, "usr/bin"), { recursive: true });
  sh("gcc", ["-static", "-O2", "-o", path.join(rootfs, "usr/bin/hello"), src]);
  write(path.join(rootfs, "etc/os-release"), 'ID=kiln\nNAME="kiln test"\n');
  write(path.join(rootfs, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nsvc:x:1234:1234::/srv:/bin/false\n");
  write(path.join(rootfs, "etc/group"), "root:x:0:\nsvc:x:1234:\n");
  write(path.join(rootfs, "srv/data.txt"), "owned by svc\n");
  // Owners live only in the fakeroot state: everything root, srv/data.txt 1234:1234.
  sh("fakeroot", [
    "-s",
    state,
    "--",
    "sh",
    "-c",
    'chown -R 0:0 "$1" && chown 1234:1234 "$1/srv/data.txt"',
    "sh",
    rootfs,
  ]);
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test("makeOciImage writes an OCI layout that skopeo and umoci read", () => {
  const layout = path.join(root, "image-oci");
  const r = makeOciImage(request(layout, { archive: true }));

  assert.deepEqual(readJson(path.join(layout, "oci-layout")), { imageLayoutVersion: "1.0.0" });
  const index = readJson(path.join(layout, "index.json"));
  assert.equal(index.schemaVersion, 2);
  assert.equal(index.mediaType, "application/vnd.oci.image.index.v1+json");
  assert.equal(index.manifests.length, 1);
  assert.equal(index.manifests[0].digest, r.manifestDigest);
  assert.equal(index.manifests[0].annotations["org.opencontainers.image.ref.name"], TAG);

  const manifest = readJson(blob(layout, r.manifestDigest));
  assert.equal(manifest.mediaType, "application/vnd.oci.image.manifest.v1+json");
  assert.equal(manifest.config.digest, r.configDigest);
  assert.equal(manifest.layers[0].digest, r.layerDigest);
  assert.equal(manifest.layers[0].mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
  const config = readJson(blob(layout, r.configDigest));
  assert.equal(config.created, "2023-11-14T22:13:20Z");
  assert.deepEqual(config.config.ExposedPorts, { "53/udp": {}, "8080/tcp": {} });
  assert.equal(config.rootfs.type, "layers");
  const diffId = `sha256:${sh("sh", ["-c", 'gzip -dc "$1" | sha256sum', "sh", blob(layout, r.layerDigest)]).slice(0, 64)}`;
  assert.deepEqual(config.rootfs.diff_ids, [diffId]);

  // skopeo validates the layout, the digests and the configuration.
  const inspect = JSON.parse(sh("skopeo", ["inspect", `oci:${layout}:${TAG}`]));
  assert.equal(inspect.Architecture, "amd64");
  assert.equal(inspect.Os, "linux");
  assert.equal(inspect.Digest, r.manifestDigest);
  assert.deepEqual(inspect.Env, CONFIG.env);
  assert.deepEqual(inspect.Labels, CONFIG.labels);
  assert.deepEqual(inspect.Layers, [r.layerDigest]);
  const raw = JSON.parse(sh("skopeo", ["inspect", "--config", `oci:${layout}:${TAG}`]));
  assert.deepEqual(Object.keys(raw.config.ExposedPorts).sort(), ["53/udp", "8080/tcp"]);

  // umoci unpacks it into a runtime bundle.
  const bundle = path.join(root, "bundle");
  sh("umoci", ["unpack", "--rootless", "--image", `${layout}:${TAG}`, bundle]);
  const unpacked = path.join(bundle, "rootfs");
  assert.equal(readFileSync(path.join(unpacked, "etc/os-release"), "utf8"), 'ID=kiln\nNAME="kiln test"\n');
  assert.equal(readFileSync(path.join(unpacked, "srv/data.txt"), "utf8"), "owned by svc\n");
  assert.equal(sh(path.join(unpacked, "usr/bin/hello"), ["x"]), "hello from kiln oci (1 args)\n");
  const runtime = readJson(path.join(bundle, "config.json"));
  assert.deepEqual(runtime.process.args, ["/usr/bin/hello", "--greet", "world"]);
  for (const e of CONFIG.env!) assert.ok(runtime.process.env.includes(e), `${e} in ${runtime.process.env}`);
  assert.equal(runtime.process.cwd, "/srv");

  // The layer records the owners from the fakeroot state, numerically, and clamped times.
  const listing = sh("tar", ["-tvzf", blob(layout, r.layerDigest), "--numeric-owner", "--full-time"]);
  assert.match(listing, /^-\S+ 1234\/1234 .* \.\/srv\/data\.txt$/m);
  assert.match(listing, /^-\S+ 0\/0 .* \.\/usr\/bin\/hello$/m);
  for (const line of listing.trim().split("\n")) assert.match(line, / 2023-11-14 22:13:20 /, line);

  // The archive is the layout as a tar, and skopeo reads it as an oci-archive.
  const names = sh("tar", ["-tf", `${layout}.tar`])
    .trim()
    .split("\n")
    .sort();
  const expected = [
    "./",
    "./blobs/",
    "./blobs/sha256/",
    ...[r.configDigest, r.layerDigest, r.manifestDigest].map((d) => `./blobs/sha256/${d.slice(7)}`),
    "./index.json",
    "./oci-layout",
  ].sort();
  assert.deepEqual(names, expected);
  const fromArchive = JSON.parse(sh("skopeo", ["inspect", `oci-archive:${layout}.tar:${TAG}`]));
  assert.equal(fromArchive.Digest, r.manifestDigest);
});

test("makeOciImage is reproducible, and a label changes only the config and manifest", () => {
  const a = makeOciImage(request(path.join(root, "repro-a"), { archive: true }));
  const b = makeOciImage(request(path.join(root, "repro-b"), { archive: true }));
  assert.deepEqual(a, b);
  assert.deepEqual(
    readFileSync(path.join(root, "repro-a.tar")),
    readFileSync(path.join(root, "repro-b.tar")),
  );
  assert.deepEqual(
    readFileSync(path.join(root, "repro-a", "index.json")),
    readFileSync(path.join(root, "repro-b", "index.json")),
  );

  const relabelled = { ...CONFIG, labels: { ...CONFIG.labels, "org.example.flavour": "spicy" } };
  const c = makeOciImage(request(path.join(root, "repro-c"), { config: relabelled }));
  assert.equal(c.layerDigest, a.layerDigest);
  assert.notEqual(c.configDigest, a.configDigest);
  assert.notEqual(c.manifestDigest, a.manifestDigest);
  assert.ok(!existsSync(path.join(root, "repro-c.tar")));
});

test("makeOciImage refuses bad requests", () => {
  const out = path.join(root, "bad");
  assert.throws(() => makeOciImage(request(out, { tag: "no spaces" })), /not a valid reference name/);
  assert.throws(() => makeOciImage(request(path.join(rootfs, "inside"))), /must not contain each other/);
  assert.throws(
    () => makeOciImage(request(out, { config: { ...CONFIG, architecture: "" } })),
    /not an OCI architecture name/,
  );
  assert.throws(() => makeOciImage(request(out, { config: { ...CONFIG, env: ["NOEQUALS"] } })), /NAME=value/);
  assert.throws(() => makeOciImage(request(out, { sourceDateEpoch: 1.5 })), /whole number/);
});
