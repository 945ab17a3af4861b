// do_package's file handling: copy D to PKGD, strip ELF files there (separating debug information),
// then hand every entry of PKGD to the first package (in PACKAGES order) whose FILES match it,
// moving it to PKGDEST/<package>/. The whole job is planned on an in-memory picture of the tree and
// then run as one shell script under the caller's fakeroot prefix, so the owners and modes recorded
// in the session carry over (and the session is started once).

import { existsSync, lstatSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { type ElfType, elfType } from "./elf.js";
import { PackageError } from "./errors.js";
import { globTree } from "./glob.js";
import { shellQuote as q, runScript } from "./run.js";
import { collectShlibs } from "./shlibs.js";
import { type ElfFile, planStrip } from "./strip.js";
import { addPath, detach, leafPaths, listDisk, lookup, pathOf, readTree, type TreeNode } from "./tree.js";

export interface PackageSpec {
  /** The package name, e.g. "hello", "hello-dbg", "hello-dev". */
  name: string;
  /** FILES:<pkg>, already expanded: absolute paths and patterns (see glob.ts for the semantics). */
  files: string[];
  /** ALLOW_EMPTY:<pkg>: an empty package is still a package. */
  allowEmpty?: boolean;
}

export interface SplitRequest {
  /** ${D}: what do_install installed. Never modified. */
  installDir: string;
  /** ${PKGD}: recreated as a copy of D, stripped; what no package takes stays here. */
  pkgdDir: string;
  /** ${PKGDEST}: recreated, one directory per package. */
  splitDir: string;
  /** In PACKAGES order: every entry goes to the first package whose FILES match it. */
  packages: PackageSpec[];
  /** Strip ELF executables, shared libraries and kernel modules (INHIBIT_PACKAGE_STRIP != "1"). */
  strip: boolean;
  /**
   * The debug package (e.g. "hello-dbg"), when debug information is to be kept: when stripping,
   * each stripped file's debug information is first copied to /usr/lib/debug/<path>.debug, and the
   * stripped file gets a .gnu_debuglink to it. The .debug files go to whichever package's FILES
   * match them (normally this one, with FILES "/usr/lib/debug").
   */
  debugPackage?: string;
  /** Command prefix that runs a program inside the fakeroot session of D (may be empty). */
  fakeroot: string[];
  log(line: string): void;
  /** Binutils to use (${STRIP}, ${OBJCOPY}, ${READELF} for cross builds); default the host's. */
  tools?: { strip?: string; objcopy?: string; readelf?: string };
}

export interface SplitPackage {
  name: string;
  /** Non-directory entries (files, symbolic links, ...) relative to the package root, sorted. */
  files: string[];
  /** Nothing at all went into the package and it does not allow being empty: callers write no package. */
  empty: boolean;
}

export interface SplitResult {
  packages: SplitPackage[];
  /** Non-directory entries of D that no package took, relative to D, sorted (installed-vs-shipped). */
  unshipped: string[];
  /** Package → SONAMEs of the shared libraries it contains (every package has an entry). */
  shlibProvides: Record<string, string[]>;
  /** Package → NEEDED SONAMEs of its ELF executables and libraries (every package has an entry). */
  shlibNeeds: Record<string, string[]>;
}

/** A package's planned work in the split script. */
interface PackagePlan {
  name: string;
  /** Directories created in the package for ancestors of what moves there, in creation order. */
  created: string[];
  /** Destination directory (relative) → entries of PKGD (relative) that move into it. */
  moves: Map<string, string[]>;
  /** Directories of PKGD emptied by moving their entries one by one into an existing directory. */
  emptied: string[];
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function checkRequest(req: SplitRequest): void {
  const d = path.resolve(req.installDir);
  if (!existsSync(d) || !statSync(d).isDirectory()) {
    throw new PackageError(`Install directory ${req.installDir} does not exist`);
  }
  const dirs = [d, path.resolve(req.pkgdDir), path.resolve(req.splitDir)];
  for (let i = 0; i < dirs.length; i++) {
    for (let j = i + 1; j < dirs.length; j++) {
      if (inside(dirs[i]!, dirs[j]!) || inside(dirs[j]!, dirs[i]!)) {
        throw new PackageError(
          `D (${req.installDir}), PKGD (${req.pkgdDir}) and PKGDEST (${req.splitDir}) must be separate directories`,
        );
      }
    }
  }
  const seen = new Set<string>();
  for (const p of req.packages) {
    if (!p.name || p.name === "." || p.name === ".." || p.name.includes("/")) {
      throw new PackageError(`Invalid package name '${p.name}'`);
    }
    if (seen.has(p.name)) throw new PackageError(`Package ${p.name} is listed twice`);
    seen.add(p.name);
  }
}

/** The ELF files of D (regular files starting with the ELF magic). */
function findElfFiles(installDir: string, tree: TreeNode): Map<string, ElfFile> {
  const out = new Map<string, ElfFile>();
  const walk = (node: TreeNode): void => {
    if (node.kind === "dir") {
      for (const c of node.children!.values()) walk(c);
      return;
    }
    if (node.kind !== "file") return;
    const rel = pathOf(node);
    const abs = path.join(installDir, rel);
    let type: ElfType | undefined;
    try {
      type = elfType(abs);
    } catch {
      return; // unreadable: not ours to strip
    }
    if (!type) return;
    const st = lstatSync(abs, { bigint: true });
    out.set(rel, { rel, type, inode: `${st.dev}:${st.ino}` });
  };
  walk(tree);
  return out;
}

function isAttached(node: TreeNode, root: TreeNode): boolean {
  let n: TreeNode | undefined = node;
  while (n?.parent) n = n.parent;
  return n === root;
}

/** Plan which entries of `tree` (PKGD after stripping) move to `spec`'s package, removing them. */
function planPackage(tree: TreeNode, spec: PackageSpec): PackagePlan {
  const plan: PackagePlan = { name: spec.name, created: [], moves: new Map(), emptied: [] };
  const existing = new Set<string>([""]); // directories already in the package
  const ensureParents = (rel: string): void => {
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (existing.has(dir)) continue;
      existing.add(dir);
      plan.created.push(dir);
    }
  };
  const take = (node: TreeNode): void => {
    const rel = pathOf(node);
    ensureParents(rel);
    if (node.kind === "dir" && existing.has(rel)) {
      // The directory is in the package already (as the parent of something taken before): merge.
      for (const child of [...node.children!.values()]) take(child);
      plan.emptied.push(rel);
    } else {
      const parent = path.posix.dirname(rel);
      const key = parent === "." ? "" : parent;
      const list = plan.moves.get(key) ?? [];
      list.push(rel);
      plan.moves.set(key, list);
    }
    detach(node);
  };
  for (const pattern of spec.files) {
    for (const node of globTree(tree, pattern)) {
      if (isAttached(node, tree)) take(node);
    }
  }
  return plan;
}

/** The part of the split script that fills one package directory. */
function packageCommands(plan: PackagePlan, pkgd: string, dest: string, tree: TreeNode): string[] {
  const root = path.join(dest, plan.name);
  const lines = [`mkdir ${q(root)}`];
  const touches: string[] = [];
  for (const dir of plan.created) {
    const src = q(path.join(pkgd, dir));
    const dst = q(path.join(root, dir));
    lines.push(`mkdir ${dst}`, `chown --reference=${src} ${dst}`, `chmod --reference=${src} ${dst}`);
    const mtime = lookup(tree, dir)?.mtime;
    if (mtime) touches.push(`touch -h -d @${mtime} ${dst}`);
  }
  for (const [dir, entries] of plan.moves) {
    for (let i = 0; i < entries.length; i += 256) {
      const chunk = entries.slice(i, i + 256).map((e) => q(path.join(pkgd, e)));
      lines.push(`mv -t ${q(path.join(root, dir))} -- ${chunk.join(" ")}`);
    }
  }
  // Deepest first: a directory is empty only once the ones inside it are gone.
  const emptied = [...plan.emptied].sort((a, b) => b.split("/").length - a.split("/").length);
  for (const dir of emptied) lines.push(`rmdir ${q(path.join(pkgd, dir))}`);
  return [...lines, ...touches];
}

/** Split D into packages (see SplitRequest). Throws PackageError when a tool fails. */
export function splitPackages(req: SplitRequest): SplitResult {
  checkRequest(req);
  const installDir = path.resolve(req.installDir);
  const pkgd = path.resolve(req.pkgdDir);
  const dest = path.resolve(req.splitDir);
  const tools = {
    strip: req.tools?.strip ?? "strip",
    objcopy: req.tools?.objcopy ?? "objcopy",
    readelf: req.tools?.readelf ?? "readelf",
  };

  // The picture of PKGD as it will be after copying and stripping (cp -a keeps names and times).
  const tree = readTree(installDir);
  const elfFiles = findElfFiles(installDir, tree);
  const splitDebug = req.debugPackage !== undefined;
  const strip = req.strip
    ? planStrip(pkgd, [...elfFiles.values()], splitDebug, tools)
    : { commands: [], debugFiles: [], stripped: [] };
  for (const f of strip.debugFiles) addPath(tree, f, "file");
  if (req.strip) {
    req.log(`Stripping ${strip.stripped.length} ELF file(s)${splitDebug ? " (debug information kept)" : ""}`);
  }
  if (splitDebug && !req.packages.some((p) => p.name === req.debugPackage)) {
    req.log(`WARNING: debug package ${req.debugPackage} is not one of the packages`);
  }

  const plans = req.packages.map((spec) => planPackage(tree, spec));

  mkdirSync(path.dirname(pkgd), { recursive: true });
  mkdirSync(path.dirname(dest), { recursive: true });
  const script = [
    `rm -rf ${q(pkgd)} ${q(dest)}`,
    `cp -a ${q(installDir)} ${q(pkgd)}`,
    ...strip.commands,
    `mkdir ${q(dest)}`,
    ...plans.flatMap((plan) => packageCommands(plan, pkgd, dest, tree)),
  ];
  runScript(req.fakeroot, script, `Splitting ${installDir} into packages`);

  const packages: SplitPackage[] = req.packages.map((spec) => {
    const listed = listDisk(path.join(dest, spec.name));
    const empty = listed.entries === 0 && !spec.allowEmpty;
    req.log(`${spec.name}: ${listed.files.length} file(s)${empty ? " (empty, not packaged)" : ""}`);
    return { name: spec.name, files: listed.files, empty };
  });
  const unshipped = leafPaths(tree);
  if (unshipped.length > 0) req.log(`${unshipped.length} installed file(s) not shipped in any package`);

  const shlibs = collectShlibs(dest, packages, elfFiles, tools.readelf);
  return { packages, unshipped, ...shlibs };
}
