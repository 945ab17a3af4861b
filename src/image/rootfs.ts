// Assembling a root filesystem from a package feed without a package manager: plan, empty the
// directory, unpack every package's data archive in plan order (one tar session under the
// caller's fakeroot prefix, so owners and modes from the packages live in its state file),
// record the installed-package database, then run the postinsts offline.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { decompressOption, openPackage, readControlArchive } from "./archive.js";
import { fieldOf, parseControl } from "./control.js";
import { ImageError } from "./errors.js";
import { type FeedPackage, readFeed } from "./feed.js";
import { describeMissing, planInstall } from "./plan.js";
import { type Postinst, runPostinsts } from "./postinst.js";
import { requireOwnership, run, shellQuote } from "./run.js";
import { type InstalledPackage, writeStatusDatabases } from "./statusdb.js";

export interface RootfsRequest {
  /** The directory to fill; emptied first (created if missing). */
  rootfs: string;
  /** Feed directories, each with a Packages or Packages.gz index. */
  feedDirs: string[];
  /** Names (or clauses such as "foo (>= 1.0)" or "a | b") to install. */
  install: string[];
  noRecommends?: boolean;
  exclude?: string[];
  /** Command prefix for programs that create or archive files (tar, postinsts); may be empty as root. */
  fakeroot: string[];
  log(line: string): void;
}

export interface RootfsResult {
  /** What was installed, in install order. */
  installed: FeedPackage[];
  /** Postinsts that failed offline, kept for first boot (paths inside the root filesystem). */
  deferredPostinsts: string[];
}

/**
 * Shell commands removing everything inside rootfs (under fakeroot, so that its records go
 * too), leaving it an empty directory, mode 0755, owned by root.
 */
function emptyRootfsCommands(rootfs: string): string[] {
  const q = shellQuote(rootfs);
  return [
    `mkdir -p -- ${q}`,
    `chmod -R u+rwX -- ${q}`,
    `find ${q} -mindepth 1 -delete`,
    `chown 0:0 -- ${q}`,
    `chmod 0755 -- ${q}`,
  ].map((c) => `${c} || exit 1`);
}

/** tar -v names ("./", "./etc/", "./etc/x") as database paths ("/.", "/etc", "/etc/x"). */
function listedPaths(text: string): Array<{ path: string; dir: boolean }> {
  const out: Array<{ path: string; dir: boolean }> = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const dir = line.endsWith("/");
    const p = `/${line.replace(/^\.?\/*/, "").replace(/\/+$/, "")}`;
    out.push({ path: p === "/" ? "/." : p, dir });
  }
  return out;
}

export function assembleRootfs(req: RootfsRequest): RootfsResult {
  const rootfs = path.resolve(req.rootfs);
  requireOwnership(req.fakeroot, `assembling ${rootfs}`);
  const feed = readFeed(req.feedDirs);
  const plan = planInstall(feed, req.install, { noRecommends: req.noRecommends, exclude: req.exclude });
  if (plan.missing.length > 0) {
    throw new ImageError(`cannot assemble ${rootfs}: unmet dependencies:\n${describeMissing(plan.missing)}`);
  }
  req.log(
    `installing ${plan.order.length} packages into ${rootfs}: ${plan.order.map((p) => p.name).join(" ")}`,
  );
  const requested = new Set(plan.requested);

  const workdir = mkdtempSync(path.join(tmpdir(), "kiln-rootfs-"));
  try {
    const packages: InstalledPackage[] = [];
    const postinsts: Postinst[] = [];
    // One fakeroot session empties the root filesystem and unpacks every package.
    const script = ["set -u", ...emptyRootfsCommands(rootfs)];
    const canChown = req.fakeroot.length > 0 || process.getuid?.() === 0;
    plan.order.forEach((pkg, i) => {
      const archive = openPackage(pkg.file);
      const ctl = path.join(workdir, `control-${i}`);
      run(["mkdir", "-p", ctl]);
      const members = readControlArchive(archive.control, ctl, pkg.file);
      const [control] = parseControl(members.get("control")!.toString(), `${pkg.file}: control`);
      const name = control ? fieldOf(control, "Package")?.trim() : undefined;
      if (name !== pkg.name) {
        throw new ImageError(
          `${pkg.file} contains package ${name ?? "(none)"}, the feed index says ${pkg.name}`,
        );
      }
      const data = path.join(workdir, `data-${i}`);
      writeFileSync(data, archive.data.data);
      const tar = [
        "tar",
        "-x",
        ...decompressOption(archive.data.name),
        "-f",
        data,
        "-C",
        rootfs,
        "--numeric-owner",
        canChown ? "--same-owner" : "--no-same-owner",
        "--same-permissions",
        "--no-overwrite-dir",
        "--keep-directory-symlink",
        "--quoting-style=literal",
        "-v",
      ];
      const fail = `{ echo ${shellQuote(`kiln: cannot unpack ${pkg.name} (${pkg.file})`)} >&2; exit 1; }`;
      script.push(`${tar.map(shellQuote).join(" ")} > ${shellQuote(`${data}.list`)} || ${fail}`);
      packages.push({
        name: pkg.name,
        kind: archive.kind,
        control,
        members,
        files: [],
        requested: requested.has(pkg),
      });
      const postinst = members.get("postinst");
      if (postinst)
        postinsts.push({ name: pkg.name, kind: archive.kind, arch: pkg.arch, position: i, script: postinst });
    });
    const scriptFile = path.join(workdir, "unpack.sh");
    writeFileSync(scriptFile, `${script.join("\n")}\n`);
    run(["sh", scriptFile], { prefix: req.fakeroot });

    const owner = new Map<string, string>();
    packages.forEach((p, i) => {
      const listed = listedPaths(readFileSync(path.join(workdir, `data-${i}.list`), "utf8"));
      p.files = listed.map((e) => e.path);
      for (const e of listed) {
        if (e.dir) continue;
        const before = owner.get(e.path);
        if (before !== undefined && before !== p.name)
          req.log(`warning: ${p.name} overwrites ${e.path} from ${before}`);
        owner.set(e.path, p.name);
      }
    });
    writeStatusDatabases(rootfs, packages);
    const deferred = runPostinsts(rootfs, postinsts, { fakeroot: req.fakeroot, workdir, log: req.log });
    return { installed: plan.order, deferredPostinsts: deferred };
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}
