// Listing a root filesystem exactly: names as bytes (not every name is UTF-8), entries sorted
// bytewise by path (as `LC_ALL=C sort` would), directories not followed through symbolic links.

import { lstatSync, readdirSync, type Stats } from "node:fs";

export interface Entry {
  /** Path relative to the root, "" for the root itself, no leading "./". */
  rel: Buffer;
  /** Host path. */
  host: Buffer;
  st: Stats;
}

const SLASH = Buffer.from("/");

export function walkRootfs(rootfs: string): Entry[] {
  const out: Entry[] = [];
  const visit = (rel: Buffer, host: Buffer) => {
    const st = lstatSync(host);
    out.push({ rel, host, st });
    if (!st.isDirectory()) return;
    for (const name of readdirSync(host, { encoding: "buffer" })) {
      visit(rel.length === 0 ? name : Buffer.concat([rel, SLASH, name]), Buffer.concat([host, SLASH, name]));
    }
  };
  visit(Buffer.alloc(0), Buffer.from(rootfs));
  return out.sort((a, b) => Buffer.compare(a.rel, b.rel));
}
