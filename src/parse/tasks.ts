// Task declarations made while parsing: `addtask`, `deltask` and the final registration of tasks
// (BitBake's bb.build.addtask / deltask / add_tasks), kept as datastore flags.

import type { DataStore } from "../data/index.js";
import { pySplit } from "../syntax/index.js";

export function ensureTaskPrefix(name: string): string {
  return name.startsWith("do_") ? name : `do_${name}`;
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? (v as string[]) : [];
}

/** Declare a task: `[task]` flag, the `__BBTASKS` list, `after` into its `[deps]`, itself into `before`'s. */
export function addTask(
  name: string,
  before: string | undefined,
  after: string | undefined,
  d: DataStore,
): void {
  const task = ensureTaskPrefix(name);
  d.setVarFlag(task, "task", 1);
  const tasks = list(d.getVar("__BBTASKS", false));
  if (!tasks.includes(task)) tasks.push(task);
  d.setVar("__BBTASKS", tasks);

  const deps = list(d.getVarFlag(task, "deps", false));
  if (after !== undefined) {
    for (const entry of pySplit(after)) {
      const dep = ensureTaskPrefix(entry);
      if (!deps.includes(dep)) deps.push(dep);
    }
  }
  d.setVarFlag(task, "deps", deps);
  if (before !== undefined) {
    for (const entry of pySplit(before)) {
      const later = ensureTaskPrefix(entry);
      const existing = list(d.getVarFlag(later, "deps", false));
      if (!existing.includes(task)) d.setVarFlag(later, "deps", [task, ...existing]);
    }
  }
}

export function delTask(name: string, d: DataStore): void {
  const task = ensureTaskPrefix(name);
  const tasks = list(d.getVar("__BBTASKS", false));
  if (tasks.includes(task)) {
    tasks.splice(tasks.indexOf(task), 1);
    d.delVarFlag(task, "task");
    d.setVar("__BBTASKS", tasks);
  }
  d.delVarFlag(task, "deps");
  for (const other of list(d.getVar("__BBTASKS", false))) {
    const deps = list(d.getVarFlag(other, "deps", false));
    if (deps.includes(task)) {
      deps.splice(deps.indexOf(task), 1);
      d.setVarFlag(other, "deps", deps);
    }
  }
}

const TASK_FLAGS = [
  "mcdepends",
  "depends",
  "rdepends",
  "deptask",
  "rdeptask",
  "recrdeptask",
  "recideptask",
  "nostamp",
  "fakeroot",
  "noexec",
  "umask",
] as const;

export interface TaskDeps {
  tasks: string[];
  parents: Record<string, string[]>;
  [flag: string]: unknown;
}

/**
 * Register the recipe's tasks at the end of parsing: mark each with `[task]` and collect the
 * dependency flags, expanded, into `_task_deps` (BitBake's add_tasks).
 */
export function registerTasks(taskList: string[], d: DataStore): void {
  const existing = d.getVar("_task_deps", false) as TaskDeps | undefined;
  const deps: TaskDeps = existing && typeof existing === "object" ? existing : { tasks: [], parents: {} };
  if (!deps.tasks) deps.tasks = [];
  if (!deps.parents) deps.parents = {};
  for (const raw of taskList) {
    const task = d.expandString(raw);
    d.setVarFlag(task, "task", 1);
    if (!deps.tasks.includes(task)) deps.tasks.push(task);
    const flags = d.getVarFlags(task) ?? {};
    for (const name of TASK_FLAGS) {
      if (!deps[name]) deps[name] = {};
      const byTask = deps[name] as Record<string, string>;
      if (name in flags) {
        const value = d.expand(flags[name]);
        if ((name === "noexec" || name === "fakeroot" || name === "nostamp") && value !== "1") {
          d.reporter.warn(
            `In a future version of BitBake, setting the '${name}' flag to something other than '1' will result in the flag not being set. See YP bug #13808.`,
          );
        }
        byTask[task] = value as string;
      }
    }
    deps.parents[task] = list(flags.deps).map((dep) => d.expandString(dep));
  }
  d.setVar("_task_deps", deps);
}
