// The task graph of a build (BitBake's RunQueueData.prepare): every task of every recipe TaskData
// selected gets its dependencies from its flags — [deps], [deptask], [rdeptask], [depends],
// [rdepends], [recrdeptask] with [recideptask] — and then only the tasks the requested targets
// need are kept.

import type { RecipeInfo, TaskDeps } from "../parse/index.js";
import { fnOf, NoProvider, type ProviderIndex, type TaskData, taskId, taskOf } from "../resolve/index.js";
import { pySplit } from "../syntax/index.js";
import { closeMatches } from "../util/closematches.js";

/** A requested target: a name TaskData resolved in a multiconfig and the task to run ("do_x-": its dependencies only). */
export interface GraphTarget {
  mc: string;
  name: string;
  task: string;
}

export interface TaskGraph {
  /** Task id → the task ids it depends on. */
  depends: Map<string, Set<string>>;
}

/** The resolved recipes of one multiconfig. */
export interface GraphPart {
  taskData: TaskData;
  index: ProviderIndex;
}

/** Build the dependency sets of every task of every multiconfig, then keep what the targets need. */
export function buildTaskGraph(parts: Map<string, GraphPart>, targets: GraphTarget[]): TaskGraph {
  const depends = new Map<string, Set<string>>();
  const recursive = new Map<string, string[]>();
  const recursiveItasks = new Map<string, string[]>();
  const selfRef = new Set<string>();
  for (const [mc, { taskData, index }] of parts) {
    const entries = taskData.taskEntries;
    const flagsOf = (fn: string): TaskDeps => (index.byName.get(fn) as RecipeInfo).deps!.taskDeps;
    const flag = (fn: string, name: string, task: string) =>
      (flagsOf(fn)[name] as Record<string, string> | undefined)?.[task];
    const first = (targetsMap: Map<string, string[]>, name: string) => {
      const fns = targetsMap.get(name);
      return fns && fns.length > 0 ? fns[0] : undefined;
    };
    const addFrom = (
      targetsMap: Map<string, string[]>,
      names: string[],
      tasks: string[],
      into: Set<string>,
    ) => {
      for (const name of names) {
        const fn = first(targetsMap, name);
        if (!fn) continue;
        for (const task of tasks) {
          const t = taskId(fn, task);
          if (entries.has(t)) into.add(t);
        }
      }
    };

    for (const [tid, entry] of entries) {
      const fn = fnOf(tid);
      const task = taskOf(tid);
      const deps = new Set<string>();
      depends.set(tid, deps);
      if (taskData.failedFns.has(fn)) continue;
      // [mcdepends]: as BitBake does, any task with the flag gets every multiconfig dependency
      // declared in this multiconfig.
      if (flag(fn, "mcdepends", task) !== undefined) {
        for (const dep of taskData.mcdepends) {
          const [, from, to, pn, depTask] = dep.split(":");
          const other = parts.get(to);
          if (!other) {
            throw new NoProvider(
              `Multiconfig '${to}' is referenced in multiconfig dependency '${dep}' but not enabled in BBMULTICONFIG?`,
            );
          }
          if (from !== mc) continue;
          const provider = first(other.taskData.buildTargets, pn);
          const t = provider ? taskId(provider, depTask) : undefined;
          if (!t || !other.taskData.taskEntries.has(t))
            throw new NoProvider(`Task mcdepends on non-existent task ${t ?? `${pn}:${depTask}`}`);
          deps.add(t);
        }
      }
      for (const t of entry.tdepends) deps.add(t);
      const deptask = flag(fn, "deptask", task);
      if (deptask !== undefined)
        addFrom(taskData.buildTargets, taskData.depids.get(fn)!, pySplit(deptask), deps);
      const rdeptask = flag(fn, "rdeptask", task);
      if (rdeptask !== undefined)
        addFrom(taskData.runTargets, taskData.rdepids.get(fn)!, pySplit(rdeptask), deps);
      // [depends] / [rdepends]: "name:task", the name resolved through (runtime) providers.
      const named = (list: Array<[string, string]>, targetsMap: Map<string, string[]>, verb: string) => {
        for (const [name, depTask] of list) {
          if (verb === "depends" && taskData.failedDeps.has(name)) continue;
          const provider = first(targetsMap, name);
          if (!provider) continue;
          const t = taskId(provider, depTask);
          deps.add(t);
          if (!entries.has(t))
            throw new NoProvider(
              `Task ${task} in ${fn} ${verb} upon non-existent task ${depTask} in ${provider}`,
            );
        }
      };
      named(entry.idepends, taskData.buildTargets, "depends");
      named(entry.irdepends, taskData.runTargets, "rdepends");
      const recrdeptask = flag(fn, "recrdeptask", task);
      if (recrdeptask !== undefined) {
        const names = pySplit(recrdeptask);
        recursive.set(tid, names);
        addFrom(taskData.buildTargets, taskData.depids.get(fn)!, names, deps);
        addFrom(taskData.runTargets, taskData.rdepids.get(fn)!, names, deps);
        if (names.includes(task)) selfRef.add(tid);
        const recideptask = flag(fn, "recideptask", task);
        if (recideptask !== undefined)
          recursiveItasks.set(
            tid,
            pySplit(recideptask).map((t) => taskId(fn, t)),
          );
      }
      deps.delete(tid);
    }
  }

  expandRecursive(depends, recursive, recursiveItasks, selfRef);
  return { depends: prune(depends, parts, targets) };
}

/**
 * [recrdeptask]: a task also depends on the named tasks of every recipe reachable from it, until
 * nothing more is added; tasks naming themselves do not depend on each other.
 */
function expandRecursive(
  depends: Map<string, Set<string>>,
  recursive: Map<string, string[]>,
  recursiveItasks: Map<string, string[]>,
  selfRef: Set<string>,
): void {
  // For each task, the recipes of every task reachable from it (over the graph as it is now).
  const reachable = new Map<string, Set<string>>();
  const remaining = new Map<string, Set<string>>();
  const dependents = new Map<string, Set<string>>();
  for (const [tid, deps] of depends) {
    remaining.set(tid, new Set(deps));
    reachable.set(tid, new Set());
    dependents.set(tid, new Set());
  }
  for (const [tid, deps] of depends) for (const d of deps) dependents.get(d)?.add(tid);
  let ready = [...depends.keys()].filter((t) => remaining.get(t)!.size === 0);
  while (ready.length) {
    const next: string[] = [];
    for (const tid of ready) {
      for (const up of dependents.get(tid)!) {
        const set = reachable.get(up)!;
        set.add(fnOf(tid));
        for (const f of reachable.get(tid)!) set.add(f);
        const left = remaining.get(up)!;
        left.delete(tid);
        if (left.size === 0) next.push(up);
      }
    }
    ready = next;
  }

  // Seeds and recipes already taken into account per recursive task: both only grow, so each
  // pass looks at what is new since the last one.
  const seedsDone = new Map<string, Set<string>>();
  const fnsDone = new Map<string, Set<string>>();
  for (let added = 1; added > 0; ) {
    added = 0;
    for (const [tid, names] of recursive) {
      const deps = depends.get(tid)!;
      const seeds = new Set(deps);
      for (const it of recursiveItasks.get(tid) ?? []) {
        seeds.add(it);
        for (const d of depends.get(it) ?? []) seeds.add(d);
      }
      const seedsSeen = seedsDone.get(tid) ?? new Set<string>();
      seedsDone.set(tid, seedsSeen);
      const fnsSeen = fnsDone.get(tid) ?? new Set<string>();
      fnsDone.set(tid, fnsSeen);
      const newFns: string[] = [];
      for (const seed of seeds) {
        if (seedsSeen.has(seed)) continue;
        seedsSeen.add(seed);
        for (const f of reachable.get(seed) ?? []) {
          if (fnsSeen.has(f)) continue;
          fnsSeen.add(f);
          newFns.push(f);
        }
      }
      for (const f of newFns) {
        for (const name of names) {
          const t = taskId(f, name);
          if (t !== tid && depends.has(t) && !deps.has(t)) {
            deps.add(t);
            added++;
          }
        }
      }
      // Recursive tasks this one depends on bring their matching dependencies along.
      const more = new Set<string>();
      for (const d of deps) {
        if (!recursive.has(d)) continue;
        for (const x of depends.get(d)!) if (!deps.has(x)) more.add(x);
      }
      for (const x of more) {
        if (names.some((name) => x.endsWith(`:${name}`)) && depends.has(x)) {
          deps.add(x);
          added++;
        }
      }
    }
  }
  for (const tid of selfRef) for (const other of selfRef) depends.get(tid)!.delete(other);
}

/** Keep the tasks the targets need (all their dependencies, recursively). */
function prune(
  depends: Map<string, Set<string>>,
  parts: Map<string, GraphPart>,
  targets: GraphTarget[],
): Map<string, Set<string>> {
  const active = new Set<string>();
  const mark = (start: string) => {
    const stack = [start];
    while (stack.length) {
      const tid = stack.pop()!;
      if (active.has(tid)) continue;
      active.add(tid);
      for (const d of depends.get(tid) ?? []) stack.push(d);
    }
  };
  for (const target of targets) {
    const taskData = parts.get(target.mc)!.taskData;
    const fns = taskData.buildTargets.get(target.name);
    if (!fns?.length || taskData.failedDeps.has(target.name)) continue;
    const fn = fns[0];
    if (taskData.failedFns.has(fn)) continue;
    const onlyDeps = target.task.endsWith("-");
    const task = onlyDeps ? target.task.slice(0, -1) : target.task;
    const tid = taskId(fn, task);
    if (!depends.has(tid)) {
      const tasks = [...taskData.taskEntries.keys()].filter((t) => fnOf(t) === fn).map(taskOf);
      const near = closeMatches(task, tasks, 3, 0.7);
      const extra = near.length ? `. Close matches:\n  ${near.join("\n  ")}` : "";
      throw new NoProvider(`Task ${task} does not exist for target ${target.name} (${tid})${extra}`);
    }
    if (onlyDeps) for (const d of depends.get(tid)!) mark(d);
    else mark(tid);
  }
  const kept = new Map<string, Set<string>>();
  for (const [tid, deps] of depends) if (active.has(tid)) kept.set(tid, deps);
  const anyTasks = [...parts.values()].some((p) => p.taskData.taskEntries.size > 0);
  if (kept.size === 0 && anyTasks) {
    throw new NoProvider("No active tasks and not in --continue mode?! Please report this bug.");
  }
  return kept;
}
