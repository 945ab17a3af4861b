// From target names to the task graph, as `bitbake -g` / `bitbake` prepare it: targets
// ("name", "name:do_task", "mc:NAME:target"), a TaskData per multiconfig, providers for
// multiconfig dependencies ([mcdepends]) until nothing new appears, then the graph.

import type { Reporter } from "../data/index.js";
import { type Configuration, ensureTaskPrefix } from "../parse/index.js";
import { NoProvider, type ParsedTree, splitTarget, TaskData } from "../resolve/index.js";
import { pySplit } from "../syntax/index.js";
import { buildTaskGraph, type GraphPart, type GraphTarget, type TaskGraph } from "./graph.js";

export interface PreparedGraph {
  graph: TaskGraph;
  parts: Map<string, GraphPart>;
  targets: GraphTarget[];
}

export function prepareTaskGraph(
  tree: ParsedTree,
  configs: Map<string, Configuration>,
  reporter: Reporter,
  names: string[],
  defaultTask: string,
): PreparedGraph {
  const task = ensureTaskPrefix(defaultTask);
  const parts = new Map<string, GraphPart>();
  for (const [mc, config] of configs) {
    parts.set(mc, {
      taskData: new TaskData(tree.indexes.get(mc)!, config.data, reporter, true),
      index: tree.indexes.get(mc)!,
    });
  }
  const ignored = pySplit(String(configs.get("")?.data.getVar("ASSUME_PROVIDED") ?? ""));
  for (const n of names) {
    if (ignored.includes(n)) reporter.warn(`Explicit target "${n}" is in ASSUME_PROVIDED, ignoring`);
  }
  const targets: GraphTarget[] = [];
  for (const raw of expandMcWildcard(expandSpecialTargets(names, parts, task, reporter), [...parts.keys()])) {
    const [mc, rest] = splitTarget(raw.replace(/^multiconfig:/, "mc:"));
    const part = parts.get(mc);
    if (!part) {
      throw new NoProvider(
        `Multiconfig dependency ${raw} depends on nonexistent multiconfig configuration named ${mc}`,
      );
    }
    const cut = rest.indexOf(":do_");
    const name = cut >= 0 ? rest.slice(0, cut) : rest;
    const wanted = cut >= 0 ? ensureTaskPrefix(rest.slice(cut + 1)) : task;
    part.taskData.addTarget(name);
    targets.push({ mc, name, task: wanted });
  }
  const withMcDepends = [...parts.values()].some((p) => p.taskData.mcdepends.length > 0);
  if (withMcDepends || parts.size > 1) {
    const seen = new Set<string>();
    for (let fresh = true; fresh; ) {
      const mcdeps = new Set<string>();
      for (const p of parts.values()) {
        p.taskData.addUnresolved();
        for (const dep of p.taskData.mcdepends) mcdeps.add(dep);
      }
      fresh = false;
      for (const dep of mcdeps) {
        if (seen.has(dep)) continue;
        const [, , to, pn] = dep.split(":");
        const part = parts.get(to);
        if (!part) {
          throw new NoProvider(
            `Multiconfig dependency ${dep} depends on nonexistent multiconfig configuration named configuration ${to}`,
          );
        }
        part.taskData.addMcDependency(pn);
        seen.add(dep);
        fresh = true;
      }
    }
  }
  for (const p of parts.values()) p.taskData.addUnresolved();
  return { graph: buildTaskGraph(parts, targets), parts, targets };
}

/**
 * "world": every recipe not excluded from world (EXCLUDE_FROM_WORLD) that has the task, provides
 * no virtual/ name and shares no provided name with another recipe; "universe": every recipe
 * name with the task. Both in every multiconfig.
 */
function expandSpecialTargets(
  names: string[],
  parts: Map<string, GraphPart>,
  task: string,
  reporter: Reporter,
): string[] {
  const out = names.filter((n) => n !== "world" && n !== "universe");
  const prefix = (mc: string, pn: string) => (mc ? `mc:${mc}:${pn}` : pn);
  if (names.includes("world")) {
    for (const [mc, { index }] of parts) for (const pn of index.worldTargets(task)) out.push(prefix(mc, pn));
  }
  if (names.includes("universe")) {
    reporter.note?.('The "universe" target is only intended for testing and may produce errors.');
    for (const [mc, { index }] of parts) {
      const universe = new Set([...index.byName.values()].filter((i) => i.deps).map((i) => i.pn));
      for (const pn of universe) {
        const hasTask = (index.providers.get(pn) ?? []).some((f) =>
          (index.byName.get(f)!.deps?.taskDeps.tasks ?? []).includes(task),
        );
        if (hasTask) out.push(prefix(mc, pn));
      }
    }
  }
  return out;
}

/**
 * "mc:*:target": the target in every multiconfig; for the default configuration only when no
 * plain target was given (BitBake then adds the name, without a task). One wildcard per command.
 */
function expandMcWildcard(names: string[], mcs: string[]): string[] {
  const out: string[] = [];
  let wildcard = false;
  let explicitDefault = false;
  let implicitDefault = "";
  for (const k of names) {
    if (k.startsWith("mc:") && k.split(":").length >= 3) {
      if (wildcard) throw new NoProvider("multiconfig conflict");
      const parts = k.split(":");
      if (parts[1] === "*") {
        wildcard = true;
        for (const mc of mcs) {
          if (mc) out.push(k.replaceAll("*", mc));
          else implicitDefault = parts[2];
        }
      } else {
        out.push(k);
      }
    } else {
      explicitDefault = true;
      out.push(k);
    }
  }
  if (!explicitDefault && implicitDefault) out.push(implicitDefault);
  return out;
}
