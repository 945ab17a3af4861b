// Choosing the recipe that provides a name, as BitBake does: PREFERRED_VERSION (with "%"),
// REQUIRED_VERSION, DEFAULT_PREFERENCE, file priority, PREFERRED_PROVIDER and PREFERRED_PROVIDERS.

import type { DataStore, Reporter } from "../data/index.js";
import { pyCompare, pyStr } from "../data/index.js";
import type { RecipeInfo } from "../parse/index.js";
import { pySplit } from "../syntax/index.js";
import { pyMatch, pyRegExp } from "../util/pyregex.js";
import { type PEVR, vercmp } from "../util/version.js";

/** The facts provider selection needs about one parsed recipe (or variant). */
export type Candidate = Pick<
  RecipeInfo,
  "name" | "pn" | "pe" | "pv" | "pr" | "defaultPreference" | "provides" | "priority" | "skipped" | "deps"
>;

export class NoProvider extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoProvider";
  }
}

/** Parsed recipes indexed the way BitBake's recipe cache is. */
export class ProviderIndex {
  readonly byName = new Map<string, Candidate>();
  /** pn → recipe names. */
  readonly pkgPn = new Map<string, string[]>();
  /** provided name (every PN and PROVIDES entry) → recipe names. */
  readonly providers = new Map<string, string[]>();
  readonly skipped: Candidate[] = [];
  /** PREFERRED_PROVIDERS entries ("providee:provider"). */
  readonly preferred = new Map<string, string>();
  /** pn → every name its recipes provide. */
  readonly pnProvides = new Map<string, string[]>();
  /** Runtime names (RPROVIDES, also per package) → recipe names. */
  readonly rproviders = new Map<string, string[]>();
  /** Package names → recipe names. */
  readonly packages = new Map<string, string[]>();
  /** PACKAGES_DYNAMIC patterns → recipe names. */
  readonly packagesDynamic = new Map<string, string[]>();
  private readonly runtimeMemo = new Map<string, string[]>();
  private dynamic?: Array<[RegExp, string[]]>;

  constructor(candidates: Candidate[], config: DataStore, reporter: Reporter) {
    for (const c of candidates) {
      if (c.skipped !== undefined) {
        this.skipped.push(c);
        continue;
      }
      this.byName.set(c.name, c);
      push(this.pkgPn, c.pn, c.name);
      const provides = [c.pn];
      for (const p of c.provides) if (!provides.includes(p)) provides.push(p);
      for (const p of provides) push(this.providers, p, c.name);
      const pnProvides = this.pnProvides.get(c.pn) ?? [];
      this.pnProvides.set(c.pn, pnProvides);
      for (const p of provides) if (!pnProvides.includes(p)) pnProvides.push(p);
      if (c.deps) this.indexRuntime(c.name, c.deps);
    }
    for (const entry of pySplit(String(config.getVar("PREFERRED_PROVIDERS") ?? ""))) {
      const parts = entry.split(":");
      if (parts.length !== 2) {
        reporter.error(`Malformed option in PREFERRED_PROVIDERS variable: ${entry}`);
        continue;
      }
      const [providee, provider] = parts;
      const existing = this.preferred.get(providee);
      if (existing !== undefined && existing !== provider) {
        reporter.error(`conflicting preferences for ${providee}: both ${provider} and ${existing} specified`);
      }
      this.preferred.set(providee, provider);
    }
  }

  private indexRuntime(name: string, deps: NonNullable<Candidate["deps"]>): void {
    const rprovides = [...deps.rprovides];
    for (const pkg of deps.packages) {
      push(this.packages, pkg, name);
      rprovides.push(...(deps.rprovidesPkg[pkg] ?? []));
    }
    for (const r of rprovides) {
      const list = this.rproviders.get(r);
      if (!list) this.rproviders.set(r, [name]);
      else if (!list.includes(name)) list.push(name);
    }
    for (const pattern of deps.packagesDynamic) push(this.packagesDynamic, pattern, name);
  }

  private pevr(name: string): PEVR {
    const c = this.byName.get(name)!;
    return [c.pe, c.pv, c.pr];
  }

  /** Files of one pn grouped by priority (highest first), each group ordered by preference. */
  private sortPriorities(files: string[]): string[][] {
    const byPriority = new Map<number, Map<number, string[]>>();
    for (const f of files) {
      const c = this.byName.get(f)!;
      const byPref = byPriority.get(c.priority) ?? new Map<number, string[]>();
      byPriority.set(c.priority, byPref);
      push(byPref, c.defaultPreference, f);
    }
    const groups: string[][] = [];
    for (const prio of [...byPriority.keys()].sort((a, b) => a - b)) {
      const byPref = byPriority.get(prio)!;
      const group: string[] = [];
      for (const pref of [...byPref.keys()].sort((a, b) => a - b)) group.push(...byPref.get(pref)!);
      groups.unshift(group);
    }
    return groups;
  }

  private findPreferred(
    pn: string,
    config: DataStore,
    groups: string[][],
    reporter: Reporter,
    item?: string,
  ): { file?: string; required: boolean } {
    const versionVar = (keyword: string) =>
      (config.getVar(`${keyword}_VERSION:pn-${pn}`) as string | undefined) ||
      (config.getVar(`${keyword}_VERSION_${pn}`) as string | undefined) ||
      (config.getVar(`${keyword}_VERSION`) as string | undefined);
    const requiredV = versionVar("REQUIRED");
    let preferredV = versionVar("PREFERRED");
    const itemstr = item ? ` (for item ${item})` : "";
    let required = false;
    if (requiredV !== undefined && requiredV !== null) {
      if (preferredV !== undefined && preferredV !== null) {
        reporter.warn(
          `REQUIRED_VERSION and PREFERRED_VERSION for package ${pn}${itemstr} are both set using REQUIRED_VERSION ${requiredV}`,
        );
      }
      preferredV = requiredV;
      required = true;
    }
    if (!preferredV) return { required };

    // "[epoch:]version[_revision]"
    const m = /^(\d+:)*([^\n]*)(_[^\n]*)*/.exec(preferredV)!;
    const prefE = m[1] ? m[1].slice(0, -1) : undefined;
    const prefV = m[2];
    const prefR = m[3] ? m[3].slice(1) : undefined;
    let file: string | undefined;
    outer: for (const group of groups) {
      for (const f of group) {
        const [pe, pv, pr] = this.pevr(f);
        if (versionMatches(pe, pv, pr, prefE, prefV, prefR)) {
          file = f;
          break outer;
        }
      }
    }
    if (file === undefined) {
      let pvStr = prefR ? `${prefV}-${prefR}` : prefV;
      if (prefE !== undefined) pvStr = `${prefE}:${pvStr}`;
      if (!required) reporter.warn(`preferred version ${pvStr} of ${pn} not available${itemstr}`);
      const available: string[] = [];
      for (const group of groups) {
        for (const f of group) {
          const [pe, pv] = this.pevr(f);
          const v = pe ? `${pe}:${pv}` : pv;
          if (!available.includes(v)) available.push(v);
        }
      }
      if (available.length)
        reporter.warn(`versions of ${pn} available: ${available.sort(pyCompare).join(" ")}`);
      if (required) reporter.error(`required version ${pvStr} of ${pn} not available${itemstr}`);
    }
    return { file, required };
  }

  private findLatest(files: string[]): string | undefined {
    let latest: PEVR | undefined;
    let latestPref = 0;
    let latestFile: string | undefined;
    for (const f of files) {
      const v = this.pevr(f);
      const dp = this.byName.get(f)!.defaultPreference;
      if (latest === undefined || (latestPref === dp && vercmp(latest, v) < 0) || dp > latestPref) {
        latest = v;
        latestFile = f;
        latestPref = dp;
      }
    }
    return latestFile;
  }

  /** Eligible providers of `item`, best first (BitBake's filterProviders). */
  filterProviders(files: string[], item: string, config: DataStore, reporter: Reporter): string[] {
    return this.chooseProviders(files, item, config, reporter).eligible;
  }

  /** filterProviders, also saying whether a PREFERRED_PROVIDER decided the first one. */
  chooseProviders(
    files: string[],
    item: string,
    config: DataStore,
    reporter: Reporter,
  ): { eligible: string[]; preferred: boolean } {
    const sorted = [...files].sort(pyCompare);
    const byPn = new Map<string, string[]>();
    for (const f of sorted) push(byPn, this.byName.get(f)!.pn, f);

    let eligible: string[] = [];
    const chosen = new Map<string, string | undefined>();
    const groups = new Map<string, string[][]>();
    for (const pn of [...byPn.keys()].sort(pyCompare)) {
      groups.set(pn, this.sortPriorities(byPn.get(pn)!));
      const { file, required } = this.findPreferred(pn, config, groups.get(pn)!, reporter, item);
      if (required && file === undefined) return { eligible, preferred: false };
      chosen.set(pn, file);
      if (file) eligible.push(file);
    }
    for (const pn of [...groups.keys()].sort(pyCompare)) {
      if (chosen.get(pn)) continue;
      const latest = this.findLatest(groups.get(pn)![0]);
      chosen.set(pn, latest);
      if (latest) eligible.push(latest);
    }
    if (eligible.length === 0) return { eligible, preferred: false };

    // A recipe whose PN is the item itself gets a slight default preference.
    for (const f of sorted) {
      const pn = this.byName.get(f)!.pn;
      if (pn !== item) continue;
      const fn = chosen.get(pn);
      if (!fn || !eligible.includes(fn)) continue;
      eligible = [fn, ...eligible.filter((e) => e !== fn)];
    }

    const prefer = config.getVar(`PREFERRED_PROVIDER_${item}`) as string | undefined;
    if (prefer) this.preferred.set(item, prefer);
    const wanted = this.preferred.get(item);
    const hit = wanted === undefined ? undefined : eligible.find((p) => this.byName.get(p)!.pn === wanted);
    if (hit) eligible = [hit, ...eligible.filter((e) => e !== hit)];
    return { eligible, preferred: hit !== undefined };
  }

  /**
   * The recipe of one pn BitBake would build (findBestProvider): the latest unless
   * PREFERRED_VERSION or REQUIRED_VERSION names another (none when a required one is missing).
   */
  bestOfPn(pn: string, config: DataStore, reporter: Reporter): string | undefined {
    const files = this.pkgPn.get(pn);
    if (!files) return undefined;
    const groups = this.sortPriorities(files);
    const { file, required } = this.findPreferred(pn, config, groups, reporter);
    if (required && file === undefined) return undefined;
    return file ?? this.findLatest(groups[0]);
  }

  /**
   * The recipe BitBake's cooker names for a build-time name (findBestProvider): a provided name
   * goes through provider filtering (PREFERRED_PROVIDER included), else the pn's preferred recipe.
   */
  findBestProvider(name: string, config: DataStore, reporter: Reporter): string | undefined {
    const files = this.providers.get(name);
    if (files) return this.filterProviders(files, name, config, reporter)[0];
    return this.bestOfPn(name, config, reporter);
  }

  /**
   * The names a "world" build means (BitBake's buildWorldTargetList): every available recipe not
   * excluded from world (and having `task`, when one is given) that provides no virtual/ name and
   * shares no provided name with another recipe. Sorted.
   */
  worldTargets(task?: string): string[] {
    const world = new Set<string>();
    for (const info of this.byName.values()) {
      const deps = info.deps;
      if (!deps || deps.notWorld) continue;
      if (task && !(deps.taskDeps.tasks ?? []).includes(task)) continue;
      const provides = this.pnProvides.get(info.pn) ?? [];
      const terminal = provides.every(
        (p) =>
          !p.startsWith("virtual/") &&
          (this.providers.get(p) ?? []).every((f) => this.byName.get(f)!.pn === info.pn),
      );
      if (terminal) world.add(info.pn);
    }
    return [...world].sort();
  }

  /** Every recipe that could provide a runtime name (BitBake's getRuntimeProviders). */
  runtimeProviders(rdep: string): string[] {
    const known = this.runtimeMemo.get(rdep);
    if (known) return [...known];
    const found = [...(this.rproviders.get(rdep) ?? []), ...(this.packages.get(rdep) ?? [])];
    if (found.length === 0) {
      this.dynamic ??= [...this.packagesDynamic].map(
        ([pattern, names]) => [pyRegExp(pattern.replace(/\+/g, "\\+")), names] as [RegExp, string[]],
      );
      for (const [regex, names] of this.dynamic) if (pyMatch(regex, rdep)) found.push(...names);
    }
    this.runtimeMemo.set(rdep, found);
    return [...found];
  }

  /**
   * Runtime providers of `item`, best first (BitBake's filterProvidersRunTime): PREFERRED_RPROVIDER,
   * else a PREFERRED_PROVIDER of something a candidate recipe provides; with how many were preferred.
   */
  filterRuntimeProviders(
    files: string[],
    item: string,
    config: DataStore,
    reporter: Reporter,
  ): { eligible: string[]; preferredCount: number } {
    let eligible = this.filterProviders(files, item, config, reporter);
    const pnOf = (f: string) => this.byName.get(f)!.pn;
    const rprovider = config.getVar(`PREFERRED_RPROVIDER_${item}`);
    const hit = rprovider ? eligible.find((f) => pnOf(f) === rprovider) : undefined;
    if (hit) return { eligible: [hit, ...eligible.filter((f) => f !== hit)], preferredCount: 1 };
    const byPn = new Map(eligible.map((f) => [pnOf(f), f]));
    const preferred: string[] = [];
    const because: string[] = [];
    for (const f of [...eligible]) {
      for (const provide of this.pnProvides.get(pnOf(f)) ?? []) {
        const want = config.getVar(`PREFERRED_PROVIDER_${provide}`) as string | undefined;
        const pref = want === undefined ? undefined : byPn.get(want);
        if (pref !== undefined && !preferred.includes(pref)) {
          because.push(`PREFERRED_PROVIDER_${provide} = ${want}`);
          eligible = [pref, ...eligible.filter((e) => e !== pref)];
          preferred.push(pref);
          break;
        }
      }
    }
    if (preferred.length > 1) {
      reporter.error(
        `Trying to resolve runtime dependency ${item} resulted in conflicting PREFERRED_PROVIDER entries being found.\nThe providers found were: ${pyStr(preferred)}\nThe PREFERRED_PROVIDER entries resulting in this conflict were: ${pyStr(because)}. You could set PREFERRED_RPROVIDER_${item}`,
      );
    }
    return { eligible, preferredCount: preferred.length };
  }

  /**
   * The recipe to use for a target name (a PN or a provided name), or NoProvider explaining
   * why there is none (skipped recipes give their reasons).
   */
  bestProvider(target: string, config: DataStore, reporter: Reporter): string {
    const files = this.providers.get(target);
    let best: string | undefined;
    if (files) best = this.filterProviders(files, target, config, reporter)[0];
    if (best) return best;
    const reasons: string[] = [];
    for (const s of this.skipped) {
      if (s.pn === target) reasons.push(`${s.pn} was skipped: ${s.skipped}`);
      else if (s.provides.includes(target))
        reasons.push(`${s.pn} PROVIDES ${target} but was skipped: ${s.skipped}`);
    }
    if (reasons.length) throw new NoProvider(`${target} is unavailable:\n  ${reasons.join("  \n")}`);
    throw new NoProvider(`Unable to find any recipe file matching "${target}"`);
  }
}

function versionMatches(
  pe: PEVR[0],
  pv: string,
  pr: string,
  prefE: string | undefined,
  prefV: string,
  prefR: string | undefined,
): boolean {
  if (pr === prefR || prefR === undefined) {
    if (pe === prefE || prefE === undefined) {
      if (prefV === pv) return true;
      if (prefV.endsWith("%") && pv.startsWith(prefV.slice(0, -1))) return true;
    }
  }
  return false;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
