// What every command needs first: the embedded Python and the parsed configuration.

import type { DataStore, Reporter } from "../data/index.js";
import { type Configuration, Evaluator, parseConfigurations, type TreeOptions } from "../parse/index.js";
import { PythonRuntime } from "../python/index.js";

export const stderrReporter: Reporter = {
  warn: (m) => process.stderr.write(`WARNING: ${m}\n`),
  error: (m) => process.stderr.write(`ERROR: ${m}\n`),
};

export interface Session {
  ev: Evaluator;
  /** The default configuration. */
  config: Configuration;
  /** Every configuration: the default one ("") and each multiconfig. */
  configs: Map<string, Configuration>;
  reporter: Reporter;
}

export async function openSession(opts: { tracking?: boolean } = {}): Promise<Session> {
  // History is kept for the configuration (cheap) so that errors can say where a value was set.
  const python = await PythonRuntime.start();
  const reporter = stderrReporter;
  const ev = new Evaluator(python, reporter);
  const configs = parseConfigurations(ev, {
    cwd: process.cwd(),
    env: process.env,
    tracking: opts.tracking ?? true,
    reporter,
  });
  return { ev, config: configs.get("")!, configs, reporter };
}

/** How the recipe tree is parsed: threads from KILN_JOBS (default: all cores), cache unless KILN_NO_CACHE. */
export function treeOptions(overrides: Partial<TreeOptions> = {}): TreeOptions {
  const jobs = process.env.KILN_JOBS ? Number(process.env.KILN_JOBS) : undefined;
  return { cwd: process.cwd(), env: process.env, jobs, cache: !process.env.KILN_NO_CACHE, ...overrides };
}

export type { DataStore };
