// Writing into a root filesystem from kiln itself. Paths are resolved as if the root filesystem
// were "/" (an absolute symbolic link inside it never leads to the host). Files that already
// exist are rewritten in place (same inode), so the owner and mode fakeroot recorded for them
// stay; new files and directories get explicit modes and, having no fakeroot record, appear
// owned by root.

import { chmodSync, existsSync, lstatSync, mkdirSync, readlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ImageError } from "./errors.js";

/** The host path of `p` (absolute inside rootfs), symbolic links followed within rootfs. */
export function resolveInRootfs(rootfs: string, p: string, followLast = true): string {
  let parts = p.split("/").filter((x) => x !== "" && x !== ".");
  let resolved: string[] = [];
  let hops = 0;
  while (parts.length > 0) {
    const c = parts.shift()!;
    if (c === "..") {
      resolved.pop();
      continue;
    }
    const host = path.join(rootfs, ...resolved, c);
    let isLink = false;
    try {
      isLink = lstatSync(host).isSymbolicLink();
    } catch {
      // does not exist (yet)
    }
    if (isLink && (parts.length > 0 || followLast)) {
      if (++hops > 40) throw new ImageError(`too many symbolic links resolving ${p} in ${rootfs}`);
      const target = readlinkSync(host);
      if (target.startsWith("/")) resolved = [];
      parts = [...target.split("/").filter((x) => x !== "" && x !== "."), ...parts];
      continue;
    }
    resolved.push(c);
  }
  return path.join(rootfs, ...resolved);
}

/** Create directory p (absolute inside rootfs) and its missing parents, each new one mode 0755. */
export function ensureDir(rootfs: string, p: string): string {
  const host = resolveInRootfs(rootfs, p);
  const missing: string[] = [];
  for (let d = host; d !== rootfs && !existsSync(d); d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) {
    mkdirSync(d);
    chmodSync(d, 0o755);
  }
  return host;
}

/** Write p (absolute inside rootfs); a new file gets `mode`, an existing one keeps its own. */
export function writeInRootfs(rootfs: string, p: string, data: string | Uint8Array, mode = 0o644): string {
  ensureDir(rootfs, path.posix.dirname(p));
  const host = resolveInRootfs(rootfs, p);
  const existed = existsSync(host);
  writeFileSync(host, data);
  if (!existed) chmodSync(host, mode);
  return host;
}
