// The fetch stage as metadata Python reaches it: bb.fetch2.Fetch(...).download() and .unpack(root),
// and kiln.apply_patches(d) (used by meta-kiln's do_patch), answered from the recipe's datastore.

import type { DataStore } from "../data/index.js";
import { applyPatches, download, type FetchEnv, patchesOf, unpack } from "../fetch/index.js";
import { type PythonRuntime, raisingAs } from "../python/index.js";

function fetchEnv(python: PythonRuntime, d: DataStore): FetchEnv {
  const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  return {
    dlDir: str(d.getVar("DL_DIR")),
    filesPath: str(d.getVar("FILESPATH")).split(":").filter(Boolean),
    noNetwork: str(d.getVar("BB_NO_NETWORK")) === "1",
    premirrors: str(d.getVar("PREMIRRORS")),
    mirrors: str(d.getVar("MIRRORS")),
    strictChecksum: str(d.getVar("BB_STRICT_CHECKSUM")),
    srcrev: (name) =>
      str(d.getVar(`SRCREV_${name}`)) || (name === "default" ? str(d.getVar("SRCREV")) : "") || undefined,
    checksum: (name, kind) =>
      str(d.getVarFlag("SRC_URI", name === "default" ? kind : `${name}.${kind}`)) || undefined,
    log: (line) => python.log("note", line),
    warn: (line) => python.log("warn", line),
  };
}

/** Fetch failures reach Python as bb.fetch2.FetchError with kiln's message. */
const asFetchError = <T>(fn: () => T): T => raisingAs("FetchError", fn);

export function provideFetchServices(python: PythonRuntime): void {
  python.provide("fetch.download", (d, args) => {
    const { urls } = args as { urls: string[] };
    asFetchError(() => download(urls, fetchEnv(python, d)));
    return null;
  });
  python.provide("fetch.unpack", (d, args) => {
    const { urls, root } = args as { urls: string[]; root: string };
    asFetchError(() => unpack(urls, fetchEnv(python, d), root));
    return null;
  });
  python.provide("fetch.patch", (d, args) => {
    const { urls, sourceDir } = args as { urls: string[]; sourceDir: string };
    const env = fetchEnv(python, d);
    asFetchError(() => applyPatches(patchesOf(urls, env), sourceDir, env.log));
    return null;
  });
}
