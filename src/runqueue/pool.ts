// The build workers and a queue in front of them. A request goes to an idle worker, preferably
// one that has already parsed the recipe (parsing costs more than most small tasks). With kiln's
// native Python the workers are child processes (real system calls for metadata Python, the
// interpreter the parse uses), else threads with Pyodide.

import { FatalError } from "../data/index.js";
import type { TaskOutcome } from "../exec/index.js";
import { sameConfigurationHashes } from "../parse/index.js";
import { nativeEnabled } from "../python/engine.js";
import { type Helper, startHelper } from "../util/helpers.js";
import type { RecipePrep } from "./prep.js";
import type { BuildReply, BuildRequest, BuildWorkerInit } from "./worker.js";

type Request =
  | { type: "prepare"; name: string; appends: string[] }
  | {
      type: "run";
      name: string;
      appends: string[];
      task: string;
      tag: string;
    };

interface Pending {
  req: Request;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** A build worker and what it is doing: its request, and the recipes it parsed last. */
interface Slot {
  worker: Helper<BuildRequest, BuildReply>;
  busy: Pending | null;
  recent: string[];
}

export interface PoolEvents {
  /** A shell function's process started or ended. */
  onProcess(pid: number, script: string, running: boolean): void;
  /** A warning or error line for the console. */
  onMessage(line: string): void;
}

export class BuildPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly ready: Promise<void>;
  private nextId = 1;

  constructor(
    count: number,
    init: BuildWorkerInit,
    configHashes: Record<string, string>,
    private readonly events: PoolEvents,
  ) {
    const starting: Array<Promise<void>> = [];
    const processes = nativeEnabled();
    for (let i = 0; i < count; i++) {
      const worker = startHelper<BuildWorkerInit, BuildRequest, BuildReply>(
        new URL("./worker.js", import.meta.url),
        init,
        { process: processes, what: "a build process" },
      );
      const slot: Slot = { worker, busy: null, recent: [] };
      starting.push(
        new Promise((resolve, reject) => {
          worker.listen((msg) => {
            if (msg.type === "ready" && sameConfigurationHashes(msg.configHashes, configHashes)) {
              this.slots.push(slot);
              worker.listen(
                (m) => this.answer(slot, m),
                (e) => this.crashed(slot, e),
              );
              resolve();
            } else if (msg.type === "init-failed") reject(new Error(msg.message));
            else reject(new Error("a build worker read a different configuration"));
          }, reject);
        }),
      );
    }
    this.ready = Promise.all(starting).then(() => undefined);
  }

  /** Wait for every worker to be ready (errors from their start-up surface here). */
  async started(): Promise<void> {
    await this.ready;
  }

  prepare(name: string, appends: string[]): Promise<RecipePrep> {
    return this.submit({ type: "prepare", name, appends }) as Promise<RecipePrep>;
  }

  run(name: string, appends: string[], task: string, tag: string): Promise<TaskOutcome> {
    return this.submit({ type: "run", name, appends, task, tag }) as Promise<TaskOutcome>;
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((t) => t.worker.stop()));
  }

  private submit(req: Request): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = this.slots.filter((t) => !t.busy);
      if (idle.length === 0) return;
      const job = this.queue.shift()!;
      const slot = idle.find((t) => t.recent.includes(job.req.name)) ?? idle[0];
      slot.busy = job;
      slot.recent = [job.req.name, ...slot.recent.filter((n) => n !== job.req.name)].slice(0, 16);
      slot.worker.post({ ...job.req, id: this.nextId++ } as BuildRequest);
    }
  }

  private answer(slot: Slot, msg: BuildReply): void {
    if (msg.type === "process") {
      this.events.onProcess(msg.pid, msg.script, msg.running);
      return;
    }
    if (msg.type === "message") {
      this.events.onMessage(msg.line);
      return;
    }
    const job = slot.busy;
    if (!job) return;
    if (msg.type === "prepared" || msg.type === "ran" || msg.type === "failed") {
      for (const m of msg.messages) this.events.onMessage(m);
      slot.busy = null;
      if (msg.type === "prepared") job.resolve(msg.prep);
      else if (msg.type === "ran") job.resolve(msg.outcome);
      else
        job.reject(
          new FatalError(
            msg.message || `${job.req.name}: preparing it for the build failed (the error is shown above)`,
          ),
        );
      this.dispatch();
    }
  }

  private crashed(slot: Slot, e: Error): void {
    slot.busy?.reject(e);
    slot.busy = null;
    this.slots.splice(this.slots.indexOf(slot), 1);
    if (this.slots.length === 0) for (const job of this.queue.splice(0)) job.reject(e);
  }
}
