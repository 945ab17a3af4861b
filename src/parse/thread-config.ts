// A helper's own copy of the configuration (parsers and build workers, processes or threads):
// parsed as the main thread parses it, with BBFILES_PRIORITIZED set as collecting the recipe files sets it there, and
// per multiconfig the hash the main thread compares with its own, so that both read the same.

import type { Reporter } from "../data/index.js";
import { type Configuration, parseConfigurations } from "./config.js";
import { configurationHash } from "./confighash.js";
import type { Evaluator } from "./evaluate.js";
import { prioritizeBbfiles } from "./recipes.js";

export interface ThreadInit {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function threadConfigurations(
  ev: Evaluator,
  init: ThreadInit,
  reporter: Reporter,
): Map<string, Configuration> {
  const configs = parseConfigurations(ev, { cwd: init.cwd, env: init.env, tracking: false, reporter });
  for (const config of configs.values()) prioritizeBbfiles(config);
  return configs;
}

/** Per multiconfig name, the hash of its configuration. */
export function configurationHashes(configs: Map<string, Configuration>): Record<string, string> {
  return Object.fromEntries([...configs].map(([mc, c]) => [mc, configurationHash(c.data)]));
}

export function sameConfigurationHashes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
