// makeRuntimeBundle: an OCI image layout turned into a runtime bundle (runtime-spec 1.0) that
// `crun run -b DIR` or `runc run -b DIR` starts as it is:
//
//   <dest>/rootfs        the image's layers extracted in order (whiteouts applied)
//   <dest>/config.json   the process (entrypoint + cmd, env, working directory, user) from the
//                        image configuration; new pid, network, ipc, uts and mount namespaces;
//                        /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue and a read-only /sys; the
//                        default capability set container engines give (audit-write, kill,
//                        net-bind-service) and no new privileges
//
// This is what `umoci unpack` does, done by kiln so that a host image carries containers ready
// to start on a target without an unpacking tool. Extraction and the config file are written
// behind the caller's fakeroot prefix so their owners are the image's, not the builder's.

import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ImageError } from "./errors.js";
import { blobPath, OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE } from "./oci.js";
import { run } from "./run.js";

export interface BundleRequest {
  /** The OCI image layout directory. */
  layout: string;
  /** The reference name to take from index.json; the only manifest when not given. */
  tag?: string;
  /** The bundle directory to make (replaced). */
  dest: string;
  /** The container's host name. */
  hostname: string;
  /** Command prefix (fakeroot) for writing into dest; may be empty as root. */
  fakeroot: string[];
}

interface Descriptor {
  mediaType: string;
  digest: string;
  annotations?: Record<string, string>;
}

interface ImageConfig {
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
    Labels?: Record<string, string>;
  };
}

const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const CAPABILITIES = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (e) {
    throw new ImageError(`cannot read the ${what} ${file}: ${(e as Error).message}`);
  }
}

function blob(layout: string, digest: string): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new ImageError(`${layout}: unsupported blob digest ${JSON.stringify(digest)}`);
  }
  return blobPath(layout, digest);
}

function chooseManifest(layout: string, tag?: string): Descriptor {
  const index = readJson<{ manifests?: Descriptor[] }>(path.join(layout, "index.json"), "OCI index");
  const manifests = (index.manifests ?? []).filter(
    (m) => m.mediaType === OCI_MANIFEST_MEDIA_TYPE || m.mediaType === OCI_INDEX_MEDIA_TYPE,
  );
  const chosen =
    tag === undefined
      ? manifests.length === 1
        ? manifests[0]
        : undefined
      : manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === tag);
  if (!chosen) {
    throw new ImageError(
      tag === undefined
        ? `${layout} holds ${manifests.length} images; name the one to unpack by its tag`
        : `${layout} has no image tagged ${JSON.stringify(tag)}`,
    );
  }
  if (chosen.mediaType !== OCI_MANIFEST_MEDIA_TYPE) {
    throw new ImageError(
      `${layout}: ${chosen.digest} is an image index; only single-platform images are supported`,
    );
  }
  return chosen;
}

/** "uid", "uid:gid", "name" or "name:group", names looked up in the container's own files. */
function resolveUser(rootfs: string, user: string | undefined): { uid: number; gid: number } {
  if (!user) return { uid: 0, gid: 0 };
  const [u, g] = user.split(":");
  const table = (file: string): string[][] => {
    try {
      return readFileSync(path.join(rootfs, "etc", file), "utf8")
        .split("\n")
        .map((l) => l.split(":"));
    } catch {
      return [];
    }
  };
  let uid: number;
  let gid: number | undefined;
  if (/^\d+$/.test(u)) uid = Number(u);
  else {
    const entry = table("passwd").find((f) => f[0] === u);
    if (!entry) throw new ImageError(`the image's user ${JSON.stringify(u)} is not in its /etc/passwd`);
    uid = Number(entry[2]);
    gid = Number(entry[3]);
  }
  if (g !== undefined) {
    if (/^\d+$/.test(g)) gid = Number(g);
    else {
      const entry = table("group").find((f) => f[0] === g);
      if (!entry) throw new ImageError(`the image's group ${JSON.stringify(g)} is not in its /etc/group`);
      gid = Number(entry[2]);
    }
  }
  return { uid, gid: gid ?? 0 };
}

/** The runtime configuration (runtime-spec 1.0.2) for an image configuration. */
export function runtimeSpec(
  image: ImageConfig,
  user: { uid: number; gid: number },
  hostname: string,
): Record<string, unknown> {
  const c = image.config ?? {};
  const args = [...(c.Entrypoint ?? []), ...(c.Cmd ?? [])];
  if (args.length === 0) throw new ImageError("the image has neither an entrypoint nor a command to run");
  const env = [...(c.Env ?? [])];
  if (!env.some((e) => e.startsWith("PATH="))) env.unshift(DEFAULT_PATH);
  const mount = (destination: string, type: string, options: string[]) => ({
    destination,
    type,
    source: type,
    options,
  });
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user,
      args,
      env,
      cwd: c.WorkingDir || "/",
      capabilities: { bounding: CAPABILITIES, effective: CAPABILITIES, permitted: CAPABILITIES },
      rlimits: [{ type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: "rootfs", readonly: false },
    hostname,
    mounts: [
      mount("/proc", "proc", ["nosuid", "noexec", "nodev"]),
      { ...mount("/dev", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]), source: "tmpfs" },
      mount("/dev/pts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]),
      {
        ...mount("/dev/shm", "tmpfs", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
        source: "shm",
      },
      mount("/dev/mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
      mount("/sys", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
    ],
    annotations: c.Labels ?? {},
    linux: {
      namespaces: ["pid", "network", "ipc", "uts", "mount"].map((type) => ({ type })),
      maskedPaths: ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"],
      readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
    },
  };
}

/** Paths (relative to the root) a layer's whiteouts remove from the layers below it: ".wh.NAME"
 * hides NAME, ".wh..wh..opq" hides everything in its directory. Applied before the layer is
 * extracted, the markers themselves removed after. */
function applyWhiteouts(rootfs: string, entries: string[], when: "before" | "after"): void {
  for (const entry of entries) {
    const rel = path.normalize(entry.replace(/^\.?\//, ""));
    const base = path.basename(rel);
    if (!base.startsWith(".wh.") || rel.startsWith("..")) continue;
    const dir = path.join(rootfs, path.dirname(rel));
    if (when === "after") rmSync(path.join(rootfs, rel), { force: true });
    else if (base === ".wh..wh..opq") {
      for (const name of existsSync(dir) ? readdirSync(dir) : [])
        rmSync(path.join(dir, name), { recursive: true, force: true });
    } else rmSync(path.join(dir, base.slice(".wh.".length)), { recursive: true, force: true });
  }
}

export function makeRuntimeBundle(req: BundleRequest): string {
  const layout = path.resolve(req.layout);
  const dest = path.resolve(req.dest);
  const manifestDesc = chooseManifest(layout, req.tag);
  const manifest = readJson<{ config: Descriptor; layers: Descriptor[] }>(
    blob(layout, manifestDesc.digest),
    "image manifest",
  );
  const image = readJson<ImageConfig>(blob(layout, manifest.config.digest), "image configuration");
  const rootfs = path.join(dest, "rootfs");
  rmSync(dest, { recursive: true, force: true });
  const prefix = { prefix: req.fakeroot };
  run(["mkdir", "-p", rootfs], prefix);
  for (const layer of manifest.layers ?? []) {
    if (!/^application\/vnd\.oci\.image\.layer\.v1\.tar(\+gzip)?$/.test(layer.mediaType)) {
      throw new ImageError(`${layout}: layer ${layer.digest} has unsupported media type ${layer.mediaType}`);
    }
    const file = blob(layout, layer.digest);
    const entries = run(["tar", "-t", "-f", file]).toString().split("\n").filter(Boolean);
    applyWhiteouts(rootfs, entries, "before");
    run(["tar", "-x", "-f", file, "-C", rootfs, "--numeric-owner", "--same-owner", "-p"], prefix);
    applyWhiteouts(rootfs, entries, "after");
  }
  const spec = runtimeSpec(image, resolveUser(rootfs, image.config?.User), req.hostname);
  const config = path.join(dest, "config.json");
  run(["sh", "-c", 'cat > "$1"', "sh", config], { ...prefix, input: `${JSON.stringify(spec, null, 2)}\n` });
  return dest;
}
