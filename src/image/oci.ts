// makeOciImage: a root filesystem as an OCI image layout (image-spec 1.0), written natively:
//
//   <output>/oci-layout              {"imageLayoutVersion":"1.0.0"}
//   <output>/index.json              one manifest descriptor, annotated with the tag as
//                                    org.opencontainers.image.ref.name
//   <output>/blobs/sha256/<hex>      the layer (the whole rootfs as one gzipped tar), the image
//                                    configuration and the manifest
//
// Reproducible: the layer is a GNU tar with names sorted, numeric owners as the fakeroot session
// reports them (its state loaded, not saved: archiving changes no owner) and mtimes clamped to
// sourceDateEpoch, compressed by `gzip -n` (no name or time in the header); every JSON document
// is built with a fixed key order (map-like fields such as Labels and ExposedPorts sorted by
// key) and serialised without whitespace; "created" is sourceDateEpoch. Same root filesystem,
// configuration, tag and epoch: same bytes, same digests. With `archive`, <output>.tar holds the
// layout (names sorted, owner 0:0, modes 0644/0755, times = sourceDateEpoch) for tools that want
// one file (`skopeo copy oci-archive:...`, `podman load`).
//
// The root filesystem is only read (tar clamps the times it records itself).

import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { ImageError } from "./errors.js";
import { readOnlyPrefix, run, STABLE_ENV } from "./run.js";
import { makeTar } from "./tarimage.js";

/** The image's runtime configuration; names follow meta-virtualization's OCI_IMAGE_* variables. */
export interface OciConfig {
  entrypoint?: string[];
  cmd?: string[];
  /** "NAME=value" words, in order. */
  env?: string[];
  workingDir?: string;
  /** "user", "uid", "user:group" or "uid:gid". */
  user?: string;
  /** "8080/tcp", "53/udp" (a bare port means tcp to container runtimes). */
  exposedPorts?: string[];
  labels?: Record<string, string>;
  stopSignal?: string;
  /** OCI (Go) architecture name: "amd64", "arm64", "arm", "riscv64"... */
  architecture: string;
  /** Default "linux". */
  os?: string;
  author?: string;
}

export interface OciRequest {
  rootfs: string;
  /** The OCI image layout directory (replaced; its parent is created). */
  output: string;
  /** The reference name recorded in index.json, e.g. "latest". */
  tag: string;
  config: OciConfig;
  sourceDateEpoch: number;
  /** Command prefix under which tar reads the root filesystem (may be empty as root). */
  fakeroot: string[];
  /** Also write <output>.tar: the layout as one deterministic tar. */
  archive?: boolean;
}

export interface OciResult {
  /** "sha256:<hex>" of the manifest (what index.json points to). */
  manifestDigest: string;
  configDigest: string;
  /** Of the compressed layer blob; the uncompressed tar's digest is the config's diff_id. */
  layerDigest: string;
}

export const OCI_INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
const REF_NAME = "org.opencontainers.image.ref.name";

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

// The image-spec's grammar for org.opencontainers.image.ref.name: components of alphanumerics
// joined by one of - . _ : @ + (or "--"), components separated by "/".
const REF_COMPONENT = "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*";
const REF_RE = new RegExp(`^${REF_COMPONENT}(?:/${REF_COMPONENT})*$`);

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function check(req: OciRequest, rootfs: string, output: string): void {
  if (!Number.isInteger(req.sourceDateEpoch) || req.sourceDateEpoch < 0) {
    throw new ImageError(`sourceDateEpoch must be a whole number of seconds, not ${req.sourceDateEpoch}`);
  }
  if (!existsSync(rootfs) || !statSync(rootfs).isDirectory())
    throw new ImageError(`${rootfs} is not a directory`);
  if (isInside(output, rootfs) || isInside(rootfs, output)) {
    throw new ImageError(
      `the OCI layout ${output} and the root filesystem ${rootfs} must not contain each other`,
    );
  }
  if (!REF_RE.test(req.tag)) {
    throw new ImageError(`OCI tag ${JSON.stringify(req.tag)} is not a valid reference name`);
  }
  const c = req.config;
  if (!c || typeof c.architecture !== "string" || !/^[a-z0-9_]+$/.test(c.architecture)) {
    throw new ImageError(
      `OCI architecture ${JSON.stringify(c?.architecture)} is not an OCI architecture name`,
    );
  }
  if (c.os !== undefined && !/^[a-z0-9_]+$/.test(c.os)) {
    throw new ImageError(`OCI os ${JSON.stringify(c.os)} is not an OCI operating-system name`);
  }
  for (const e of c.env ?? []) {
    if (!/^[^=]+=/.test(e))
      throw new ImageError(`OCI environment entry ${JSON.stringify(e)} is not NAME=value`);
  }
  for (const p of c.exposedPorts ?? []) {
    if (!/^[0-9]+(?:-[0-9]+)?(?:\/(?:tcp|udp|sctp))?$/.test(p)) {
      throw new ImageError(`OCI exposed port ${JSON.stringify(p)} is not PORT[/tcp|/udp|/sctp]`);
    }
  }
}

/** The RFC 3339 (UTC, whole seconds) form of an epoch time. */
export function rfc3339(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d+Z$/, "Z");
}

function sha256File(file: string): { digest: string; size: number } {
  const h = createHash("sha256");
  const buf = Buffer.alloc(1 << 20);
  const fd = openSync(file, "r");
  let size = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      size += n;
    }
  } finally {
    closeSync(fd);
  }
  return { digest: `sha256:${h.digest("hex")}`, size };
}

/** Where a layout keeps the blob with a "sha256:<hex>" digest. */
export function blobPath(output: string, digest: string): string {
  return path.join(output, "blobs", "sha256", digest.slice("sha256:".length));
}

/** JSON text of a value whose objects were built in the wanted key order: no whitespace. */
function canonical(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}

function writeJsonBlob(output: string, mediaType: string, value: unknown): Descriptor {
  const bytes = canonical(value);
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  writeFileSync(blobPath(output, digest), bytes, { mode: 0o644 });
  return { mediaType, digest, size: bytes.length };
}

function sortedObject<T>(entries: Array<[string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = v;
  return out;
}

/** The image configuration's "config" object: fields in the image-spec's order, unset ones left out. */
function runtimeConfig(c: OciConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (c.user !== undefined) out.User = c.user;
  if (c.exposedPorts !== undefined && c.exposedPorts.length > 0) {
    out.ExposedPorts = sortedObject(c.exposedPorts.map((p): [string, object] => [p, {}]));
  }
  if (c.env !== undefined && c.env.length > 0) out.Env = [...c.env];
  if (c.entrypoint !== undefined && c.entrypoint.length > 0) out.Entrypoint = [...c.entrypoint];
  if (c.cmd !== undefined && c.cmd.length > 0) out.Cmd = [...c.cmd];
  if (c.workingDir !== undefined && c.workingDir !== "") out.WorkingDir = c.workingDir;
  if (c.labels !== undefined && Object.keys(c.labels).length > 0) {
    out.Labels = sortedObject(Object.entries(c.labels).map(([k, v]): [string, string] => [k, String(v)]));
  }
  if (c.stopSignal !== undefined && c.stopSignal !== "") out.StopSignal = c.stopSignal;
  return out;
}

/** The layout as one tar, independent of umask, owners and the time it was written. */
function archiveLayout(output: string, epoch: number): string {
  const tarFile = `${output}.tar`;
  rmSync(tarFile, { force: true });
  run(
    [
      "tar",
      "--create",
      "--file",
      tarFile,
      "--directory",
      output,
      "--format=gnu",
      "--sort=name",
      "--numeric-owner",
      "--owner=0",
      "--group=0",
      "--mode=a=r,u+w,a+X",
      `--mtime=@${epoch}`,
      ".",
    ],
    { env: STABLE_ENV },
  );
  return tarFile;
}

export function makeOciImage(req: OciRequest): OciResult {
  const rootfs = path.resolve(req.rootfs);
  const output = path.resolve(req.output);
  check(req, rootfs, output);
  const epoch = req.sourceDateEpoch;
  const created = rfc3339(epoch);
  const os = req.config.os ?? "linux";

  mkdirSync(path.dirname(output), { recursive: true });
  rmSync(output, { recursive: true, force: true });
  mkdirSync(path.join(output, "blobs", "sha256"), { recursive: true });

  // The layer: tar (uncompressed, for the diff_id), then gzip -n in place.
  let layer: Descriptor;
  let diffId: string;
  const workdir = mkdtempSync(path.join(path.dirname(output), ".kiln-oci-"));
  try {
    const tarFile = path.join(workdir, "layer.tar");
    makeTar(rootfs, tarFile, { epoch, fakeroot: readOnlyPrefix(req.fakeroot), compression: "none" });
    diffId = sha256File(tarFile).digest;
    run(["gzip", "-n", "-9", tarFile], { env: STABLE_ENV });
    const gz = `${tarFile}.gz`;
    const { digest, size } = sha256File(gz);
    renameSync(gz, blobPath(output, digest));
    layer = { mediaType: OCI_LAYER_MEDIA_TYPE, digest, size };
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }

  const image: Record<string, unknown> = { created };
  if (req.config.author !== undefined) image.author = req.config.author;
  image.architecture = req.config.architecture;
  image.os = os;
  image.config = runtimeConfig(req.config);
  image.rootfs = { type: "layers", diff_ids: [diffId] };
  image.history = [{ created, created_by: "kiln makeOciImage" }];
  const config = writeJsonBlob(output, OCI_CONFIG_MEDIA_TYPE, image);

  const manifest = writeJsonBlob(output, OCI_MANIFEST_MEDIA_TYPE, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
  });

  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX_MEDIA_TYPE,
    manifests: [
      {
        mediaType: manifest.mediaType,
        digest: manifest.digest,
        size: manifest.size,
        platform: { architecture: req.config.architecture, os },
        annotations: { [REF_NAME]: req.tag },
      },
    ],
  };
  writeFileSync(path.join(output, "index.json"), canonical(index), { mode: 0o644 });
  writeFileSync(path.join(output, "oci-layout"), canonical({ imageLayoutVersion: "1.0.0" }), { mode: 0o644 });

  if (req.archive) archiveLayout(output, epoch);
  return { manifestDigest: manifest.digest, configDigest: config.digest, layerDigest: layer.digest };
}
