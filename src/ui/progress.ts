// What the user sees while a build runs. On a terminal: a live block (tasks done of total, the
// tasks running now with their running time, elapsed time) redrawn in place with log-update,
// messages printed above it. Elsewhere (CI logs, pipes): one plain line per event, in BitBake's
// words ("NOTE: Running task 3 of 12 (...)").

import { createLogUpdate } from "log-update";

export type TaskResult = "ran" | "restored" | "failed" | "stamped";

export interface BuildProgress {
  /** How many tasks this build will execute or restore. */
  start(total: number): void;
  taskStarted(label: string): void;
  taskFinished(label: string, result: TaskResult): void;
  /** A task thought restorable must run after all, with `more` tasks it needs. */
  taskRequeued(label: string, more: number): void;
  /** A message (warning, error, note) shown in the scroll-back. */
  line(text: string): void;
  stop(): void;
}

const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

/** A live display on a terminal, plain lines otherwise. */
export function createProgress(stream: NodeJS.WriteStream = process.stdout): BuildProgress {
  return stream.isTTY ? new TerminalProgress(stream) : new PlainProgress(stream);
}

class PlainProgress implements BuildProgress {
  private total = 0;
  private started = 0;
  constructor(private readonly stream: NodeJS.WritableStream) {}
  start(total: number): void {
    this.total = total;
  }
  taskStarted(label: string): void {
    this.started++;
    this.stream.write(`NOTE: Running task ${this.started} of ${this.total} (${label})\n`);
  }
  taskFinished(label: string, result: TaskResult): void {
    const word = {
      ran: "Succeeded",
      restored: "Restored from shared state",
      failed: "Failed",
      stamped: "Succeeded",
    }[result];
    this.stream.write(`NOTE: ${label}: ${word}\n`);
  }
  taskRequeued(_label: string, more: number): void {
    this.total += more;
    this.started--;
  }
  line(text: string): void {
    this.stream.write(`${text}\n`);
  }
  stop(): void {}
}

class TerminalProgress implements BuildProgress {
  private total = 0;
  private done = 0;
  private readonly running = new Map<string, number>();
  private readonly began = Date.now();
  private readonly update: ReturnType<typeof createLogUpdate>;
  private timer: NodeJS.Timeout | undefined;

  constructor(stream: NodeJS.WriteStream) {
    this.update = createLogUpdate(stream, { showCursor: true });
  }
  start(total: number): void {
    this.total = total;
    this.timer = setInterval(() => this.render(), 250);
    this.timer.unref();
    this.render();
  }
  taskStarted(label: string): void {
    this.running.set(label, Date.now());
    this.render();
  }
  taskFinished(label: string, _result: TaskResult): void {
    this.running.delete(label);
    this.done++;
    this.render();
  }
  taskRequeued(label: string, more: number): void {
    this.running.delete(label);
    this.total += more;
    this.render();
  }
  line(text: string): void {
    this.update.clear();
    process.stdout.write(`${text}\n`);
    this.render();
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.render();
    this.update.done();
  }
  private render(): void {
    const now = Date.now();
    const width = process.stdout.columns || 80;
    const head = `Tasks ${this.done} of ${this.total} done, ${this.running.size} running — ${clock(now - this.began)}`;
    const rows = [...this.running].map(([label, since]) =>
      `  ${label} (${clock(now - since)})`.slice(0, width),
    );
    this.update([head, ...rows].join("\n"));
  }
}
