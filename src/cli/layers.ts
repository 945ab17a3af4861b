// `kiln layers ...`: bitbake-layers' commands. The show-* commands print what BitBake prints
// (or JSON with --json); add-layer, remove-layer and create-layer change the build directory.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { ConfigError, editBblayers, findConfigFile, newLayerFiles } from "../config/index.js";
import {
  appendedRecipes,
  crossDependencies,
  LayerLocator,
  layerRows,
  listRecipes,
  missingClasses,
  overlayedClasses,
  type ParsedTree,
  parseTree,
  type RecipeListing,
} from "../resolve/index.js";
import { writeFileAtomic } from "../util/atomic.js";
import { describe, fail } from "./report.js";
import {
  createSession,
  openSession,
  type Session,
  startPython,
  stderrReporter,
  treeOptions,
} from "./session.js";

const out = (line: string) => process.stdout.write(`${line}\n`);
const json = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 1)}\n`);
};

/** The session for a multiconfig, with every recipe parsed. */
async function parsed(mc = ""): Promise<{ session: Session; tree: ParsedTree; config: Session["config"] }> {
  const session = await openSession({ tracking: false });
  const config = session.configs.get(mc);
  if (!config) throw new ConfigError(`Multiconfig '${mc}' is not enabled (BBMULTICONFIG)`);
  const tree = await parseTree(session.ev, session.configs, session.reporter, treeOptions());
  return { session, tree, config };
}

async function showLayers(opts: { json?: boolean }): Promise<void> {
  const { config } = await openSession({ tracking: false });
  const rows = layerRows(config);
  if (opts.json) return json(rows);
  out(`${"layer".padEnd(20)}  ${"path".padEnd(70)}  priority`);
  out("=".repeat(104));
  for (const r of rows) out(`${r.name.padEnd(20)}  ${r.path.padEnd(70)}  ${r.priority}`);
}

interface RecipeTextOptions {
  filenames?: boolean;
  recipesOnly?: boolean;
  bare?: boolean;
}

/** Print listings the way bitbake-layers does; whether anything was printed. */
function printListings(title: string, listings: RecipeListing[], opts: RecipeTextOptions): boolean {
  if (listings.length === 0) return false;
  out(`=== ${title} ===`);
  const seen = new Set<string>();
  for (const { pn, recipes } of listings) {
    for (const r of recipes) {
      const skipped = !opts.bare && r.skipped !== undefined ? ` (skipped: ${r.skipped})` : "";
      if (opts.filenames) {
        out(`${r.preferred ? "" : "  "}${r.file}${skipped}`);
      } else if (opts.recipesOnly) {
        if (!seen.has(pn)) out(`${pn}${skipped}`);
        seen.add(pn);
      } else {
        if (r.preferred) out(`${pn}:`);
        out(`  ${r.layer.padEnd(20)} ${r.version}${skipped}`);
      }
    }
  }
  return true;
}

interface ShowRecipesOptions extends RecipeTextOptions {
  multiple?: boolean;
  inherits?: string;
  layer?: string;
  mc?: string;
  json?: boolean;
}

async function showRecipes(pnspec: string[], opts: ShowRecipesOptions): Promise<void> {
  const { session, tree, config } = await parsed(opts.mc);
  const inherits = opts.inherits ? opts.inherits.split(",") : [];
  const missing = missingClasses(config, inherits);
  if (missing.length) {
    session.reporter.error(`No class named ${missing[0]} found in BBPATH`);
    process.exit(1);
  }
  const listings = listRecipes(tree, config, session.reporter, {
    pnspec,
    multiple: opts.multiple,
    inherits,
    layer: opts.layer,
  });
  if (opts.json) return json(listings);
  const title =
    inherits.length || pnspec.length || opts.multiple ? "Matching recipes:" : "Available recipes:";
  printListings(title, listings, opts);
}

async function showOverlayed(opts: {
  filenames?: boolean;
  sameVersion?: boolean;
  mc?: string;
  json?: boolean;
}) {
  const { session, tree, config } = await parsed(opts.mc);
  const listings = listRecipes(tree, config, session.reporter, {
    multiple: true,
    overlayedOnly: true,
    sameVersionOnly: opts.sameVersion,
  });
  const classes = overlayedClasses(config);
  if (opts.json) return json({ recipes: listings, classes });
  let listed = printListings("Overlayed recipes", listings, opts);
  if (classes.length) {
    out("=== Overlayed classes ===");
    listed = true;
  }
  for (const c of classes) {
    if (opts.filenames) out(c.main);
    else {
      out(`${c.name}:`);
      out(`  ${c.mainLayer}`);
    }
    for (const o of c.others) out(`  ${opts.filenames ? o.file : o.layer}`);
  }
  if (!listed) out("No overlayed files found.");
}

async function showAppends(pnspec: string[], opts: { mc?: string; json?: boolean }): Promise<void> {
  const { session, tree, config } = await parsed(opts.mc);
  const appended = appendedRecipes(tree, config, session.reporter, pnspec);
  if (opts.json) return json(appended);
  out(pnspec.length ? "=== Matched appended recipes ===" : "=== Appended recipes ===");
  for (const a of appended) {
    out(`${a.recipe}${a.skipped ? " (skipped)" : ""}:`);
    for (const f of a.appends) out(`  ${f}`);
  }
  if (appended.length === 0) out("No append files found");
}

async function showCrossDepends(opts: {
  filenames?: boolean;
  ignore?: string;
  json?: boolean;
}): Promise<void> {
  const { session, tree, config } = await parsed();
  const found = crossDependencies(tree, config, session.reporter, opts.ignore ? opts.ignore.split(",") : []);
  if (opts.json) return json(found);
  const locate = new LayerLocator(config);
  const show = (f: string) => (opts.filenames ? f : locate.short(f));
  for (const d of found) out(`${show(d.from)} ${d.kind} ${show(d.to)}`);
}

/** conf/bblayers.conf of the build directory around the working directory. */
function bblayersFile(): string {
  const file = findConfigFile("bblayers.conf", process.env.BBPATH, process.cwd());
  if (!file) {
    process.stderr.write("Unable to find bblayers.conf\n");
    process.exit(1);
  }
  return file;
}

/** Does the configuration still parse (layer dependencies, series, patterns)? The error if not. */
async function configurationProblem(): Promise<string | undefined> {
  const exitCode = process.exitCode;
  try {
    createSession(await startPython(), { tracking: false });
    return process.exitCode === 1 && exitCode !== 1 ? "errors were reported" : undefined;
  } catch (e) {
    return describe(e);
  }
}

async function addLayer(dirs: string[], opts: { force?: boolean }): Promise<void> {
  const layers = dirs.map((d) => path.resolve(d));
  for (const layer of layers) {
    if (!existsSync(layer)) return refuse(`Specified layer directory ${layer} doesn't exist`);
    if (!existsSync(path.join(layer, "conf", "layer.conf")))
      return refuse(`Specified layer directory ${layer} doesn't contain a conf/layer.conf file`);
  }
  const file = bblayersFile();
  const before = readFileSync(file, "utf8");
  const edit = editBblayers(before, layers, [], process.env.HOME);
  for (const l of edit.notAdded) process.stderr.write(`Specified layer ${l} is already in BBLAYERS\n`);
  if (!edit.updated) return;
  writeFileAtomic(file, edit.text);
  if (opts.force) return;
  const problem = await configurationProblem();
  if (problem) {
    writeFileAtomic(file, before);
    stderrReporter.error(`${problem}\nParse failure with the specified layer added, ${file} left unchanged.`);
  }
}

async function removeLayer(items: string[]): Promise<void> {
  const file = bblayersFile();
  const patterns = items.map((item) => {
    if (item.startsWith("*")) return item;
    if (!item.includes("/")) return `*/${item}`;
    return path.resolve(item);
  });
  const edit = editBblayers(readFileSync(file, "utf8"), [], patterns, process.env.HOME);
  if (edit.updated) writeFileAtomic(file, edit.text);
  for (const item of edit.notRemoved) process.stderr.write(`No layers matching ${item} found in BBLAYERS\n`);
  if (edit.notRemoved.length) process.exitCode = 1;
}

interface CreateLayerOptions {
  addLayer?: boolean;
  layerid?: string;
  priority: string;
  exampleRecipeName: string;
  exampleRecipeVersion: string;
}

async function createLayer(dir: string, opts: CreateLayerOptions): Promise<void> {
  const layerDir = path.resolve(dir);
  if (existsSync(layerDir)) return refuse("Specified layer directory exists");
  const { config } = await openSession({ tracking: false });
  const name = path.basename(layerDir);
  const core = config.layers.find((l) => l.core);
  const files = newLayerFiles({
    name,
    id: opts.layerid ?? name,
    priority: opts.priority,
    compat: String(config.data.getVar("LAYERSERIES_CORENAMES") ?? ""),
    dependsOn: core?.collections[0],
    exampleName: opts.exampleRecipeName,
    exampleVersion: opts.exampleRecipeVersion,
  });
  for (const [rel, text] of files) {
    const target = path.join(layerDir, rel);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  if (opts.addLayer) {
    await addLayer([layerDir], {});
    out(`Layer added ${layerDir}`);
  } else {
    out(`Add your new layer with 'kiln layers add-layer ${dir}'`);
  }
}

function refuse(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

/** Run a command, turning errors into messages. */
function guarded<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (e) {
      fail(e);
    }
  };
}

export function registerLayers(program: Command): void {
  const layers = program
    .command("layers")
    .description("inspect and change the configured layers (like bitbake-layers)");
  const jsonOption = "print JSON instead of text";

  layers
    .command("show-layers")
    .description("show the configured layers")
    .option("--json", jsonOption)
    .action(guarded(showLayers));

  layers
    .command("show-recipes")
    .description("list recipes with their versions and layers, the preferred version first")
    .argument("[pnspec...]", "recipe names to list (wildcards allowed)")
    .option("-f, --filenames", "list file names, the preferred first and the ones it overlays indented")
    .option("-r, --recipes-only", "list recipe names only")
    .option("-m, --multiple", "only recipes provided by more than one file")
    .option("-i, --inherits <classes>", "only recipes inheriting these classes (comma-separated)")
    .option("-l, --layer <layer>", "only recipes from this layer")
    .option("-b, --bare", "no (skipped) markers")
    .option("--mc <name>", "the multiconfig to use", "")
    .option("--json", jsonOption)
    .action(guarded(showRecipes));

  layers
    .command("show-overlayed")
    .description("list recipes and classes present in more than one layer")
    .option("-f, --filenames", "list file names, the one used first")
    .option("-s, --same-version", "only where the versions are the same")
    .option("--mc <name>", "the multiconfig to use", "")
    .option("--json", jsonOption)
    .action(guarded(showOverlayed));

  layers
    .command("show-appends")
    .description("list recipes with the .bbappend files that apply to them")
    .argument("[pnspec...]", "recipe names to list (wildcards allowed)")
    .option("--mc <name>", "the multiconfig to use", "")
    .option("--json", jsonOption)
    .action(guarded(showAppends));

  layers
    .command("show-cross-depends")
    .description("list dependencies between recipes, classes and files of different layers")
    .option("-f, --filenames", "show full file paths")
    .option("-i, --ignore <layers>", "ignore dependencies on these layers (comma-separated)")
    .option("--json", jsonOption)
    .action(guarded(showCrossDepends));

  layers
    .command("add-layer")
    .description("add layers to bblayers.conf (checked: the configuration must still parse)")
    .argument("<layerdir...>", "layer directories")
    .option("-F, --force", "add without checking the configuration")
    .action(guarded(addLayer));

  layers
    .command("remove-layer")
    .description("remove layers from bblayers.conf")
    .argument("<layerdir...>", "layer directories, names (meta-foo) or wildcards (*/meta-foo)")
    .action(guarded(removeLayer));

  layers
    .command("create-layer")
    .description("create a new layer with an example recipe")
    .argument("<layerdir>", "the layer directory to create")
    .option("-a, --add-layer", "add the layer to bblayers.conf after creating it")
    .option("-i, --layerid <id>", "collection name, if not the directory name")
    .option("-p, --priority <n>", "priority of the layer's recipes", "6")
    .option("-e, --example-recipe-name <name>", "name of the example recipe", "example")
    .option("-v, --example-recipe-version <version>", "version of the example recipe", "0.1")
    .action(guarded(createLayer));
}
