// `kiln query`: the value of variables or flags, globally, for one recipe, or for every target,
// as BitBake gives them.

import type { DataStore } from "../data/index.js";
import { finalizeConfiguration, type RecipeDeps, readValues } from "../parse/index.js";
import { parseTree, targetData } from "../resolve/index.js";
import { fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";

export interface QueryOptions {
  recipe?: string;
  all?: boolean;
  /** With --all: each target's dependency and package lists, as BitBake's recipe cache keeps them. */
  deps?: boolean;
  json?: boolean;
  unexpanded?: boolean;
}

/** Where a variable was last assigned in metadata, from its history. */
function lastSet(d: DataStore, name: string): string | undefined {
  const located = d.history.variable(name).filter((e) => e.file && e.line);
  const last = located[located.length - 1];
  return last ? `${last.file}:${last.line}` : undefined;
}

/** Every target, one JSON object per line (skipped targets with their reason). */
async function queryAll(names: string[], withDeps: boolean): Promise<void> {
  try {
    const { ev, configs, reporter } = await openSession({ tracking: false });
    const tree = await parseTree(ev, configs, reporter, treeOptions({ values: names }));
    for (const info of tree.infos) {
      const line =
        info.skipped !== undefined
          ? { file: info.name, skipped: info.skipped }
          : {
              file: info.name,
              pn: info.pn,
              values: info.values ?? {},
              ...(withDeps && info.deps ? cacheLists(info.pn, info.provides, info.deps) : {}),
            };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  } catch (e) {
    fail(e);
  }
}

/** A target's lists as BitBake's recipe cache holds them (de-duplicated, PN provided first,
 * each package's runtime dependencies after the recipe-wide ones), for comparing with it. */
function cacheLists(pn: string, provides: string[], deps: RecipeDeps) {
  const unique = (words: string[]) => [...new Set(words)];
  const perPackage = (all: string[], own: Record<string, string[]>) =>
    Object.fromEntries(deps.packages.map((p) => [p, [...all, ...(own[p] ?? [])]]));
  return {
    depends: unique(deps.depends),
    provides: unique([pn, ...provides]),
    packages: unique(deps.packages),
    rdepends: perPackage(deps.rdepends, deps.rdependsPkg),
    rrecommends: perPackage(deps.rrecommends, deps.rrecommendsPkg),
  };
}

export async function query(names: string[], opts: QueryOptions): Promise<void> {
  if (opts.all) return queryAll(names, opts.deps ?? false);
  let d: DataStore;
  try {
    const { ev, config, configs, reporter } = await openSession();
    if (opts.recipe) {
      const tree = await parseTree(ev, configs, reporter, treeOptions());
      d = targetData(ev, configs, tree, opts.recipe, reporter).data;
    } else {
      d = finalizeConfiguration(ev, config);
    }
  } catch (e) {
    fail(e);
  }
  const result = readValues(d, names, !opts.unexpanded);
  for (const [name, value] of Object.entries(result)) {
    if (value !== null && typeof value === "object") {
      const where = lastSet(d, name.split("[")[0]);
      if (where) value.error = `${where}: ${value.error}`;
    }
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
    return;
  }
  let failed = false;
  for (const [name, value] of Object.entries(result)) {
    if (value !== null && typeof value === "object") {
      process.stderr.write(`ERROR: ${name}: ${value.error}\n`);
      failed = true;
    } else if (value === null) {
      process.stdout.write(`# ${name} is not set\n`);
    } else {
      process.stdout.write(`${name}="${value}"\n`);
    }
  }
  if (failed) process.exitCode = 1;
}
