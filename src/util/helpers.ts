// Helpers: the parsers and build workers kiln starts. With kiln's native Python (one interpreter
// per process) a helper is a child process talking over IPC; with Pyodide it is a thread. Both
// ends see the same small channel, so the code on either side does not care which.

import { type ChildProcess, fork } from "node:child_process";
import { parentPort, Worker, workerData } from "node:worker_threads";

/** A helper as its starter talks to it. */
export interface Helper<Request, Reply> {
  post(req: Request): void;
  /** Listen to its replies (replacing an earlier listener); `failed` when it fails or dies. */
  listen(reply: (r: Reply) => void, failed: (e: Error) => void): void;
  stop(): Promise<void>;
}

export interface HelperOptions {
  /** A child process (native Python) rather than a thread (Pyodide). */
  process: boolean;
  /** What it is, for the message when it dies ("a parser process"). */
  what: string;
  /** A larger young generation, in MB (three semi-spaces), for helpers that allocate fast. */
  youngGenerationMb?: number;
}

/** The first message a helper process gets: what a thread gets as its workerData. */
interface InitMessage<Init> {
  kilnHelperInit: Init;
}

/** Start `script` (a module that calls connectToStarter) with `init`. */
export function startHelper<Init, Request, Reply>(
  script: URL,
  init: Init,
  opts: HelperOptions,
): Helper<Request, Reply> {
  return opts.process ? startProcess(script, init, opts) : startThread(script, init, opts);
}

function startThread<Init, Request, Reply>(
  script: URL,
  init: Init,
  opts: HelperOptions,
): Helper<Request, Reply> {
  const worker = new Worker(script, {
    workerData: init,
    ...(opts.youngGenerationMb
      ? { resourceLimits: { maxYoungGenerationSizeMb: opts.youngGenerationMb } }
      : {}),
  });
  return {
    post: (req) => worker.postMessage(req),
    listen: (reply, failed) => {
      worker.removeAllListeners("message").removeAllListeners("error");
      worker.on("message", reply);
      worker.on("error", failed);
    },
    stop: async () => {
      await worker.terminate();
    },
  };
}

function startProcess<Init, Request, Reply>(
  script: URL,
  init: Init,
  opts: HelperOptions,
): Helper<Request, Reply> {
  const child: ChildProcess = fork(script, [], {
    serialization: "advanced",
    execArgv: opts.youngGenerationMb ? [`--max-semi-space-size=${opts.youngGenerationMb / 3}`] : [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  child.send({ kilnHelperInit: init } satisfies InitMessage<Init>);
  let stopping = false;
  return {
    post: (req) => child.send(req as object),
    listen: (reply, failed) => {
      child.removeAllListeners("message").removeAllListeners("error").removeAllListeners("exit");
      child.on("message", (m) => reply(m as Reply));
      child.on("error", failed);
      child.on("exit", (code, signal) => {
        if (!stopping) failed(new Error(`${opts.what} ended unexpectedly (${signal ?? `status ${code}`})`));
      });
    },
    stop: async () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
      }
    },
  };
}

/** The helper's end of the channel. */
export interface Starter<Init, Request, Reply> {
  init: Init;
  post(reply: Reply): void;
  onRequest(fn: (req: Request) => void): void;
}

/** In a helper: its init and channel, or undefined when this module was not started as one. */
export async function connectToStarter<Init, Request, Reply>(): Promise<
  Starter<Init, Request, Reply> | undefined
> {
  const port = parentPort;
  if (port) {
    return {
      init: workerData as Init,
      post: (r) => port.postMessage(r),
      onRequest: (fn) => port.on("message", fn),
    };
  }
  const send = process.send?.bind(process);
  if (!send) return undefined;
  // Ends with its starter: nothing is left to do when the channel closes.
  process.on("disconnect", () => process.exit(0));
  const first = await new Promise<Partial<InitMessage<Init>>>((resolve) => process.once("message", resolve));
  if (!first || !("kilnHelperInit" in first)) return undefined;
  return {
    init: first.kilnHelperInit as Init,
    post: (r) => send(r as object),
    onRequest: (fn) => process.on("message", fn),
  };
}
