// The files `bitbake -g` writes: task-depends.dot (every task with its recipe's version and file,
// and its dependencies) and pn-buildlist (the recipes with tasks to run), both sorted.

import { pyCompare } from "../data/index.js";
import type { RecipeInfo } from "../parse/index.js";
import { fnOf, NoProvider, type ProviderIndex, recipeInfo, taskOf } from "../resolve/index.js";
import type { TaskGraph } from "./graph.js";

export interface DepGraphFiles {
  taskDepends: string;
  /** Undefined when no recipe has a task (BitBake then leaves an old file alone). */
  pnBuildlist?: string;
}

/** A recipe's node name: its PN, prefixed "mc:NAME:" in a multiconfig. */
function nodePn(info: RecipeInfo): string {
  return info.mc ? `mc:${info.mc}:${info.pn}` : info.pn;
}

export function renderDepGraph(graph: TaskGraph, indexes: Map<string, ProviderIndex>): DepGraphFiles {
  const infoOf = (fn: string) => recipeInfo(indexes, fn);
  const recipes = new Map<string, { file: string; version: string }>();
  const edges = new Map<string, string[]>();
  const fnsByPn = new Map<string, Set<string>>();
  for (const [tid, deps] of graph.depends) {
    const info = infoOf(fnOf(tid));
    const pn = nodePn(info);
    const fns = fnsByPn.get(pn) ?? new Set<string>();
    fnsByPn.set(pn, fns);
    fns.add(info.name);
    if (!recipes.has(pn))
      recipes.set(pn, { file: info.name, version: `${info.pe ?? ""}:${info.pv}-${info.pr}` });
    edges.set(
      `${pn}.${taskOf(tid)}`,
      [...deps].map((d) => `${nodePn(infoOf(fnOf(d)))}.${taskOf(d)}`),
    );
  }
  for (const [pn, fns] of fnsByPn) {
    if (fns.size > 1) {
      throw new NoProvider(
        `Multiple versions of ${pn} are due to be built (${[...fns].join(" ")}). Only one version of a given PN should be built in any given build. You likely need to set PREFERRED_VERSION_${pn} to select the correct version or don't depend on multiple versions.`,
      );
    }
  }
  const lines = ["digraph depends {"];
  for (const node of [...edges.keys()].sort(pyCompare)) {
    const cut = node.lastIndexOf(".");
    const pn = node.slice(0, cut);
    const task = node.slice(cut + 1);
    const { file, version } = recipes.get(pn)!;
    lines.push(`"${pn}.${task}" [label="${pn} ${task}\\n${version}\\n${file}"]`);
    for (const dep of [...edges.get(node)!].sort(pyCompare)) lines.push(`"${node}" -> "${dep}"`);
  }
  lines.push("}");
  const pns = [...recipes.keys()].sort(pyCompare);
  return {
    taskDepends: `${lines.join("\n")}\n`,
    pnBuildlist: pns.length ? `${pns.join("\n")}\n` : undefined,
  };
}
