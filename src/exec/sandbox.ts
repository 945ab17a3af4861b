// What a task's programs run inside: a network namespace of their own unless the task has
// [network] (as BitBake does, so that only do_fetch can reach the network), fakeroot for
// [fakeroot] tasks (file owners and modes recorded in a per-recipe state file, so that what
// do_install set up is still there when packages are made), and a parent-death signal so that
// killing kiln does not leave task processes running.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";

let isolation: string[] | null | undefined;

/** The command prefix that cuts a process off the network, or null where this machine forbids it. */
export function networkIsolation(): string[] | null {
  if (isolation !== undefined) return isolation;
  isolation = null;
  for (const prefix of [
    ["unshare", "--net"],
    ["unshare", "--user", "--map-current-user", "--net"],
  ]) {
    const r = spawnSync(prefix[0], [...prefix.slice(1), "true"], { stdio: "ignore" });
    if (r.status === 0) {
      isolation = prefix;
      break;
    }
  }
  return isolation;
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
  if (!opts.network) prefix.push(...(networkIsolation() ?? []));
  if (opts.fakerootState) {
    mkdirSync(path.dirname(opts.fakerootState), { recursive: true });
    prefix.push("fakeroot", "-s", opts.fakerootState);
    if (existsSync(opts.fakerootState)) prefix.push("-i", opts.fakerootState);
    prefix.push("--");
  }
  return prefix;
}
