// The archive's sha256 and its ".sha256" sidecar, written in the format `sha256sum -c` reads.

import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";

const CHUNK = 1 << 20;

/** sha256 of an open file's whole contents, read by position (the file offset is left alone). */
export async function sha256OfHandle(fh: FileHandle): Promise<string> {
  const hash = createHash("sha256");
  const buf = Buffer.allocUnsafe(CHUNK);
  let position = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, CHUNK, position);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest("hex");
}

export function formatSidecar(sha256: string, archiveName: string): string {
  return `${sha256}  ${archiveName}\n`;
}

/** The hex digest a sidecar holds, or undefined when it does not start with one. */
export function parseSidecar(text: string): string | undefined {
  const m = /^([0-9a-f]{64})(?:\s|$)/.exec(text.trimStart());
  return m ? m[1] : undefined;
}
