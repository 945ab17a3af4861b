// A pool of parsers. Each loads its own Python and parses the configuration itself (the same
// files give the same configuration; the pool checks the hashes agree). The calling thread,
// which has its configuration already, parses too while the others start. Every participant
// takes the next recipe file from one shared counter, so nobody waits for another to hand out
// work.
// With kiln's native Python (one interpreter per process) the parsers are child processes and
// the counter lives in a small shared file; with Pyodide they are threads sharing memory.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { claimFromFile, nativeEnabled } from "../python/engine.js";
import { type Helper, startHelper } from "../util/helpers.js";
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

/** The shared job counter: memory shared by threads, or a file shared by processes. */
export type Counter = SharedArrayBuffer | string;

/** Take the next job number from the counter. */
export function claimNext(counter: Counter): number {
  return typeof counter === "string" ? claimFromFile(counter) : Atomics.add(new Int32Array(counter), 0, 1);
}

/** Young generation of a parser: three 64 MB semi-spaces (--max-semi-space-size=64). */
const YOUNG_GENERATION_MB = 192;

/** One parser thread or process, as the pool talks to it. */
type Parser = Helper<WorkerRequest, WorkerReply>;

export class ParserPool {
  private readonly parsers: Parser[] = [];
  private readonly ready: Array<Promise<Parser>> = [];
  /** Processes (native Python) or threads (Pyodide). */
  private readonly processes = nativeEnabled();
  private counterDir?: string;
  private runs = 0;

  /** Start `count` parsers (they load Python and the configuration meanwhile). */
  constructor(
    count: number,
    init: WorkerInit,
    private readonly configHashes: Record<string, string>,
    private readonly onMessage: (text: string) => void,
  ) {
    for (let i = 0; i < count; i++) {
      // A parse allocates fast and keeps much of it: a larger young generation means fewer,
      // cheaper collections (bin/kiln gives the main thread the same).
      const parser: Parser = startHelper(new URL("./worker.js", import.meta.url), init, {
        process: this.processes,
        what: "a parser process",
        youngGenerationMb: YOUNG_GENERATION_MB,
      });
      this.parsers.push(parser);
      this.ready.push(
        new Promise((resolve, reject) => {
          parser.listen((msg) => {
            if (msg.type === "ready" && sameConfigurationHashes(msg.configHashes, this.configHashes))
              resolve(parser);
            else if (msg.type === "ready") reject(new Error("a parser read a different configuration"));
            else if (msg.type === "init-failed") reject(new Error(msg.message));
            else reject(new Error(`unexpected message from a parser: ${msg.type}`));
          }, reject);
        }),
      );
    }
  }

  /** A fresh counter at zero. */
  private newCounter(): Counter {
    if (!this.processes) return new SharedArrayBuffer(4);
    this.counterDir ??= mkdtempSync(path.join(os.tmpdir(), "kiln-parse-"));
    const file = path.join(this.counterDir, `counter-${this.runs++}`);
    writeFileSync(file, Buffer.alloc(4));
    return file;
  }

  /**
   * Parse every job; results arrive in completion order through `onResult`. `local`, when
   * given, parses a job in this thread, which then takes jobs like the threads do.
   */
  async run(jobs: Job[], onResult: (r: JobResult) => void, local?: (job: Job) => JobResult): Promise<void> {
    const counter = this.newCounter();
    let allTaken = () => {};
    const taken = new Promise<null>((resolve) => {
      allTaken = () => resolve(null);
    });
    const threadsDone = this.ready.map(async (pending) => {
      // A thread still loading when every job is taken has nothing left to do.
      const started = await Promise.race([
        pending.then(
          (parser) => ({ parser }),
          (error) => ({ error }),
        ),
        taken,
      ]);
      if (started === null) return;
      if ("error" in started) throw started.error;
      await this.parseIn(started.parser, jobs, counter, onResult);
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

  /** Let `parser` take jobs from `counter` until none are left, passing on its results. */
  private async parseIn(
    parser: Parser,
    jobs: Job[],
    counter: Counter,
    onResult: (r: JobResult) => void,
  ): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      parser.listen((reply: WorkerReply) => {
        if (reply.type === "result") {
          for (const m of reply.messages) this.onMessage(m);
          onResult({ ok: true, job: jobs[reply.id], infos: reply.infos as RecipeInfo[], deps: reply.deps });
        } else if (reply.type === "failed") {
          for (const m of reply.messages) this.onMessage(m);
          onResult({ ok: false, job: jobs[reply.id], message: reply.message });
        } else if (reply.type === "done") {
          resolve();
        }
      }, reject);
      parser.post({ type: "parse", jobs, counter });
    });
    parser.listen(
      () => {},
      () => {},
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.parsers.map((p) => p.stop()));
    if (this.counterDir) rmSync(this.counterDir, { recursive: true, force: true });
  }
}
