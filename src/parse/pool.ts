// A pool of parser threads. Each thread loads its own Python and parses the configuration itself
// (the same files give the same configuration; the pool checks the hashes agree), then takes
// recipe files from a shared queue until none are left.

import { Worker } from "node:worker_threads";
import type { RecipeInfo } from "./recipes.js";
import { sameConfigurationHashes } from "./thread-config.js";
import type { WorkerInit, WorkerReply, WorkerRequest } from "./worker.js";

export interface Job {
  mc: string;
  file: string;
  appends: string[];
  /** Variables to read from each of the recipe's datastores (kiln query --all). */
  names?: string[];
}

export type JobResult =
  | { ok: true; job: Job; infos: RecipeInfo[]; deps: string[] }
  | { ok: false; job: Job; message: string };

export class ParserPool {
  private readonly workers: Worker[] = [];
  private readonly ready: Array<Promise<Worker>> = [];

  constructor(
    count: number,
    init: WorkerInit,
    private readonly configHashes: Record<string, string>,
    private readonly onMessage: (text: string) => void,
  ) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: init });
      this.workers.push(worker);
      this.ready.push(
        new Promise((resolve, reject) => {
          const fail = (e: unknown) => reject(e instanceof Error ? e : new Error(String(e)));
          worker.once("error", fail);
          worker.once("message", (msg: WorkerReply) => {
            worker.off("error", fail);
            if (msg.type === "ready" && sameConfigurationHashes(msg.configHashes, this.configHashes))
              resolve(worker);
            else if (msg.type === "ready")
              reject(new Error("a parser thread read a different configuration"));
            else if (msg.type === "init-failed") reject(new Error(msg.message));
            else reject(new Error(`unexpected message from a parser thread: ${msg.type}`));
          });
        }),
      );
    }
  }

  /** Parse every job; results arrive in completion order through `onResult`. */
  async run(jobs: Job[], onResult: (r: JobResult) => void): Promise<void> {
    let next = 0;
    const drive = async (pending: Promise<Worker>): Promise<void> => {
      const worker = await pending;
      while (next < jobs.length) {
        const id = next++;
        const job = jobs[id];
        const reply = await new Promise<WorkerReply>((resolve, reject) => {
          worker.once("message", resolve);
          worker.once("error", reject);
          worker.postMessage({
            type: "parse",
            id,
            mc: job.mc,
            file: job.file,
            appends: job.appends,
            names: job.names,
          } satisfies WorkerRequest);
        });
        worker.removeAllListeners("error");
        if (reply.type === "result") {
          for (const m of reply.messages) this.onMessage(m);
          onResult({ ok: true, job, infos: reply.infos as RecipeInfo[], deps: reply.deps });
        } else if (reply.type === "failed") {
          for (const m of reply.messages) this.onMessage(m);
          onResult({ ok: false, job, message: reply.message });
        }
      }
    };
    await Promise.all(this.ready.map(drive));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
