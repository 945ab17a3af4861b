// The layer model: where the build directory is, which environment variables reach the
// metadata, layer series compatibility, BBFILES_DYNAMIC, and collection priorities with their
// LAYERDEPENDS / LAYERRECOMMENDS checks (BitBake's cookerdata and handleCollections).

import { existsSync } from "node:fs";
import path from "node:path";
import type { DataStore, Reporter } from "../data/index.js";
import { pySplit } from "../syntax/index.js";
import { fnmatchRegExp } from "../util/glob.js";
import { pyMatch, pyRegExp } from "../util/pyregex.js";
import { explodeDepVersions2, VersionStringError, vercmpStringOp } from "../util/version.js";

/** A configuration problem that stops BitBake (already phrased for the user). */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Look for conf/NAME along BBPATH, then in the working directory and its parents. */
export function findConfigFile(name: string, bbpath: string | undefined, cwd: string): string | undefined {
  const candidates: string[] = [];
  if (bbpath) for (const dir of bbpath.split(":")) candidates.push(path.join(dir, "conf", name));
  for (let dir = cwd; dir !== "/"; dir = path.dirname(dir)) candidates.push(path.join(dir, "conf", name));
  return candidates.find((c) => existsSync(c));
}

/** Environment variables BitBake passes into the metadata, and which of them are exported. */
const PRESERVED_EXPORTED = [
  "BB_TASKHASH",
  "HOME",
  "LOGNAME",
  "PATH",
  "PWD",
  "SHELL",
  "USER",
  "LC_ALL",
  "BBSERVER",
];
const PRESERVED = ["BBPATH", "BB_PRESERVE_ENV", "BB_ENV_PASSTHROUGH_ADDITIONS", ...PRESERVED_EXPORTED];

export function approvedVariables(env: NodeJS.ProcessEnv): string[] {
  if ("BB_PRESERVE_ENV" in env) return Object.keys(env);
  let approved: string[];
  if ("BB_ENV_PASSTHROUGH" in env)
    approved = [...pySplit(env.BB_ENV_PASSTHROUGH ?? ""), "BB_ENV_PASSTHROUGH"];
  else approved = [...PRESERVED];
  if ("BB_ENV_PASSTHROUGH_ADDITIONS" in env) {
    approved.push(...pySplit(env.BB_ENV_PASSTHROUGH_ADDITIONS ?? ""));
    if (!approved.includes("BB_ENV_PASSTHROUGH_ADDITIONS")) approved.push("BB_ENV_PASSTHROUGH_ADDITIONS");
  }
  return approved;
}

/** Copy approved environment variables into the datastore (BitBake's inheritFromOS). */
export function inheritFromEnvironment(d: DataStore, env: NodeJS.ProcessEnv): void {
  const approved = new Set(approvedVariables(env));
  for (const [name, value] of Object.entries(env)) {
    if (!approved.has(name) || value === undefined) continue;
    d.setVar(name, value, { op: "from env", file: "", line: 0 });
    if (PRESERVED_EXPORTED.includes(name)) d.setVarFlag(name, "export", true, { op: "auto env export" });
  }
}

/**
 * After every layer.conf was read: restore LAYERSERIES_COMPAT_*, add BBFILES_DYNAMIC entries
 * whose collection is (or is not) present, and check duplicate collections and series.
 */
export function finishLayers(
  d: DataStore,
  compat: Map<string, Set<string>>,
  layerseries: Set<string>,
  reporter: Reporter,
): void {
  d.delVar("LAYERDIR_RE");
  d.delVar("LAYERDIR");
  for (const [c, series] of compat) d.setVar(`LAYERSERIES_COMPAT_${c}`, [...series].sort().join(" "));

  const collections = pySplit(String(d.getVar("BBFILE_COLLECTIONS") ?? ""));
  const invalid: string[] = [];
  for (const entry of pySplit(String(d.getVar("BBFILES_DYNAMIC") ?? ""))) {
    const cut = entry.indexOf(":");
    if (cut < 0) {
      invalid.push(entry);
      continue;
    }
    let layer = entry.slice(0, cut);
    const files = entry.slice(cut + 1);
    const invert = layer.startsWith("!");
    if (invert) layer = layer.slice(1);
    if (collections.includes(layer) !== invert) d.appendVar("BBFILES", ` ${files}`);
  }
  if (invalid.length) {
    throw new ConfigError(
      `BBFILES_DYNAMIC entries must be of the form {!}<collection name>:<filename pattern>, not:\n    ${invalid.join("\n    ")}`,
    );
  }

  const seen = new Set<string>();
  for (const c of collections) {
    if (seen.has(c)) {
      throw new ConfigError(
        `Found duplicated BBFILE_COLLECTIONS '${c}', check bblayers.conf or layer.conf to fix it.`,
      );
    }
    seen.add(c);
    const series = compat.get(c) ?? new Set<string>();
    if (series.size > 0 && layerseries.size === 0) {
      throw new ConfigError(`No core layer found to work with layer '${c}'. Missing entry in bblayers.conf?`);
    }
    if (series.size > 0 && ![...series].some((s) => layerseries.has(s))) {
      throw new ConfigError(
        `Layer ${c} is not compatible with the core layer which only supports these series: ${[...layerseries].join(" ")} (layer is compatible with ${[...series].join(" ")})`,
      );
    }
    if (series.size === 0 && !d.getVar("BB_WORKERCONTEXT")) {
      reporter.warn(
        `Layer ${c} should set LAYERSERIES_COMPAT_${c} in its conf/layer.conf file to list the core layer names it is compatible with.`,
      );
    }
  }
  d.setVar("LAYERSERIES_CORENAMES", [...layerseries].sort().join(" "));
}

/** A collection's file pattern and priority. */
export interface Collection {
  name: string;
  pattern: string;
  regex: RegExp;
  priority: number;
}

/**
 * Collections in priority order for file matching, with LAYERDEPENDS checked and missing
 * priorities derived from dependencies (BitBake's handleCollections). Errors are reported and
 * then raised together.
 */
export function handleCollections(d: DataStore, reporter: Reporter): Collection[] {
  const names = pySplit(String(d.getVar("BBFILE_COLLECTIONS") ?? ""));
  const priorities = new Map<string, number | null>();
  const depends = new Map<string, string[]>();
  const errors: string[] = [];
  let minPrio = 0;
  const fatal = (msg: string): never => {
    throw new ConfigError(msg);
  };

  for (const c of names) {
    const priority = d.getVar(`BBFILE_PRIORITY_${c}`) as string | undefined;
    if (priority) {
      const prio = Number.parseInt(String(priority).trim(), 10);
      if (!/^\s*[-+]?\d+\s*$/.test(String(priority))) {
        errors.push(`invalid value for BBFILE_PRIORITY_${c}: "${priority}"`);
      }
      if (minPrio === 0 || prio < minPrio) minPrio = prio;
      priorities.set(c, prio);
    } else {
      priorities.set(c, null);
    }

    const deps = d.getVar(`LAYERDEPENDS_${c}`) as string | undefined;
    if (deps) {
      let parsed: Map<string, string[]>;
      try {
        parsed = explodeDepVersions2(deps);
      } catch (e) {
        if (e instanceof VersionStringError) fatal(`Error parsing LAYERDEPENDS_${c}: ${e.message}`);
        throw e;
      }
      for (const [dep, ops] of parsed!) {
        if (!names.includes(dep)) {
          errors.push(
            `Layer '${c}' depends on layer '${dep}', but this layer is not enabled in your configuration`,
          );
          continue;
        }
        for (const opstr of ops) {
          const layerver = d.getVar(`LAYERVERSION_${dep}`) as string | undefined;
          const [op, depver] = pySplit(opstr);
          if (!layerver) {
            errors.push(
              `Layer '${c}' depends on version ${opstr} of layer '${dep}', which exists in your configuration but does not specify a version. Check that you are using the correct matching versions/branches of these two layers.`,
            );
          } else if (!vercmpStringOp(layerver, depver, op)) {
            errors.push(
              `Layer '${c}' depends on version ${opstr} of layer '${dep}', but version ${layerver} is currently enabled in your configuration. Check that you are using the correct matching versions/branches of these two layers.`,
            );
          }
        }
      }
      depends.set(c, [...parsed!.keys()]);
    } else {
      depends.set(c, []);
    }

    const recs = d.getVar(`LAYERRECOMMENDS_${c}`) as string | undefined;
    if (recs) {
      let parsed: Map<string, string[]>;
      try {
        parsed = explodeDepVersions2(recs);
      } catch (e) {
        if (e instanceof VersionStringError) fatal(`Error parsing LAYERRECOMMENDS_${c}: ${e.message}`);
        throw e;
      }
      for (const [rec, ops] of parsed!) {
        if (!names.includes(rec)) continue;
        if (ops.length > 0) {
          const layerver = d.getVar(`LAYERVERSION_${rec}`) as string | undefined;
          if (!layerver) continue;
          const [op, recver] = pySplit(ops[0]);
          if (!vercmpStringOp(layerver, recver, op)) continue;
        }
        depends.get(c)!.push(rec);
      }
    }
  }

  const calc = (c: string): void => {
    if (priorities.get(c)) return;
    let max = minPrio;
    for (const dep of depends.get(c) ?? []) {
      calc(dep);
      const p = priorities.get(dep) ?? 0;
      if (p > max) max = p;
    }
    priorities.set(c, max + 1);
  };

  const result: Collection[] = [];
  for (const c of names) {
    calc(c);
    const pattern = d.getVar(`BBFILE_PATTERN_${c}`) as string | undefined;
    let regex: RegExp;
    if (pattern === undefined) {
      errors.push(`BBFILE_PATTERN_${c} not defined`);
      continue;
    } else if (pattern === "") {
      regex = /^NULL$/;
    } else {
      try {
        regex = pyRegExp(pattern, "y");
      } catch {
        errors.push(`BBFILE_PATTERN_${c} "${pattern}" is not a valid regular expression`);
        continue;
      }
    }
    result.push({ name: c, pattern, regex, priority: priorities.get(c) ?? 0 });
  }
  if (errors.length) {
    for (const e of errors) reporter.error(e);
    throw new ConfigError(errors.join("\n"));
  }
  // Longer (lexically greater) patterns first, so nested layers match before their parents.
  return result.sort((a, b) => (a.pattern < b.pattern ? 1 : a.pattern > b.pattern ? -1 : 0));
}

/** The collection a file belongs to (first matching pattern) and its priority. */
export function fileCollection(file: string, collections: Collection[]): Collection | undefined {
  return collections.find((c) => pyMatch(c.regex, file));
}

/**
 * Which collection files belong to (bb.utils.get_file_layer): a file matching a BBFILES entry
 * belongs to the collection of that entry, anything else (classes, includes) to the collection
 * with the longest BBFILE_PATTERN that matches it. Answers are remembered.
 */
export class FileLayers {
  private readonly patterns: Array<{ collection: string; length: number; regex: RegExp }>;
  private readonly bbfiles: RegExp[];
  private readonly bbfileEntries: string[];
  private readonly known = new Map<string, string | undefined>();

  constructor(d: DataStore) {
    this.patterns = pySplit(String(d.getVar("BBFILE_COLLECTIONS") ?? "")).map((collection) => {
      const pattern = String(d.getVar(`BBFILE_PATTERN_${collection}`) ?? "");
      return { collection, length: pattern.length, regex: pyRegExp(pattern) };
    });
    this.bbfileEntries = pySplit(String(d.getVar("BBFILES_PRIORITIZED") ?? ""));
    this.bbfiles = this.bbfileEntries.map((e) => fnmatchRegExp(e));
  }

  collectionOf(file: string): string | undefined {
    if (this.known.has(file)) return this.known.get(file);
    const entry = this.bbfiles.findIndex((re) => re.test(file));
    const answer = this.longestMatch(entry >= 0 ? this.bbfileEntries[entry] : file);
    this.known.set(file, answer);
    return answer;
  }

  private longestMatch(p: string): string | undefined {
    let best: string | undefined;
    let bestLen = 0;
    for (const { collection, length, regex } of this.patterns) {
      if (length > bestLen && pyMatch(regex, p)) {
        bestLen = length;
        best = collection;
      }
    }
    return best;
  }
}

/** The collection one file belongs to (see FileLayers). */
export function fileLayerCollection(file: string, d: DataStore): string | undefined {
  return new FileLayers(d).collectionOf(file);
}
