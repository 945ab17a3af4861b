// Parsing the configuration of a build directory: bblayers.conf, each layer's layer.conf,
// conf/bitbake.conf found along BBPATH, then base.bbclass and INHERIT (BitBake's cookerdata).

import path from "node:path";
import {
  bitbakeForSeries,
  type Collection,
  ConfigError,
  findConfigFile,
  finishLayers,
  handleCollections,
  inheritFromEnvironment,
} from "../config/index.js";
import { DataStore, expandKeys, type Reporter } from "../data/index.js";
import { pySplit } from "../syntax/index.js";
import type { Evaluator } from "./evaluate.js";
import { runAnonymous } from "./finalize.js";
import { isDir } from "./paths.js";

export interface Configuration {
  /** The configuration every recipe starts from (a copy of it). */
  data: DataStore;
  topdir: string;
  collections: Collection[];
  /** The multiconfig this configuration is for ("" for the default one). */
  mc: string;
  /** BBLAYERS in order, each with the collections its layer.conf added. */
  layers: LayerEntry[];
}

export interface LayerEntry {
  dir: string;
  collections: string[];
  /** Whether this layer set LAYERSERIES_CORENAMES (it is the core layer). */
  core: boolean;
}

export interface ConfigOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  tracking?: boolean;
  reporter: Reporter;
}

/** Python's re.escape: a backslash before each character special in regular expressions. */
export function regexEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}

/** Read the configuration files for one multiconfig, starting from a copy of `base`. */
function parseConfigurationFiles(
  ev: Evaluator,
  opts: ConfigOptions,
  base: DataStore,
  mc: string,
  layerEntries: LayerEntry[] = [],
): DataStore {
  let data = base.createCopy();
  data.setVar("BB_CURRENT_MC", mc);
  const layerconf = findConfigFile("bblayers.conf", data.getVar("BBPATH") as string | undefined, opts.cwd);
  if (layerconf) {
    data.setVar("TOPDIR", path.dirname(path.dirname(layerconf)));
    ev.handleFile(layerconf, data, true, true);
    if (!data.getVar("BB_CACHEDIR")) data.setVar("BB_CACHEDIR", "${TOPDIR}/cache");
    const layers = pySplit(String(data.getVar("BBLAYERS") ?? ""));
    if (layers.length === 0)
      throw new ConfigError("The bblayers.conf file doesn't contain any BBLAYERS definition", layerconf);
    data = data.createCopy();
    const broken = layers.filter((l) => !isDir(l));
    if (broken.length) {
      throw new ConfigError(
        `The following layer directories do not exist:\n   ${broken.join("\n   ")}\nPlease check BBLAYERS in ${layerconf}`,
        layerconf,
      );
    }
    const compat = new Map<string, Set<string>>();
    let layerseries: Set<string> | null = null;
    for (let layer of layers) {
      if (layer.includes("~") && opts.env.HOME) layer = layer.replace(/^~(?=\/|$)/, opts.env.HOME);
      layer = layer.replace(/\/+$/, "");
      data.setVar("LAYERDIR", layer);
      data.setVar("LAYERDIR_RE", regexEscape(layer));
      const before = new Set(pySplit(String(data.getVar("BBFILE_COLLECTIONS") ?? "")));
      ev.handleFile(path.join(layer, "conf", "layer.conf"), data, true, true);
      data.expandVarref("LAYERDIR");
      data.expandVarref("LAYERDIR_RE");
      const after = pySplit(String(data.getVar("BBFILE_COLLECTIONS") ?? ""));
      layerEntries.push({
        dir: layer,
        collections: after.filter((c) => !before.has(c)),
        core: (!layerseries || layerseries.size === 0) && Boolean(data.getVar("LAYERSERIES_CORENAMES")),
      });
      for (const c of after) {
        const entry = data.getVar(`LAYERSERIES_COMPAT_${c}`) as string | undefined;
        if (entry) {
          compat.set(c, new Set(pySplit(entry)));
          data.delVar(`LAYERSERIES_COMPAT_${c}`);
        }
      }
      if (!layerseries || layerseries.size === 0) {
        layerseries = new Set(pySplit(String(data.getVar("LAYERSERIES_CORENAMES") ?? "")));
        if (layerseries.size > 0) data.delVar("LAYERSERIES_CORENAMES");
      }
    }
    finishLayers(data, compat, layerseries ?? new Set(), opts.reporter);
    data.bitbake = bitbakeForSeries(layerseries ?? []);
  }
  if (!data.getVar("BBPATH")) {
    let msg = "The BBPATH variable is not set";
    if (!layerconf) {
      msg +=
        " and kiln did not find a conf/bblayers.conf file in the expected location.\nMaybe you invoked kiln from the wrong directory?";
    }
    throw new ConfigError(msg);
  }
  if (!data.getVar("TOPDIR")) data.setVar("TOPDIR", opts.cwd);
  if (!data.getVar("BB_CACHEDIR")) data.setVar("BB_CACHEDIR", "${TOPDIR}/cache");

  ev.handleFile(path.join("conf", "bitbake.conf"), data, true, true);
  for (const cls of ["base", ...pySplit(String(data.getVar("INHERIT") ?? ""))]) {
    ev.inherit(cls, "configuration INHERITs", 0, data, false);
  }
  ev.python.registerHandlers(data);
  data.setVar("BBINCLUDED", includedFiles(data));
  return data;
}

/**
 * Parse the configuration of the build directory containing `cwd`: the default one and one
 * per BBMULTICONFIG entry (each reads conf/multiconfig/<name>.conf through its bitbake.conf).
 */
export function parseConfigurations(ev: Evaluator, opts: ConfigOptions): Map<string, Configuration> {
  const base = DataStore.create({ python: ev.python, reporter: opts.reporter });
  base.tracking = opts.tracking ?? false;
  inheritFromEnvironment(base, opts.env);
  // The whole environment kiln was started with, for metadata that needs more than the approved
  // variables (OpenEmbedded reads PATH from it to set up host tools).
  const savedenv = DataStore.create({ python: ev.python, reporter: opts.reporter });
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) savedenv.setVar(k, v);
  base.setVar("BB_ORIGENV", savedenv);
  base.setVar("__bbclasstype", "global");

  const all = new Map<string, DataStore>();
  const layers: LayerEntry[] = [];
  const main = parseConfigurationFiles(ev, opts, base, "", layers);
  ev.python.fireEvent("ConfigParsed", [], main);
  all.set("", main);
  const multiconfigs = pySplit(String(main.getVar("BBMULTICONFIG") ?? ""));
  for (const mc of multiconfigs) {
    if (/^\d/.test(mc)) {
      throw new ConfigError(`Multiconfig name '${mc}' is invalid as multiconfigs cannot start with a digit`);
    }
    const d = parseConfigurationFiles(ev, opts, base, mc);
    ev.python.fireEvent("ConfigParsed", [], d);
    all.set(mc, d);
  }
  if (multiconfigs.length) ev.python.fireMultiConfigParsed(all, main);

  const collections = handleCollections(main, opts.reporter);
  // BitBake's cooker starts a hash equivalence server on a socket in TOPDIR when BB_HASHSERVE is
  // "auto" (OpenEmbedded-Core's default since wrynose) and hands its address to every configuration.
  // kiln runs no such server (its signatures are BitBake's basic ones); the value is BitBake's.
  const hashserve =
    main.getVar("BB_HASHSERVE") === "auto" ? `unix://${main.getVar("TOPDIR")}/hashserve.sock` : null;
  const result = new Map<string, Configuration>();
  for (const [mc, d] of all) {
    if (hashserve) d.setVar("BB_HASHSERVE", hashserve);
    d.renameVar("__depends", "__base_depends");
    d.setVar("__bbclasstype", "recipe");
    result.set(mc, { data: d.compactCopy(), topdir: String(d.getVar("TOPDIR")), collections, mc, layers });
  }
  return result;
}

/** The default configuration alone (multiconfigs are parsed too, as BitBake does). */
export function parseConfiguration(ev: Evaluator, opts: ConfigOptions): Configuration {
  return parseConfigurations(ev, opts).get("")!;
}

function includedFiles(d: DataStore): string {
  const deps = [
    ...((d.getVar("__base_depends", false) as Array<[string, unknown]> | undefined) ?? []),
    ...((d.getVar("__depends", false) as Array<[string, unknown]> | undefined) ?? []),
  ];
  return deps.map(([f]) => path.resolve(f)).join(" ");
}

/** The global configuration as `bitbake -e` shows it: keys expanded, anonymous functions run. */
export function finalizeConfiguration(ev: Evaluator, config: Configuration): DataStore {
  const d = config.data.createCopy();
  expandKeys(d);
  runAnonymous(ev, d);
  return d;
}
