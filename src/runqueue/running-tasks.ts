// The shell task processes of a build, recorded in files so that a build started after kiln was
// killed can stop what the killed one left running.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Shell task processes of this build, recorded in files so that a build started after kiln was
 * killed can stop what the killed one left running (its task processes' whole process groups).
 */
export class RunningTasks {
  constructor(private readonly dir: string) {}

  record(pid: number, script: string, on: boolean): void {
    const file = path.join(this.dir, String(pid));
    if (on) {
      try {
        writeFileSync(file, script);
      } catch {
        mkdirSync(this.dir, { recursive: true });
        writeFileSync(file, script);
      }
    } else rmSync(file, { force: true });
  }

  killLeftovers(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      mkdirSync(this.dir, { recursive: true });
      return;
    }
    for (const name of names) {
      const file = path.join(this.dir, name);
      const pid = Number(name);
      try {
        const script = readFileSync(file, "utf8");
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (script && cmdline.includes(script)) process.kill(-pid, "SIGKILL");
      } catch {
        // gone already
      }
      rmSync(file, { force: true });
    }
  }
}
