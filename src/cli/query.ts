// `kiln query`: the value of variables or flags, globally or for one recipe, as BitBake gives them.

import type { DataStore } from "../data/index.js";
import { finalizeConfiguration } from "../parse/index.js";
import { parseTree, targetData } from "../resolve/index.js";
import { describe, fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";
import { renderValue, splitFlag } from "./values.js";

export interface QueryOptions {
  recipe?: string;
  json?: boolean;
  unexpanded?: boolean;
}

/** Where a variable was last assigned in metadata, from its history. */
function lastSet(d: DataStore, name: string): string | undefined {
  const located = d.history.variable(name).filter((e) => e.file && e.line);
  const last = located[located.length - 1];
  return last ? `${last.file}:${last.line}` : undefined;
}

export async function query(names: string[], opts: QueryOptions): Promise<void> {
  let d: DataStore;
  try {
    const { ev, config, reporter } = await openSession();
    if (opts.recipe) {
      const tree = await parseTree(ev, config, reporter, treeOptions());
      d = targetData(ev, config, tree, opts.recipe, reporter).data;
    } else {
      d = finalizeConfiguration(ev, config);
    }
  } catch (e) {
    fail(e);
  }
  const expand = !opts.unexpanded;
  const result: Record<string, string | null | { error: string }> = {};
  for (const name of names) {
    const [variable, flag] = splitFlag(name);
    try {
      const value = flag === undefined ? d.getVar(variable, expand) : d.getVarFlag(variable, flag, expand);
      result[name] = renderValue(value);
    } catch (e) {
      const where = lastSet(d, variable);
      result[name] = { error: where ? `${where}: ${describe(e)}` : describe(e) };
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
