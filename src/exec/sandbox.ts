// What a task's programs run inside: a network namespace of their own unless the task has
// [network] (as BitBake does, so that only do_fetch can reach the network), fakeroot for
// [fakeroot] tasks (file owners and modes recorded in a per-recipe state file, so that what
// do_install set up is still there when packages are made), and a parent-death signal so that
// killing kiln does not leave task processes running.

import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { threadId } from "node:worker_threads";
import { writeFileAtomic } from "../util/atomic.js";

const works = (argv: string[]) =>
  spawnSync(argv[0], [...argv.slice(1), "true"], { stdio: "ignore" }).status === 0;
const memo = new Map<string, string[] | null>();

/**
 * `unshare` with the namespaces asked for (--net: no network; --pid: a PID namespace whose first
 * process reaps orphans, which fakeroot needs to end quickly, and whose end kills whatever the
 * task left running), adding a user namespace where this machine allows it only that way;
 * null when neither works here.
 */
function unshare(net: boolean, pid: boolean): string[] | null {
  const key = `${net}:${pid}`;
  if (!memo.has(key)) {
    const flags = [...(net ? ["--net"] : []), ...(pid ? ["--pid", "--fork", "--kill-child=SIGKILL"] : [])];
    const found = [
      ["unshare", ...flags],
      ["unshare", "--user", "--map-current-user", ...flags],
    ].find(works);
    memo.set(key, found ?? null);
  }
  return memo.get(key)!;
}

/** The command prefix that cuts a process off the network, or null where this machine forbids it. */
export function networkIsolation(): string[] | null {
  return unshare(true, false);
}

let deathSignal: string[] | undefined;

/** `setpriv --pdeathsig KILL` where setpriv exists: the task dies with kiln. */
function parentDeathSignal(): string[] {
  if (deathSignal === undefined) {
    const r = spawnSync("setpriv", ["--pdeathsig", "KILL", "true"], { stdio: "ignore" });
    deathSignal = r.status === 0 ? ["setpriv", "--pdeathsig", "KILL", "--"] : [];
  }
  return deathSignal;
}

export interface SandboxOptions {
  network: boolean;
  /** The recipe's fakeroot state file, for [fakeroot] tasks. */
  fakerootState?: string;
}

/** The words to put before a task's program. */
export function sandboxPrefix(opts: SandboxOptions): string[] {
  const prefix = [...parentDeathSignal()];
  const fakeroot = Boolean(opts.fakerootState);
  const namespaces =
    !opts.network || fakeroot
      ? (unshare(!opts.network, fakeroot) ?? (fakeroot ? unshare(!opts.network, false) : null))
      : null;
  // One fakeroot session at a time per state file: each saves the records it loaded plus its
  // own, so two at once (a task and the archiving of another task's output, two restores) would
  // lose what the one that saves first recorded. flock stays outside the PID namespace: its first
  // process must be fakeroot's shell, which reaps faked (fakeroot waits for faked to be gone).
  // (flock's child gets the parent-death signal again, so that it dies with flock, flock with kiln.)
  if (opts.fakerootState && hasFlock()) {
    prefix.push("flock", fakerootLockFile(opts.fakerootState), ...parentDeathSignal());
  }
  if (namespaces) prefix.push(...namespaces);
  if (opts.fakerootState) {
    mkdirSync(path.dirname(opts.fakerootState), { recursive: true });
    pruneFakerootState(opts.fakerootState);

    // FAKEROOTDONTTRYCHOWN: do not also chown for real (which succeeds when kiln runs as root).
    // Always load what earlier sessions recorded (an empty file at first): a session that saved
    // without loading would replace the records with only its own.
    if (!existsSync(opts.fakerootState)) writeFileSync(opts.fakerootState, "");
    prefix.push(
      "env",
      "FAKEROOTDONTTRYCHOWN=1",
      "fakeroot",
      "-i",
      opts.fakerootState,
      "-s",
      opts.fakerootState,
      "--",
    );
  }
  return prefix;
}

let flockWorks: boolean | undefined;
function hasFlock(): boolean {
  flockWorks ??= spawnSync("flock", ["--version"], { stdio: "ignore" }).status === 0;
  return flockWorks;
}

/** The lock file fakeroot sessions on a state file take turns with (flock(1)). */
export function fakerootLockFile(state: string): string {
  return `${state}.lock`;
}

/**
 * fakeroot remembers files by device and inode number. When a file is deleted its inode is
 * reused, and a stale record would give the new file (a run script, say) the old one's type,
 * owner and mode. So before each use, keep only records of files that still exist below the
 * recipe's WORKDIR (the state lives in WORKDIR/pseudo), outside its temp directory, with the
 * same file type.
 */
export function pruneFakerootState(state: string): void {
  let text: string;
  try {
    text = readFileSync(state, "utf8");
  } catch {
    return;
  }
  const workdir = path.dirname(path.dirname(state));
  const live = new Map<string, number>();
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      if (file === path.join(workdir, "temp") || file === path.dirname(state)) continue;
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(file);
      } catch {
        continue;
      }
      live.set(`${st.dev.toString(16)},${st.ino}`, st.mode & 0o170000);
      if (st.isDirectory()) walk(file);
    }
  };
  walk(workdir);
  const kept = text.split("\n").filter((line) => {
    const m = /^dev=([0-9a-f]+),ino=(\d+),mode=([0-7]+),/.exec(line);
    if (!m) return false;
    return live.get(`${m[1]},${m[2]}`) === (Number.parseInt(m[3], 8) & 0o170000);
  });
  const pruned = kept.length > 0 ? `${kept.join("\n")}\n` : "";
  if (pruned === text) return;
  if (!hasFlock()) {
    writeFileAtomic(state, pruned);
    return;
  }
  // Replace the state only if no session saved another one since it was read (under the
  // sessions' lock); otherwise leave it, to be pruned next time.
  const seen = `${state}.seen.${process.pid}.${threadId}`;
  const next = `${state}.pruned.${process.pid}.${threadId}`;
  writeFileSync(seen, text);
  writeFileSync(next, pruned);
  spawnSync(
    "flock",
    [
      fakerootLockFile(state),
      "sh",
      "-c",
      'if cmp -s "$1" "$2"; then mv -f "$3" "$1"; fi; rm -f "$2" "$3"',
      "sh",
      state,
      seen,
      next,
    ],
    { stdio: "ignore" },
  );
}
