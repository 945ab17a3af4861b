// Identifiers of a disk that the kickstart does not give: derived from the image's identity (its
// name and the kickstart's name) and the partition's place, never random, so that two builds of
// the same image give the same disk, and two different images do not share GUIDs. The content
// and SOURCE_DATE_EPOCH are left out on purpose: root=PARTUUID=... stays valid across releases
// of the same image (what A/B updates and boot entries written once expect).

import { createHash } from "node:crypto";

function digest(words: string[]): Buffer {
  return createHash("sha256").update(words.join("\0")).digest();
}

/** An RFC 4122 name-based UUID (version 5 layout, SHA-256 truncated), lower case. */
export function derivedUuid(...words: string[]): string {
  const b = digest(["kiln-disk", ...words]).subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A 32-bit id (MBR disk signature, FAT volume id), never 0. */
export function derivedId32(...words: string[]): number {
  const n = digest(["kiln-disk", ...words]).readUInt32BE(0);
  return n === 0 ? 1 : n;
}

export function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}
