// The Python libraries layers make importable (`addpylib DIR NAMESPACE`, e.g. OpenEmbedded's
// `oe`): any metadata may call them while a recipe is parsed, so their files are inputs of every
// parse. The parse cache is keyed on their content, and the server parses its configuration (and
// imports them) again when one changes.

import { createHash } from "node:crypto";
import path from "node:path";
import { filesUnder } from "../util/walk.js";
import { FileHasher } from "./cache.js";
import { isDir } from "./paths.js";

export interface LayerLibrary {
  dir: string;
  namespace: string;
}

/** The Python files of each library: DIR/NAMESPACE.py, or every .py file under DIR/NAMESPACE/. */
export function layerLibraryFiles(libraries: LayerLibrary[]): string[] {
  const files: string[] = [];
  for (const { dir, namespace } of libraries) {
    const pkg = path.join(dir, namespace);
    if (isDir(pkg)) files.push(...filesUnder(pkg, ".py"));
    else files.push(`${pkg}.py`);
  }
  return files;
}

/** The files' stats and hashes, kept for the process's next parse (kiln's server): a file is
 * read and hashed again only when its stat changed. */
const stamps = new FileHasher().known;

/** A hash of the libraries' files (names and content hashes; a missing file counts as missing). */
export function layerLibrariesKey(libraries: LayerLibrary[]): string {
  const hasher = new FileHasher(stamps);
  const h = createHash("sha256");
  for (const file of layerLibraryFiles(libraries)) h.update(`${file}\0${hasher.hash(file)}\n`);
  return h.digest("hex").slice(0, 32);
}
