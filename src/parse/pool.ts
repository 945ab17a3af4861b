// A pool of parser threads. Each thread loads its own Python and parses the configuration itself
// (the same files give the same configuration; the pool checks the hashes agree). The calling
// thread, which has its configuration already, parses too while the threads start. Every
// participant takes the next recipe file from one shared counter, so nobody waits for another
// to hand out work.

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

/** The claim counter: participants take job numbers from it with Atomics.add. */
export function claimNext(counter: Int32Array): number {
  return Atomics.add(counter, 0, 1);
}

/** Young generation of a parser thread: three 64 MB semi-spaces, as --max-semi-space-size=64. */
const YOUNG_GENERATION_MB = 192;

export class ParserPool {
  private readonly workers: Worker[] = [];
  private readonly ready: Array<Promise<Worker>> = [];

  /** Start `count` parser threads (they load Python and the configuration meanwhile). */
  constructor(
    count: number,
    init: WorkerInit,
    private readonly configHashes: Record<string, string>,
    private readonly onMessage: (text: string) => void,
  ) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL("./worker.js", import.meta.url), {
        workerData: init,
        // A parse allocates fast and keeps much of it: a larger young generation means fewer,
        // cheaper collections (bin/kiln gives the main thread the same).
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
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

  /**
   * Parse every job; results arrive in completion order through `onResult`. `local`, when
   * given, parses a job in this thread, which then takes jobs like the threads do.
   */
  async run(jobs: Job[], onResult: (r: JobResult) => void, local?: (job: Job) => JobResult): Promise<void> {
    const shared = new SharedArrayBuffer(4);
    const counter = new Int32Array(shared);
    let allTaken = () => {};
    const taken = new Promise<null>((resolve) => {
      allTaken = () => resolve(null);
    });
    const threadsDone = this.ready.map(async (pending) => {
      // A thread still loading when every job is taken has nothing left to do.
      const started = await Promise.race([
        pending.then(
          (worker) => ({ worker }),
          (error) => ({ error }),
        ),
        taken,
      ]);
      if (started === null) return;
      if ("error" in started) throw started.error;
      await this.parseIn(started.worker, jobs, shared, onResult);
    });
    // Wait for every thread, even after one failed, so that no result arrives after run().
    const settled = Promise.allSettled(threadsDone);
    if (local) {
      for (let id = claimNext(counter); id < jobs.length; id = claimNext(counter)) {
        onResult(local(jobs[id]));
        // Let the threads' results in between (they do not wait for them).
        await new Promise((resolve) => setImmediate(resolve));
      }
      allTaken();
    }
    for (const r of await settled) if (r.status === "rejected") throw r.reason;
  }

  /** Let `worker` take jobs from the counter in `shared` until none are left, passing on its
   * results. */
  private async parseIn(
    worker: Worker,
    jobs: Job[],
    shared: SharedArrayBuffer,
    onResult: (r: JobResult) => void,
  ): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      worker.once("error", reject);
      worker.on("message", (reply: WorkerReply) => {
        if (reply.type === "result") {
          for (const m of reply.messages) this.onMessage(m);
          onResult({ ok: true, job: jobs[reply.id], infos: reply.infos as RecipeInfo[], deps: reply.deps });
        } else if (reply.type === "failed") {
          for (const m of reply.messages) this.onMessage(m);
          onResult({ ok: false, job: jobs[reply.id], message: reply.message });
        } else if (reply.type === "done") {
          resolve();
        }
      });
      worker.postMessage({ type: "parse", jobs, counter: shared } satisfies WorkerRequest);
    });
    worker.removeAllListeners("message");
    worker.removeAllListeners("error");
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
