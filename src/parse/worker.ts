// A parser (a thread, or a child process with native Python): its own embedded Python and its own
// copy of the configuration, parsing recipe files from the list the main thread sends (taking
// each from the shared counter) and answering with what provider selection needs.

import type { Reporter } from "../data/index.js";
import { PythonRuntime } from "../python/index.js";
import { connectToStarter } from "../util/helpers.js";
import type { Configuration } from "./config.js";
import { describeError } from "./errors.js";
import { Evaluator } from "./evaluate.js";
import { type Counter, claimNext, type Job } from "./pool.js";
import { provideParseServices } from "./python-services.js";
import { parseForTree } from "./recipes.js";
import { configurationHashes, type ThreadInit, threadConfigurations } from "./thread-config.js";

export type WorkerInit = ThreadInit;

/** The pool ends a parser by terminating it. The one request is the list of jobs to take from. */
export type WorkerRequest = { type: "parse"; jobs: Job[]; counter: Counter };

export type WorkerReply =
  | { type: "ready"; configHashes: Record<string, string> }
  | { type: "init-failed"; message: string }
  | { type: "result"; id: number; infos: unknown[]; deps: string[]; messages: string[] }
  | { type: "failed"; id: number; message: string; messages: string[] }
  | { type: "done" };

async function main(): Promise<void> {
  const channel = await connectToStarter<WorkerInit, WorkerRequest, WorkerReply>();
  if (!channel) return;
  const { init } = channel;
  let messages: string[] = [];
  const reporter: Reporter = {
    warn: (m) => messages.push(`WARNING: ${m}`),
    error: (m) => messages.push(`ERROR: ${m}`),
  };
  let ev: Evaluator;
  let configs: Map<string, Configuration>;
  try {
    const python = await PythonRuntime.start();
    python.log = (level, m) => {
      if (level !== "debug") messages.push(`${level === "warn" ? "WARNING" : level.toUpperCase()}: ${m}`);
    };
    ev = new Evaluator(python, reporter);
    // bb.parse.handle; the signature services (bb.data's, ShellParser) are the task workers' and
    // the main process's: no metadata of the reference layers calls them while parsing.
    provideParseServices(python, ev);
    configs = threadConfigurations(ev, init, reporter);
  } catch (e) {
    channel.post({ type: "init-failed", message: describeError(e) } satisfies WorkerReply);
    return;
  }
  // Configuration messages were already shown by the main thread.
  messages = [];
  channel.post({ type: "ready", configHashes: configurationHashes(configs) } satisfies WorkerReply);
  channel.onRequest((req) => {
    if (req.type !== "parse") return;
    for (let id = claimNext(req.counter); id < req.jobs.length; id = claimNext(req.counter)) {
      const job = req.jobs[id];
      try {
        const config = configs.get(job.mc);
        if (!config) throw new Error(`kiln internal error: unknown multiconfig '${job.mc}'`);
        const { infos, deps } = parseForTree(ev, config, job.file, job.appends, job.names);
        channel.post({ type: "result", id, infos, deps, messages } satisfies WorkerReply);
      } catch (e) {
        channel.post({ type: "failed", id, message: describeError(e), messages } satisfies WorkerReply);
      }
      messages = [];
    }
    channel.post({ type: "done" } satisfies WorkerReply);
  });
}

await main();
