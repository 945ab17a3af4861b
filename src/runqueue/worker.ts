// A build worker (bitbake-worker's job; a child process with kiln's native Python, else a thread
// with Pyodide): its own Python and its own copy of the configuration.
// It parses recipes in full for the scheduler ("prepare": signatures and task flags) and runs
// tasks, each with a fresh copy of its recipe's datastore.

import type { DataStore, Reporter } from "../data/index.js";
import { runTask, type TaskOutcome } from "../exec/index.js";
import {
  type Configuration,
  configurationHashes,
  describeError,
  Evaluator,
  parseRecipeFile,
  provideParseServices,
  splitVirtualName,
  type ThreadInit,
  threadConfigurations,
} from "../parse/index.js";
import { PythonRuntime } from "../python/index.js";
import { provideSignatureServices } from "../tasks/index.js";
import { connectToStarter } from "../util/helpers.js";
import { provideFetchServices } from "./fetch-services.js";
import { providePackageServices } from "./package-services.js";
import { type RecipePrep, recipePrep } from "./prep.js";

export type BuildWorkerInit = ThreadInit;

export type BuildRequest =
  | { type: "prepare"; id: number; name: string; appends: string[] }
  | { type: "run"; id: number; name: string; appends: string[]; task: string; tag: string };

export type BuildReply =
  | { type: "ready"; configHashes: Record<string, string> }
  | { type: "init-failed"; message: string }
  | { type: "prepared"; id: number; prep: RecipePrep; messages: string[] }
  | { type: "ran"; id: number; outcome: TaskOutcome; messages: string[] }
  | { type: "failed"; id: number; message: string; messages: string[] }
  | { type: "process"; pid: number; script: string; running: boolean }
  | { type: "message"; line: string };

/** Parsed recipes kept for the tasks that follow (a few: builds move from recipe to recipe). */
const KEEP = 16;

async function main(): Promise<void> {
  const parent = await connectToStarter<BuildWorkerInit, BuildRequest, BuildReply>();
  if (!parent) return;
  const { init } = parent;
  let messages: string[] = [];
  const reporter: Reporter = {
    warn: (m) => messages.push(`WARNING: ${m}`),
    error: (m) => messages.push(`ERROR: ${m}`),
  };
  let ev: Evaluator;
  let python: PythonRuntime;
  let configs: Map<string, Configuration>;
  try {
    python = await PythonRuntime.start();
    python.log = (level, m) => {
      if (level === "warn" || level === "error" || level === "fatal")
        messages.push(`${level === "warn" ? "WARNING" : "ERROR"}: ${m}`);
    };
    await provideSignatureServices(python);
    ev = new Evaluator(python, reporter);
    provideParseServices(python, ev);
    configs = threadConfigurations(ev, init, reporter);
    provideFetchServices(python);
    providePackageServices(python);
  } catch (e) {
    parent.post({ type: "init-failed", message: describeError(e) } satisfies BuildReply);
    return;
  }
  messages = [];
  parent.post({ type: "ready", configHashes: configurationHashes(configs) } satisfies BuildReply);

  const parsed = new Map<string, DataStore>();
  const recipe = (name: string, appends: string[]): DataStore => {
    const known = parsed.get(name);
    if (known) return known;
    const { file, variant, mc } = splitVirtualName(name);
    const config = configs.get(mc);
    if (!config) throw new Error(`Multiconfig '${mc}' is not enabled (BBMULTICONFIG)`);
    const d = parseRecipeFile(ev, config, file, appends, variant || "default", true).get(variant);
    if (!d) throw new Error(`kiln internal error: variant '${variant}' of ${file} was not produced`);
    parsed.set(name, d);
    if (parsed.size > KEEP) parsed.delete(parsed.keys().next().value as string);
    return d;
  };

  // One request at a time: the scheduler gives a worker its next task when it answers.
  parent.onRequest(async (req) => {
    try {
      const d = recipe(req.name, req.appends);
      if (req.type === "prepare") {
        const prep = recipePrep(req.name, d);
        parent.post({ type: "prepared", id: req.id, prep, messages } satisfies BuildReply);
      } else {
        const outcome = await runTask({
          python,
          d: d.createCopy(),
          task: req.task,
          tag: req.tag,
          onProcess: (pid, script, running) =>
            parent.post({ type: "process", pid, script, running } satisfies BuildReply),
          onMessage: (line) => parent.post({ type: "message", line } satisfies BuildReply),
        });
        parent.post({ type: "ran", id: req.id, outcome, messages } satisfies BuildReply);
      }
    } catch (e) {
      parent.post({
        type: "failed",
        id: req.id,
        message: describeError(e),
        messages,
      } satisfies BuildReply);
    }
    messages = [];
  });
}

await main();
