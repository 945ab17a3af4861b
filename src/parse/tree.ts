// Parsing the whole tree of recipes, as BitBake does before answering anything about a recipe:
// for the default configuration and each multiconfig, cached results are reused when nothing
// they depend on changed; the rest is parsed in parallel (or in this thread when only a few
// recipes need it).

import os from "node:os";
import path from "node:path";
import { FatalError, type Reporter } from "../data/index.js";
import { ParseCache } from "./cache.js";
import type { Configuration } from "./config.js";
import { configurationHash } from "./confighash.js";
import { describeError } from "./errors.js";
import type { Evaluator } from "./evaluate.js";
import { layerLibrariesKey } from "./layer-libraries.js";
import { type Job, type JobResult, ParserPool } from "./pool.js";
import { appendsFor, collectRecipeFiles, parseForTree, type RecipeInfo } from "./recipes.js";

export interface TreeOptions {
  /** Parser threads (default: the number of cores). */
  jobs?: number;
  /** Use and update the parse cache (default: true). */
  cache?: boolean;
  /** Up to this many recipes to parse are parsed in this thread instead of starting threads. */
  inlineLimit?: number;
  /** Also read these variables from every target (no cache is used then). */
  values?: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface TreeStats {
  files: number;
  cached: number;
  parsed: number;
  masked: number;
  targets: number;
  skipped: number;
  errors: number;
}

export interface Tree {
  /** Every target of every multiconfig, in BitBake's file order. */
  infos: RecipeInfo[];
  /** Per multiconfig: [recipe base name, append file] pairs. */
  appends: Map<string, Array<[string, string]>>;
  stats: TreeStats;
  /**
   * Per "mc\0file" (multiconfig, recipe file): a key covering everything that went into parsing
   * it (see ParseCache.fingerprint); absent when the cache is not used.
   */
  fingerprints: Map<string, string>;
}

/** Thrown when recipes failed to parse; the individual errors were reported already. */
export class ParseFailures extends FatalError {
  constructor(readonly count: number) {
    super(
      `Parsing halted: ${count} recipe file${count === 1 ? "" : "s"} failed to parse (see the errors above)`,
    );
    this.name = "ParseFailures";
  }
}

/** BitBake's summary line for a parse. */
export function summaryLine(s: TreeStats): string {
  return `Parsing of ${s.files} .bb files complete (${s.cached} cached, ${s.parsed} parsed). ${s.targets} targets, ${s.skipped} skipped, ${s.masked} masked, ${s.errors} errors.`;
}

function cacheFile(config: Configuration): string {
  const name = config.mc ? `parse-mc-${config.mc}.cache` : "parse.cache";
  return path.join(String(config.data.getVar("CACHE")), "kiln", name);
}

export async function parseAllRecipes(
  ev: Evaluator,
  configs: Map<string, Configuration>,
  reporter: Reporter,
  opts: TreeOptions,
): Promise<Tree> {
  const useCache = opts.cache !== false && !opts.values;
  const results = new Map<string, RecipeInfo[]>();
  const caches = new Map<string, ParseCache>();
  const hashes: Record<string, string> = {};
  const order: Array<[string, string]> = [];
  const appends = new Map<string, Array<[string, string]>>();
  const todo: Job[] = [];
  let cached = 0;
  let masked = 0;
  const key = (mc: string, file: string) => `${mc}\0${file}`;
  // The layers' Python libraries are inputs of every recipe's parse, as the configuration is.
  let librariesKey: string | undefined;

  for (const [mc, config] of configs) {
    if (!config.data.getVar("CACHE")) {
      throw new FatalError("Please ensure CACHE is set to the cache directory for BitBake to use");
    }
    const files = collectRecipeFiles(config, reporter);
    masked += files.masked;
    appends.set(mc, files.appends);
    // After collecting: the configuration recipes see includes BBFILES_PRIORITIZED.
    hashes[mc] = configurationHash(config.data);
    librariesKey ??= layerLibrariesKey(ev.python.layerLibraries);
    const cache = useCache ? ParseCache.open(cacheFile(config), `${hashes[mc]} ${librariesKey}`) : null;
    if (cache) caches.set(mc, cache);
    for (const file of files.recipes) {
      order.push([mc, file]);
      const fileAppends = appendsFor(file, files.appends);
      const hit = cache?.lookup(file, fileAppends);
      if (hit) {
        results.set(key(mc, file), hit);
        cached++;
      } else {
        todo.push({ mc, file, appends: fileAppends, names: opts.values });
      }
    }
  }

  let errors = 0;
  const take = (r: JobResult) => {
    if (r.ok) {
      results.set(key(r.job.mc, r.job.file), r.infos);
      caches.get(r.job.mc)?.store(r.job.file, r.job.appends, r.deps, r.infos);
    } else {
      errors++;
      reporter.error(`Unable to parse ${r.job.file}: ${r.message}`);
    }
  };
  const threads = Math.max(1, Math.min(opts.jobs ?? os.availableParallelism(), todo.length));
  const parseHere = (job: Job): JobResult => {
    try {
      const { infos, deps } = parseForTree(ev, configs.get(job.mc)!, job.file, job.appends, job.names);
      return { ok: true, job, infos, deps };
    } catch (e) {
      return { ok: false, job, message: describeError(e) };
    }
  };
  if (todo.length <= (opts.inlineLimit ?? 8) || threads === 1) {
    for (const job of todo) take(parseHere(job));
  } else {
    // This thread is one of the parsers: it starts at once, while the others load.
    const pool = new ParserPool(threads - 1, { cwd: opts.cwd, env: opts.env }, hashes, (m) =>
      process.stderr.write(`${m}\n`),
    );
    try {
      await pool.run(todo, take, parseHere);
    } finally {
      await pool.close();
    }
  }
  for (const [mc, cache] of caches) {
    cache.retain(new Set(order.filter(([m]) => m === mc).map(([, f]) => f)));
    cache.save();
  }
  if (errors > 0) throw new ParseFailures(errors);

  const dangling: string[] = [];
  for (const [mc, list] of appends) {
    const applied = new Set(order.filter(([m]) => m === mc).flatMap(([, f]) => appendsFor(f, list)));
    const missing = list.map(([, f]) => f).filter((f) => !applied.has(f));
    if (missing.length)
      dangling.push(`No recipes in ${mc || "default"} available for:\n  ${missing.join("\n  ")}`);
  }
  if (dangling.length) throw new FatalError(dangling.join("\n"));

  const infos = order.flatMap(([mc, f]) => results.get(key(mc, f)) ?? []);
  const fingerprints = new Map<string, string>();
  for (const [mc, f] of order) {
    const fp = caches.get(mc)?.fingerprint(f);
    if (fp) fingerprints.set(key(mc, f), fp);
  }
  return {
    infos,
    appends,
    fingerprints,
    stats: {
      files: order.length,
      cached,
      parsed: todo.length,
      masked,
      targets: infos.length,
      skipped: infos.filter((i) => i.skipped !== undefined).length,
      errors,
    },
  };
}
