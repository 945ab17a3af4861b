// Clamping modification times in a root filesystem to SOURCE_DATE_EPOCH, so that every image
// format (not only tar, which can clamp by itself) records the same times on every build.
// Times are not something fakeroot keeps, so this needs no fakeroot.

import { lutimesSync } from "node:fs";
import type { Entry } from "./walk.js";

/** Set atime and mtime of entries modified after epoch to epoch; returns how many changed. */
export function clampMtimes(entries: Entry[], epoch: number): number {
  let changed = 0;
  for (const e of entries) {
    if (e.st.mtimeMs <= epoch * 1000) continue;
    lutimesSync(e.host, epoch, epoch);
    changed++;
  }
  return changed;
}
