// Shared library dependencies between packages: which SONAMEs each package provides (its shared
// libraries) and needs (NEEDED entries of its ELF files), and from those the runtime dependencies
// that do_package adds to RDEPENDS.

import path from "node:path";
import { readDynamic } from "./elf.js";
import type { SplitPackage, SplitResult } from "./split.js";
import { type ElfFile, isDebugPath } from "./strip.js";
import { byteOrder } from "./tree.js";

function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort(byteOrder);
}

/**
 * SONAMEs provided and needed per package, from the ELF executables and shared objects (found in D,
 * `elfFiles`) that ended up in each package under `dest`. Symbolic links and debug files are not
 * looked at; one readelf run covers all files.
 */
export function collectShlibs(
  dest: string,
  packages: SplitPackage[],
  elfFiles: Map<string, ElfFile>,
  readelf: string,
): { shlibProvides: Record<string, string[]>; shlibNeeds: Record<string, string[]> } {
  const owner = new Map<string, string>(); // absolute path → package
  for (const pkg of packages) {
    for (const rel of pkg.files) {
      const elf = elfFiles.get(rel);
      if (!elf || isDebugPath(rel) || (elf.type !== "shared" && elf.type !== "executable")) continue;
      owner.set(path.join(dest, pkg.name, rel), pkg.name);
    }
  }
  const info = readDynamic([...owner.keys()], readelf);
  const provides = new Map<string, string[]>(packages.map((p) => [p.name, []]));
  const needs = new Map<string, string[]>(packages.map((p) => [p.name, []]));
  for (const [file, pkg] of owner) {
    const dyn = info.get(file)!;
    if (dyn.soname) provides.get(pkg)!.push(dyn.soname);
    needs.get(pkg)!.push(...dyn.needed);
  }
  const shlibProvides: Record<string, string[]> = {};
  const shlibNeeds: Record<string, string[]> = {};
  for (const p of packages) {
    shlibProvides[p.name] = sortedUnique(provides.get(p.name)!);
    shlibNeeds[p.name] = sortedUnique(needs.get(p.name)!);
  }
  return { shlibProvides, shlibNeeds };
}

/**
 * Runtime dependencies from shared libraries: for each package, the packages providing the SONAMEs
 * it needs, sorted, without itself. Providers are looked up in the split's own shlibProvides first,
 * then in `providers` (SONAME → package, e.g. from other recipes' pkgdata). SONAMEs nobody provides
 * are reported through `log` (when given) and otherwise ignored, as do_package does.
 */
export function shlibDepends(
  result: Pick<SplitResult, "shlibProvides" | "shlibNeeds">,
  providers: Record<string, string>,
  log?: (line: string) => void,
): Record<string, string[]> {
  const provider = new Map<string, string>(Object.entries(providers));
  for (const [pkg, sonames] of Object.entries(result.shlibProvides)) {
    for (const soname of sonames) provider.set(soname, pkg);
  }
  const out: Record<string, string[]> = {};
  for (const [pkg, needed] of Object.entries(result.shlibNeeds)) {
    const deps: string[] = [];
    for (const soname of needed) {
      const p = provider.get(soname);
      if (p === undefined) log?.(`${pkg}: no package provides ${soname}`);
      else if (p !== pkg) deps.push(p);
    }
    out[pkg] = sortedUnique(deps);
  }
  return out;
}
