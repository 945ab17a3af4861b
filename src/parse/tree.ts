// Parsing the whole tree of recipes, as BitBake does before answering anything about a recipe:
// cached results are reused when nothing they depend on changed; the rest is parsed in parallel
// (or in this thread when only a few recipes need it).

import os from "node:os";
import path from "node:path";
import { FatalError, type Reporter } from "../data/index.js";
import { ParseCache } from "./cache.js";
import type { Configuration } from "./config.js";
import { configurationHash } from "./confighash.js";
import { describeError } from "./errors.js";
import type { Evaluator } from "./evaluate.js";
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
  infos: RecipeInfo[];
  appends: Array<[string, string]>;
  stats: TreeStats;
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

export async function parseAllRecipes(
  ev: Evaluator,
  config: Configuration,
  reporter: Reporter,
  opts: TreeOptions,
): Promise<Tree> {
  if (!config.data.getVar("CACHE")) {
    throw new FatalError("Please ensure CACHE is set to the cache directory for BitBake to use");
  }
  const files = collectRecipeFiles(config, reporter);
  // After collecting: the configuration recipes see includes BBFILES_PRIORITIZED.
  const configHash = configurationHash(config.data);
  const cacheFile = path.join(String(config.data.getVar("CACHE")), "kiln", "parse.cache");
  const useCache = opts.cache !== false && !opts.values;
  const cache = useCache ? ParseCache.open(cacheFile, configHash) : null;

  const results = new Map<string, RecipeInfo[]>();
  const todo: Job[] = [];
  let cached = 0;
  for (const file of files.recipes) {
    const appends = appendsFor(file, files.appends);
    const hit = cache?.lookup(file, appends);
    if (hit) {
      results.set(file, hit);
      cached++;
    } else {
      todo.push({ file, appends, names: opts.values });
    }
  }

  let errors = 0;
  const take = (r: JobResult) => {
    if (r.ok) {
      results.set(r.job.file, r.infos);
      cache?.store(r.job.file, r.job.appends, r.deps, r.infos);
    } else {
      errors++;
      reporter.error(`Unable to parse ${r.job.file}: ${r.message}`);
    }
  };
  const inlineLimit = opts.inlineLimit ?? 8;
  const threads = Math.max(1, Math.min(opts.jobs ?? os.availableParallelism(), todo.length));
  if (todo.length <= inlineLimit || threads === 1) {
    for (const job of todo) {
      try {
        const { infos, deps } = parseForTree(ev, config, job.file, job.appends, job.names);
        take({ ok: true, job, infos, deps });
      } catch (e) {
        take({ ok: false, job, message: describeError(e) });
      }
    }
  } else {
    const pool = new ParserPool(threads, { cwd: opts.cwd, env: opts.env }, configHash, (m) =>
      process.stderr.write(`${m}\n`),
    );
    try {
      await pool.run(todo, take);
    } finally {
      await pool.close();
    }
  }
  if (cache) {
    cache.retain(new Set(files.recipes));
    cache.save();
  }
  if (errors > 0) throw new ParseFailures(errors);

  const applied = new Set(files.recipes.flatMap((f) => appendsFor(f, files.appends)));
  const dangling = files.appends.map(([, f]) => f).filter((f) => !applied.has(f));
  if (dangling.length)
    throw new FatalError(`No recipes in default available for:\n  ${dangling.join("\n  ")}`);

  // Results in BitBake's file order, whatever order the threads finished in.
  const infos = files.recipes.flatMap((f) => results.get(f) ?? []);
  return {
    infos,
    appends: files.appends,
    stats: {
      files: files.recipes.length,
      cached,
      parsed: todo.length,
      masked: files.masked,
      targets: infos.length,
      skipped: infos.filter((i) => i.skipped !== undefined).length,
      errors,
    },
  };
}
