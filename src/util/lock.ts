// Lock files that survive a kill: the file holds the owner's process id and start time, so a
// lock left by a process that no longer exists (killed with SIGKILL) is taken over, not waited on.

import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

export interface HeldLock {
  file: string;
  release(): void;
}

/** This process's identity: "pid start-time" (start time from /proc, so a reused pid is told apart). */
function owner(pid = process.pid): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return `${pid} ${fields[19]}`;
  } catch {
    return null;
  }
}

/** Who holds `file` now, or null when nobody alive does. */
export function lockHolder(file: string): number | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch {
    return null;
  }
  const pid = Number(text.split(" ")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return owner(pid) === text ? pid : null;
}

/** Take `file` if it is free (or its holder is gone); null when a live process holds it. */
export function tryLock(file: string): HeldLock | null {
  const me = owner() ?? `${process.pid} 0`;
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, `${me}\n`);
      closeSync(fd);
      return {
        file,
        release: () => {
          try {
            if (readFileSync(file, "utf8").trim() === me) rmSync(file, { force: true });
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (lockHolder(file) !== null) return null;
    // A stale lock: move it aside atomically (only one taker succeeds); if what was moved is a
    // live owner's fresh lock (another taker was faster), put it back.
    const aside = path.join(path.dirname(file), `.${path.basename(file)}.stale.${process.pid}`);
    try {
      renameSync(file, aside);
      if (lockHolder(aside) !== null) renameSync(aside, file);
      else rmSync(aside, { force: true });
    } catch {
      // someone else took it over first
    }
  }
  return null;
}

/** Wait until `file` can be taken (polling), then hold it. */
export async function acquireLock(file: string, pollMs = 50): Promise<HeldLock> {
  for (;;) {
    const held = tryLock(file);
    if (held) return held;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
