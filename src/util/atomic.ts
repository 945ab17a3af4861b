// Writing a file so that readers see either the old or the new contents, never a partial one:
// write a temporary file next to it, then rename it over the original.

import { renameSync, rmSync, writeFileSync } from "node:fs";

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp.${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
