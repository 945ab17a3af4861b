// What the user sees while a build runs. On a terminal: a live block (tasks done of total, the
// tasks running now with their running time, elapsed time) redrawn in place with log-update,
// messages printed above it. Elsewhere (CI logs, pipes): one plain line per event, in BitBake's
// words ("NOTE: Running task 3 of 12 (...)"). As BitBake's console shows progress, warnings,
// errors and the summary, bookkeeping (shared state stored and restored) goes only to the
// console log file, the way BitBake keeps its console log, unless asked for (kiln build -v).

import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";
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
  /** Bookkeeping (a NOTE): in the console log; on screen only when verbose. */
  detail(text: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Show bookkeeping on screen too. */
  verbose?: boolean;
  /** The console log: every line, bookkeeping included, written as it happens. */
  logFile?: string;
}

const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

/** A live display on a terminal, plain lines otherwise; with a console log beside it. */
export function createProgress(
  opts: ProgressOptions = {},
  stream: NodeJS.WriteStream = process.stdout,
): BuildProgress {
  const screen = stream.isTTY ? new TerminalProgress(stream) : new PlainProgress(stream);
  return new Progress(screen, opts.logFile ? new LogFile(opts.logFile) : null, opts.verbose ?? false);
}

/** Every event to the screen and to the log; bookkeeping to the screen only when verbose. */
class Progress implements BuildProgress {
  private readonly log: PlainProgress | null;
  constructor(
    private readonly screen: BuildProgress,
    private readonly logFile: LogFile | null,
    private readonly verbose: boolean,
  ) {
    this.log = logFile ? new PlainProgress(logFile) : null;
  }
  start(total: number): void {
    this.screen.start(total);
    this.log?.start(total);
  }
  taskStarted(label: string): void {
    this.screen.taskStarted(label);
    this.log?.taskStarted(label);
  }
  taskFinished(label: string, result: TaskResult): void {
    this.screen.taskFinished(label, result);
    this.log?.taskFinished(label, result);
  }
  taskRequeued(label: string, more: number): void {
    this.screen.taskRequeued(label, more);
    this.log?.taskRequeued(label, more);
  }
  line(text: string): void {
    this.screen.line(text);
    this.log?.line(text);
  }
  detail(text: string): void {
    if (this.verbose) this.screen.line(text);
    this.log?.line(text);
  }
  stop(): void {
    this.screen.stop();
    this.logFile?.close();
  }
}

/** A log file written line by line (nothing is lost if kiln is stopped). */
class LogFile {
  private fd: number | null;
  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, "a");
  }
  write(text: string): boolean {
    if (this.fd !== null) writeSync(this.fd, text);
    return true;
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

class PlainProgress implements BuildProgress {
  private total = 0;
  private started = 0;
  constructor(private readonly stream: Pick<NodeJS.WritableStream, "write">) {}
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
  detail(text: string): void {
    this.line(text);
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
  detail(text: string): void {
    this.line(text);
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
