// What a build must do, decided from the targets backwards: a task whose stamp matches its hash
// is current; a task whose outputs are in shared state is restored, and then its own
// dependencies are not needed; everything else runs, and so must what it depends on.

import { existsSync } from "node:fs";
import { hasOutputs, type SstateConfig, type SstateKey } from "../cache/index.js";
import { taskOf } from "../resolve/index.js";
import {
  compareSigData,
  followDeps,
  readSigData,
  type SigData,
  type SigFileData,
  sigdataFile,
} from "../tasks/index.js";
import type { RecipePrep } from "./prep.js";
import { isStamped, stampedHashes } from "./stamps.js";

export type Plan = "run" | "restore" | "current";

/** A task's outputs in shared state: where they are kept, under which key, from which dirs. */
export interface SstateTask {
  cfg: SstateConfig;
  key: SstateKey;
  dirs: string[];
}

/** What planning and executing know of every task of the graph. */
export interface BuildGraph {
  depends: Map<string, Set<string>>;
  /** The prepared recipe of a task. */
  prepOf(tid: string): RecipePrep;
  /** Every task's signature data, with its hash. */
  hashes: Map<string, SigData>;
  /** The tasks to run even if current (-f on the targets). */
  forced: Set<string>;
  /** The shared-state outputs of a task, if it has any. */
  sstateOf(tid: string): SstateTask | null;
}

export const hashOf = (g: BuildGraph, tid: string) => g.hashes.get(tid)!.taskhash;

/** How a task is named to people: "pn:do_task" (with "mc:NAME:" in a multiconfig). */
export const labelOf = (prep: RecipePrep, task: string) => `${prep.mcPrefix}${prep.pn}:${task}`;

export class Planner {
  readonly plan = new Map<string, Plan>();

  constructor(private readonly g: BuildGraph) {}

  /** Plan `start` and, for each task that must run, what it depends on. */
  async visit(start: string[]): Promise<void> {
    const queue = [...start];
    while (queue.length > 0) {
      const tid = queue.shift()!;
      if (this.plan.has(tid)) continue;
      const how = await this.decide(tid);
      this.plan.set(tid, how);
      if (how === "run") queue.push(...(this.g.depends.get(tid) ?? []));
    }
  }

  /** The tasks planned to run or be restored. */
  work(): string[] {
    return [...this.plan].filter(([, how]) => how !== "current").map(([tid]) => tid);
  }

  private async decide(tid: string): Promise<Plan> {
    const p = this.g.prepOf(tid);
    const t = taskOf(tid);
    const info = p.tasks[t];
    if (this.g.forced.has(tid) || info?.nostamp) return "run";
    if (isStamped(p.stamp, t, hashOf(this.g, tid))) return "current";
    const ss = this.g.sstateOf(tid);
    if (ss && !info?.noexec && (await hasOutputs(ss.cfg, ss.key))) return "restore";
    return "run";
  }

  /** Why a task is planned as it is (what `kiln build -n` says). */
  reason(tid: string): string {
    const how = this.plan.get(tid);
    if (how === "restore") return "restore from shared state";
    if (this.g.forced.has(tid)) return "run (forced)";
    const p = this.g.prepOf(tid);
    const t = taskOf(tid);
    if (p.tasks[t]?.nostamp) return "run (always runs: [nostamp])";
    const old = stampedHashes(p.stamp, t);
    if (old.length === 0) return "run (never ran)";
    const before = this.sigOf(p.stamp, t, old[0]);
    if (!before) return `run (hash changed from ${old[0].slice(0, 12)})`;
    const why = compareSigData(before, this.g.hashes.get(tid)!, followDeps(this.lookup()));
    return `run (hash changed: ${why.map((l) => l.trim().replace(/\s*\n\s*/g, " ")).join("; ") || "signature differs"})`;
  }

  private stamps?: Map<string, string>;

  /** A task's signature data of an earlier run, found by "pn:task" beside the stamps of the graph's recipes. */
  private lookup(): (pnid: string, hash: string) => SigFileData | undefined {
    if (!this.stamps) {
      this.stamps = new Map();
      for (const tid of this.g.depends.keys()) {
        const p = this.g.prepOf(tid);
        this.stamps.set(labelOf(p, taskOf(tid)), p.stamp);
      }
    }
    const stamps = this.stamps;
    return (pnid, hash) => {
      const stamp = stamps.get(pnid);
      return stamp === undefined ? undefined : this.sigOf(stamp, pnid.slice(pnid.lastIndexOf(":") + 1), hash);
    };
  }

  private sigOf(stamp: string, task: string, hash: string): SigFileData | undefined {
    const file = sigdataFile(stamp, task, hash);
    return existsSync(file) ? readSigData(file) : undefined;
  }
}

/** Dependencies before dependents, among `tids`. */
export function topological(tids: string[], depends: Map<string, Set<string>>): string[] {
  const wanted = new Set(tids);
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (tid: string) => {
    if (seen.has(tid)) return;
    seen.add(tid);
    for (const d of [...(depends.get(tid) ?? [])].sort()) if (wanted.has(d)) visit(d);
    out.push(tid);
  };
  for (const tid of [...tids].sort()) visit(tid);
  return out;
}
