// A lock file per download (<file>.kiln-lock, apart from BitBake's own <file>.lock), so two builds sharing DL_DIR do not fetch the same thing at once.
// The lock file holds "host:pid"; a lock left by a process of this host that no longer runs is
// taken over.

import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function stale(lockFile: string, owner: string): boolean {
  if (owner === "") {
    // Created but not yet written; only a crash leaves it like that for long.
    try {
      return Date.now() - statSync(lockFile).mtimeMs > 10_000;
    } catch {
      return false;
    }
  }
  const colon = owner.lastIndexOf(":");
  if (colon < 0) return true;
  const host = owner.slice(0, colon);
  const pid = Number(owner.slice(colon + 1));
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true; // only ever left behind by a call of ours that ended
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Run `fn` holding `<target>.kiln-lock`; waits (logging once) while another process holds it. */
export function withLock<T>(target: string, log: (line: string) => void, fn: () => T): T {
  const lockFile = `${target}.kiln-lock`;
  mkdirSync(path.dirname(lockFile), { recursive: true });
  const me = `${os.hostname()}:${process.pid}`;
  let waited = false;
  for (;;) {
    let fd: number;
    try {
      fd = openSync(lockFile, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let owner = "";
      try {
        owner = readFileSync(lockFile, "utf8").trim();
      } catch {
        continue; // released meanwhile
      }
      if (stale(lockFile, owner)) {
        // Move it aside atomically (only one taker succeeds); put back a fresh lock moved by mistake.
        const aside = `${lockFile}.stale.${process.pid}`;
        try {
          renameSync(lockFile, aside);
          if (readFileSync(aside, "utf8").trim() === owner) rmSync(aside, { force: true });
          else renameSync(aside, lockFile);
        } catch {
          // someone else took it over first
        }
        continue;
      }
      if (!waited) {
        log(`Waiting for ${lockFile} (held by ${owner || "another process"})`);
        waited = true;
      }
      sleep(200);
      continue;
    }
    try {
      writeSync(fd, me);
    } finally {
      closeSync(fd);
    }
    break;
  }
  try {
    return fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
