// Choosing what to install: the wanted names resolved through Package and Provides, their
// Depends (and Recommends) followed transitively, then ordered dependencies first.
//
// Resolution rules:
//   - a clause "a (>= 1) | b" is satisfied by a package already chosen if one fits any
//     alternative; otherwise by the first alternative that the feed can satisfy;
//   - a name is satisfied by a package of that name (the highest version that meets the
//     constraint, the earlier feed on a tie), else by packages providing it (by package name);
//     a versioned relation is met through Provides only by a versioned "name (= version)";
//   - excluded packages are never chosen; only one version of a package is ever chosen;
//   - a Depends (or a wanted name) that cannot be met is reported in `missing`, an unmet
//     Recommends is skipped.
// Order: dependencies (Depends and Recommends) before dependents, ties broken by package name;
// a cycle is broken at the package with the fewest unmet Depends (then by name).

import { compareVersions, satisfiesVersion } from "./debversion.js";
import { ImageError } from "./errors.js";
import type { FeedPackage } from "./feed.js";
import { parseClause, type Relation } from "./relations.js";

export interface MissingDependency {
  /** The clause that cannot be met, as written ("foo (>= 2)", "a | b"). */
  name: string;
  /** The package that needs it, or REQUESTED for a name in the install list. */
  neededBy: string;
  /** Why: "not in the feed", "excluded", "no version satisfies it (feed has foo 1.0)"... */
  reason: string;
}

export interface InstallPlan {
  /** Packages to install, dependencies first. */
  order: FeedPackage[];
  missing: MissingDependency[];
  /** The packages chosen for the wanted names, in the order asked for. */
  requested: FeedPackage[];
}

export interface PlanOptions {
  /** Do not follow Recommends. */
  noRecommends?: boolean;
  /** Package names never to install. */
  exclude?: string[];
}

/** `neededBy` of a name in the install list itself. */
export const REQUESTED = "(install list)";

interface Provider {
  pkg: FeedPackage;
  rel: Relation;
}

function byVersionDesc(a: FeedPackage, b: FeedPackage): number {
  // Array.prototype.sort is stable: equal versions keep feed order.
  return -compareVersions(a.version, b.version);
}

class FeedIndex {
  private byName = new Map<string, FeedPackage[]>();
  private providers = new Map<string, Provider[]>();

  constructor(
    feed: FeedPackage[],
    private excluded: Set<string>,
  ) {
    for (const pkg of feed) {
      const list = this.byName.get(pkg.name) ?? [];
      list.push(pkg);
      this.byName.set(pkg.name, list);
      for (const entry of pkg.provides) {
        const alts = parseClause(entry, `Provides of ${pkg.name}`);
        if (alts.length !== 1) throw new ImageError(`Provides of ${pkg.name}: alternatives in ${entry}`);
        const p = this.providers.get(alts[0].name) ?? [];
        p.push({ pkg, rel: alts[0] });
        this.providers.set(alts[0].name, p);
      }
    }
  }

  /** Whether pkg meets relation r, by name or through Provides. */
  meets(pkg: FeedPackage, r: Relation): boolean {
    if (pkg.name === r.name) return !r.op || satisfiesVersion(pkg.version, r.op, r.version!);
    return (this.providers.get(r.name) ?? []).some(
      (p) =>
        p.pkg === pkg && (!r.op || (p.rel.op === "=" && satisfiesVersion(p.rel.version!, r.op, r.version!))),
    );
  }

  /** Packages that can satisfy r, best first. */
  candidates(r: Relation): FeedPackage[] {
    const real = (this.byName.get(r.name) ?? [])
      .filter((p) => !this.excluded.has(p.name) && this.meets(p, r))
      .sort(byVersionDesc);
    const virtual = (this.providers.get(r.name) ?? [])
      .map((p) => p.pkg)
      .filter((p) => p.name !== r.name && !this.excluded.has(p.name) && this.meets(p, r))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : byVersionDesc(a, b)));
    return [...real, ...virtual];
  }

  /** Why nothing satisfies r. */
  whyMissing(r: Relation, selected: Map<string, FeedPackage>): string {
    const all = [...(this.byName.get(r.name) ?? []), ...(this.providers.get(r.name) ?? []).map((p) => p.pkg)];
    if (all.length === 0) return "not in the feed";
    if (all.every((p) => this.excluded.has(p.name))) return "excluded";
    const fitting = all.filter((p) => !this.excluded.has(p.name) && this.meets(p, r));
    if (fitting.length > 0) {
      const chosen = fitting.map((p) => selected.get(p.name)).find((p) => p !== undefined);
      if (chosen) return `conflicts with ${chosen.name} ${chosen.version}, already chosen`;
    }
    const have = [...new Set(all.map((p) => `${p.name} ${p.version}`))].join(", ");
    return `no version satisfies it (feed has ${have})`;
  }
}

interface Need {
  clause: string;
  alts: Relation[];
  neededBy: FeedPackage | null;
  hard: boolean;
}

export function planInstall(feed: FeedPackage[], wanted: string[], opts: PlanOptions = {}): InstallPlan {
  const index = new FeedIndex(feed, new Set(opts.exclude ?? []));
  const selected = new Map<string, FeedPackage>();
  const missing: MissingDependency[] = [];
  const missingSeen = new Set<string>();
  const requested: FeedPackage[] = [];
  /** package name → its chosen dependencies (name → hard?). */
  const deps = new Map<string, Map<string, boolean>>();

  const choose = (alts: Relation[]): FeedPackage | null => {
    for (const r of alts) {
      for (const pkg of selected.values()) if (index.meets(pkg, r)) return pkg;
    }
    for (const r of alts) {
      const ok = index.candidates(r).filter((p) => {
        const have = selected.get(p.name);
        return !have || have === p;
      });
      if (ok.length > 0) return ok[0];
    }
    return null;
  };

  const queue: Need[] = wanted.map((w) => ({
    clause: w.trim(),
    alts: parseClause(w.trim(), "install list"),
    neededBy: null,
    hard: true,
  }));
  const enqueue = (pkg: FeedPackage) => {
    for (const clause of pkg.depends) {
      queue.push({ clause, alts: parseClause(clause, `Depends of ${pkg.name}`), neededBy: pkg, hard: true });
    }
    if (opts.noRecommends) return;
    for (const clause of pkg.recommends) {
      queue.push({
        clause,
        alts: parseClause(clause, `Recommends of ${pkg.name}`),
        neededBy: pkg,
        hard: false,
      });
    }
  };

  for (let i = 0; i < queue.length; i++) {
    const need = queue[i];
    const pkg = choose(need.alts);
    if (!pkg) {
      if (!need.hard) continue;
      const neededBy = need.neededBy?.name ?? REQUESTED;
      const key = `${need.clause}\0${neededBy}`;
      if (!missingSeen.has(key)) {
        missingSeen.add(key);
        const reason = need.alts.map((r) => index.whyMissing(r, selected)).join("; ");
        missing.push({ name: need.clause, neededBy, reason });
      }
      continue;
    }
    if (need.neededBy === null) {
      if (!requested.includes(pkg)) requested.push(pkg);
    } else if (need.neededBy !== pkg) {
      const edges = deps.get(need.neededBy.name) ?? new Map<string, boolean>();
      edges.set(pkg.name, (edges.get(pkg.name) ?? false) || need.hard);
      deps.set(need.neededBy.name, edges);
    }
    if (!selected.has(pkg.name)) {
      selected.set(pkg.name, pkg);
      enqueue(pkg);
    }
  }

  return { order: orderPackages(selected, deps), missing, requested };
}

/** Kahn's algorithm, smallest name first among the ready; cycles broken deterministically. */
function orderPackages(
  selected: Map<string, FeedPackage>,
  deps: Map<string, Map<string, boolean>>,
): FeedPackage[] {
  const pending = new Map<string, number>();
  const pendingHard = new Map<string, number>();
  const dependents = new Map<string, Array<{ name: string; hard: boolean }>>();
  for (const name of selected.keys()) {
    const edges = deps.get(name) ?? new Map<string, boolean>();
    pending.set(name, edges.size);
    pendingHard.set(name, [...edges.values()].filter(Boolean).length);
    for (const [dep, hard] of edges) {
      const list = dependents.get(dep) ?? [];
      list.push({ name, hard });
      dependents.set(dep, list);
    }
  }
  const remaining = new Set(selected.keys());
  const ready = [...remaining].filter((n) => pending.get(n) === 0).sort();
  const out: FeedPackage[] = [];
  const insertReady = (name: string) => {
    let lo = 0;
    let hi = ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ready[mid] < name) lo = mid + 1;
      else hi = mid;
    }
    ready.splice(lo, 0, name);
  };
  while (remaining.size > 0) {
    let next = ready.shift();
    if (next === undefined) {
      // A cycle: take the package with the fewest unmet Depends, then the smallest name.
      for (const name of remaining) {
        if (
          next === undefined ||
          pendingHard.get(name)! < pendingHard.get(next)! ||
          (pendingHard.get(name) === pendingHard.get(next) && name < next)
        ) {
          next = name;
        }
      }
    }
    const name = next!;
    if (!remaining.has(name)) continue;
    remaining.delete(name);
    out.push(selected.get(name)!);
    for (const d of dependents.get(name) ?? []) {
      if (!remaining.has(d.name)) continue;
      const left = pending.get(d.name)! - 1;
      pending.set(d.name, left);
      if (d.hard) pendingHard.set(d.name, pendingHard.get(d.name)! - 1);
      if (left === 0) insertReady(d.name);
    }
  }
  return out;
}

/** The message for unmet dependencies, one per line. */
export function describeMissing(missing: MissingDependency[]): string {
  return missing
    .map((m) =>
      m.neededBy === REQUESTED
        ? `  ${m.name} (asked for): ${m.reason}`
        : `  ${m.name} needed by ${m.neededBy}: ${m.reason}`,
    )
    .join("\n");
}
