// Which recipes a build needs (BitBake's TaskData): starting from the targets, every build-time
// name (DEPENDS, [depends]) gets its providers and every runtime name (RDEPENDS, RRECOMMENDS,
// [rdepends]) its runtime providers, until nothing new appears. A recipe whose runtime
// dependency cannot be provided fails, and so do the recipes that need it, as in BitBake.

import { type DataStore, FatalError, pyStr, type Reporter } from "../data/index.js";
import type { RecipeInfo } from "../parse/index.js";
import { pySplit } from "../syntax/index.js";
import { closeMatches } from "../util/closematches.js";
import { pyMatch, pyRegExp } from "../util/pyregex.js";
import { NoProvider, type ProviderIndex } from "./providers.js";

/** One task of one recipe and what its flags ask for before the graph is resolved. */
export interface TaskEntry {
  /** Tasks of the same recipe it comes after ([deps]), as task ids. */
  tdepends: string[];
  /** [depends] "name:task" entries (build-time names). */
  idepends: Array<[string, string]>;
  /** [rdepends] "name:task" entries (runtime names). */
  irdepends: Array<[string, string]>;
}

/** A task id: "<recipe name>:<task>", the recipe name as RecipeInfo.name gives it. */
export function taskId(fn: string, task: string): string {
  return `${fn}:${task}`;
}

/** A task id's recipe part ("fn" of "fn:task"). */
export function fnOf(tid: string): string {
  return tid.slice(0, tid.lastIndexOf(":"));
}

/** A task id's task part. */
export function taskOf(tid: string): string {
  return tid.slice(tid.lastIndexOf(":") + 1);
}

/** A runtime name nobody can provide (handled inside TaskData: the recipes needing it fail). */
class NoRProvider extends Error {}

export class TaskData {
  /** Build-time name → the recipes chosen for it, best first (empty: not resolved yet). */
  readonly buildTargets = new Map<string, string[]>();
  /** Runtime name → the recipes chosen for it, best first. */
  readonly runTargets = new Map<string, string[]>();
  readonly taskEntries = new Map<string, TaskEntry>();
  /** Per recipe: its DEPENDS names, and its RDEPENDS/RRECOMMENDS names of every package. */
  readonly depids = new Map<string, string[]>();
  readonly rdepids = new Map<string, string[]>();
  readonly failedFns = new Set<string>();
  readonly failedDeps = new Set<string>();
  readonly failedRdeps = new Set<string>();
  readonly externalTargets: string[] = [];
  /** [mcdepends] entries ("mc:FROM:TO:pn:task") of every task seen. */
  readonly mcdepends: string[] = [];
  private readonly ignored: string[];
  private world?: string[];

  constructor(
    private readonly index: ProviderIndex,
    private readonly config: DataStore,
    private readonly reporter: Reporter,
    /** Keep going when a build-time name has no provider (`bitbake -g` does). */
    private readonly allowIncomplete = false,
  ) {
    this.ignored = pySplit(String(config.getVar("ASSUME_PROVIDED") ?? ""));
  }

  private info(fn: string): RecipeInfo {
    return this.index.byName.get(fn) as RecipeInfo;
  }

  /** ASSUME_PROVIDED entries: exact names, or regular expressions when they start with ^ or end with $. */
  isIgnored(name: string): boolean {
    return this.ignored.some((entry) =>
      entry.startsWith("^") || entry.endsWith("$") ? pyMatch(pyRegExp(entry), name) : entry === name,
    );
  }

  /** Add the providers of a name another multiconfig's [mcdepends] needs. */
  addMcDependency(item: string): void {
    this.addProvider(item);
  }

  /** Add a target the user asked for; a missing provider is an error (NoProvider). */
  addTarget(item: string): void {
    try {
      this.addProvider(item);
    } catch (e) {
      // The missing provider was reported already.
      if (e instanceof NoProvider) throw new FatalError("");
      throw e;
    }
    if (!this.externalTargets.includes(item)) this.externalTargets.push(item);
  }

  /** Resolve every name seen so far, repeatedly, until a pass resolves nothing new. */
  addUnresolved(): void {
    for (;;) {
      let added = 0;
      for (const target of this.unresolved(this.buildTargets, this.failedDeps)) {
        try {
          this.addProvider(target);
          added++;
        } catch (e) {
          if (!(e instanceof NoProvider)) throw e;
          if (!this.allowIncomplete) this.removeBuildTarget(target);
        }
      }
      for (const target of this.unresolved(this.runTargets, this.failedRdeps)) {
        try {
          this.addRuntimeProvider(target);
          added++;
        } catch (e) {
          if (!(e instanceof NoRProvider)) throw e;
          this.removeRunTarget(target);
        }
      }
      if (added === 0) return;
    }
  }

  private unresolved(targets: Map<string, string[]>, failed: Set<string>): string[] {
    return [...targets.entries()]
      .filter(([name, fns]) => fns.length === 0 && !failed.has(name) && !this.isIgnored(name))
      .map(([name]) => name);
  }

  private addProvider(item: string): void {
    if (this.isIgnored(item)) return;
    const all = this.index.providers.get(item);
    if (!all) {
      this.noProvider(item, false, this.skipReasons(item, false), this.closeMatches(item));
      throw new NoProvider(item);
    }
    if (this.buildTargets.get(item)?.length) return;
    const chosen = this.index.chooseProviders(all, item, this.config, this.reporter);
    const eligible = chosen.eligible.filter((fn) => !this.failedFns.has(fn));
    if (eligible.length === 0) {
      this.noProvider(item, false, [`No eligible PROVIDERs exist for '${item}'`]);
      throw new NoProvider(item);
    }
    if (eligible.length > 1 && !chosen.preferred) this.multipleProviders(item, eligible, false);
    for (const fn of eligible) {
      if (this.failedFns.has(fn)) continue;
      addTo(this.buildTargets, item, fn);
      this.addTasks(fn);
    }
  }

  private addRuntimeProvider(item: string): void {
    if (this.isIgnored(item)) return;
    if (this.runTargets.get(item)?.length) return;
    const all = this.index.runtimeProviders(item);
    if (all.length === 0) {
      this.noProvider(item, true, this.skipReasons(item, true));
      throw new NoRProvider(item);
    }
    const chosen = this.index.filterRuntimeProviders(all, item, this.config, this.reporter);
    const eligible = chosen.eligible.filter((fn) => !this.failedFns.has(fn));
    if (eligible.length === 0) {
      this.noProvider(item, true, [`No eligible RPROVIDERs exist for '${item}'`]);
      throw new NoRProvider(item);
    }
    const preferredCount = chosen.preferredCount;
    if (eligible.length > 1 && preferredCount === 0) this.multipleProviders(item, eligible, true);
    if (preferredCount > 1) {
      this.multipleProviders(item, eligible, true);
      throw new NoRProvider(item);
    }
    for (const fn of eligible) {
      if (this.failedFns.has(fn)) continue;
      addTo(this.runTargets, item, fn);
      this.addTasks(fn);
    }
  }

  /** Say once per name that several recipes could provide it and none is preferred. */
  private multipleProviders(item: string, fns: string[], runtime: boolean): void {
    if (this.multipleNoted.has(item)) return;
    this.multipleNoted.add(item);
    const pns = fns.map((fn) => this.info(fn).pn).join(", ");
    const r = runtime ? "R" : "";
    this.reporter.note?.(
      `Multiple providers are available for ${runtime ? "runtime " : ""}${item} (${pns})\nConsider defining a PREFERRED_${r}PROVIDER entry to match ${item}`,
    );
  }

  private readonly multipleNoted = new Set<string>();

  /** Names like `item` that something provides (skipped recipes too), and runtime providers of it. */
  private closeMatches(item: string): string[] {
    const names = [...this.index.providers.keys(), ...this.index.skipped.map((s) => s.pn)];
    const found = closeMatches(item, names, 3, 0.7);
    for (const fn of this.index.runtimeProviders(item)) {
      const hint = `${this.info(fn).pn} RPROVIDES ${item}`;
      if (!found.includes(hint)) found.push(hint);
    }
    return found;
  }

  /** Report a name nobody provides, with the recipes that asked for it (BitBake's NoProvider event). */
  private noProvider(item: string, runtime: boolean, reasons: string[], matches: string[] = []): void {
    const r = runtime ? "R" : "";
    const dependees = runtime ? this.dependees(this.rdepids, item) : this.dependees(this.depids, item);
    const extra =
      reasons.length === 0 && matches.length
        ? `. Close matches:\n  ${[...new Set(matches)].sort().join("\n  ")}`
        : "";
    let message = dependees.length
      ? `Nothing ${r}PROVIDES '${item}' (but ${dependees.join(", ")} ${r}DEPENDS on or otherwise requires it)${extra}`
      : `Nothing ${r}PROVIDES '${item}'${extra}`;
    for (const reason of reasons) message += `\n${reason}`;
    this.reporter.error(message);
  }

  private skipReasons(item: string, runtime: boolean): string[] {
    const reasons: string[] = [];
    for (const s of this.index.skipped) {
      if (s.pn === item) reasons.push(`${s.pn} was skipped: ${s.skipped}`);
      else if (!runtime && s.provides.includes(item))
        reasons.push(`${s.pn} PROVIDES ${item} but was skipped: ${s.skipped}`);
    }
    return reasons;
  }

  private dependees(ids: Map<string, string[]>, item: string): string[] {
    return [...ids.entries()].filter(([, names]) => names.includes(item)).map(([fn]) => fn);
  }

  /** Record a recipe's tasks and the names it needs (BitBake's TaskData.add_tasks). */
  private addTasks(fn: string): void {
    if (this.depids.has(fn)) return;
    const deps = this.info(fn).deps!;
    const taskDeps = deps.taskDeps;
    const flag = (name: string, task: string) =>
      (taskDeps[name] as Record<string, string> | undefined)?.[task];
    const named = (name: string, task: string, seen: (n: string) => void): Array<[string, string]> => {
      const out: Array<[string, string]> = [];
      for (const dep of pySplit(flag(name, task) ?? "")) {
        const parts = dep.split(":");
        if (parts.length !== 2) {
          throw new NoProvider(
            `Error for ${fn}:${task}[${name}], dependency ${dep} in '${flag(name, task)}' does not contain exactly one ':' character.\n Task '${task}' should be specified in the form 'packagename:task'`,
          );
        }
        out.push([parts[0], parts[1]]);
        seen(parts[0]);
      }
      return out;
    };
    const tasks = taskDeps.tasks ?? [];
    for (const task of tasks) {
      for (const dep of pySplit(flag("mcdepends", task) ?? "")) {
        if (dep.split(":").length !== 5) {
          throw new NoProvider(
            `Error for ${fn}:${task}[mcdepends], multiconfig dependency ${dep} does not contain exactly four  ':' characters.\n Task 'mcdepends' should be specified in the form 'mc:fromMC:toMC:packagename:task'`,
          );
        }
        if (!this.mcdepends.includes(dep)) this.mcdepends.push(dep);
      }
      this.taskEntries.set(taskId(fn, task), {
        tdepends: (taskDeps.parents?.[task] ?? []).filter((p) => tasks.includes(p)).map((p) => taskId(fn, p)),
        idepends: named("depends", task, (n) => seen(this.buildTargets, n)),
        irdepends: named("rdepends", task, (n) => seen(this.runTargets, n)),
      });
    }
    let depends = [...new Set(deps.depends)];
    // calculate_extra_depends (meta-world-pkgdata's) adds names, knowing the world targets.
    if (deps.extraDependsFunc && this.config.python?.extraDepends) {
      this.world ??= this.index.worldTargets();
      depends = [
        ...new Set(
          this.config.python.extraDepends(this.info(fn).pn, deps.extraDependsFunc, depends, this.world),
        ),
      ];
    }
    const rdepends = new Set<string>();
    for (const pkg of deps.packages) {
      for (const n of [...deps.rdepends, ...(deps.rdependsPkg[pkg] ?? [])]) rdepends.add(n);
    }
    for (const pkg of deps.packages) {
      for (const n of [...deps.rrecommends, ...(deps.rrecommendsPkg[pkg] ?? [])]) rdepends.add(n);
    }
    this.depids.set(fn, depends);
    this.rdepids.set(fn, [...rdepends]);
    for (const dep of depends) {
      seen(this.buildTargets, dep);
      if (this.failedDeps.has(dep)) {
        this.failFn(fn);
        return;
      }
    }
    for (const dep of rdepends) {
      seen(this.runTargets, dep);
      if (this.failedRdeps.has(dep)) {
        this.failFn(fn);
        return;
      }
    }
  }

  /**
   * A recipe cannot be built: drop it from every provider list, failing names left without one.
   * `missing` is the chain of names that made it fail, for the message.
   */
  private failFn(fn: string, missing: string[] = []): void {
    if (this.failedFns.has(fn)) return;
    this.failedFns.add(fn);
    const drop = (targets: Map<string, string[]>, remove: (target: string) => void) => {
      for (const [target, fns] of targets) {
        const at = fns.indexOf(fn);
        if (at < 0) continue;
        fns.splice(at, 1);
        if (fns.length === 0) remove(target);
      }
    };
    drop(this.buildTargets, (t) => this.removeBuildTarget(t, missing));
    drop(this.runTargets, (t) => this.removeRunTarget(t, missing));
  }

  private removeBuildTarget(target: string, missing: string[] = []): void {
    const chain = [target, ...missing];
    this.failedDeps.add(target);
    for (const fn of this.dependees(this.depids, target)) this.failFn(fn, chain);
    this.failTasksNaming(target, "idepends", chain);
    if (this.externalTargets.includes(target)) {
      this.reporter.error(
        `Required build target '${target}' has no buildable providers.\nMissing or unbuildable dependency chain was: ${pyStr(chain)}`,
      );
      // Reported just now; the command stops without repeating it.
      throw new FatalError("");
    }
  }

  private removeRunTarget(target: string, missing: string[] = []): void {
    const chain = [target, ...missing];
    this.failedRdeps.add(target);
    for (const fn of this.dependees(this.rdepids, target)) this.failFn(fn, chain);
    this.failTasksNaming(target, "irdepends", chain);
  }

  private failTasksNaming(target: string, kind: "idepends" | "irdepends", chain: string[]): void {
    for (const [tid, entry] of [...this.taskEntries]) {
      if (entry[kind].some(([name]) => name === target)) this.failFn(fnOf(tid), chain);
    }
  }
}

function seen(targets: Map<string, string[]>, name: string): void {
  if (!targets.has(name)) targets.set(name, []);
}

function addTo(targets: Map<string, string[]>, name: string, fn: string): void {
  const list = targets.get(name);
  if (!list) targets.set(name, [fn]);
  else if (!list.includes(fn)) list.push(fn);
}
