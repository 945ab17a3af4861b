// Reading package feeds: directories of .ipk or .deb files indexed by a Debian-style `Packages`
// (or `Packages.gz`) file whose Filename fields are relative to the directory.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { type Fields, fieldOf, parseControl } from "./control.js";
import { ImageError } from "./errors.js";
import { splitClauses } from "./relations.js";

export interface FeedPackage {
  name: string;
  version: string;
  arch: string;
  /** Pre-Depends then Depends clauses, as written ("a (>= 1) | b"). */
  depends: string[];
  /** Provides entries, as written ("foo" or "foo (= 1.0)"). */
  provides: string[];
  /** Recommends clauses, as written. */
  recommends: string[];
  /** Absolute path of the package file. */
  file: string;
  /** Every field of the index paragraph. */
  fields: Record<string, string>;
}

function indexText(dir: string): { text: string; source: string } {
  const plain = path.join(dir, "Packages");
  if (existsSync(plain)) return { text: readFileSync(plain, "utf8"), source: plain };
  const gz = path.join(dir, "Packages.gz");
  if (existsSync(gz)) {
    try {
      return { text: gunzipSync(readFileSync(gz)).toString("utf8"), source: gz };
    } catch (e) {
      throw new ImageError(`${gz}: ${(e as Error).message}`);
    }
  }
  throw new ImageError(`package feed ${dir} has no index (Packages or Packages.gz)`);
}

export function feedPackage(fields: Fields, dir: string, source: string): FeedPackage {
  const need = (name: string): string => {
    const v = fieldOf(fields, name);
    if (v === undefined || v.trim() === "") {
      const pkg = fieldOf(fields, "Package") ?? "a package";
      throw new ImageError(`${source}: ${pkg} has no ${name} field`);
    }
    return v.trim();
  };
  return {
    name: need("Package"),
    version: need("Version"),
    arch: fieldOf(fields, "Architecture")?.trim() ?? "all",
    depends: [...splitClauses(fieldOf(fields, "Pre-Depends")), ...splitClauses(fieldOf(fields, "Depends"))],
    provides: splitClauses(fieldOf(fields, "Provides")),
    recommends: splitClauses(fieldOf(fields, "Recommends")),
    file: path.resolve(dir, need("Filename")),
    fields,
  };
}

/** Every package of every feed, in index order, feeds in the order given. */
export function readFeed(dirs: string[]): FeedPackage[] {
  const out: FeedPackage[] = [];
  for (const dir of dirs) {
    const abs = path.resolve(dir);
    const { text, source } = indexText(abs);
    for (const fields of parseControl(text, source)) out.push(feedPackage(fields, abs, source));
  }
  return out;
}
