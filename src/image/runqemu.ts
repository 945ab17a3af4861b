// Booting a built kernel (with an initramfs and/or a disk image) under QEMU and watching its serial
// console: the command line for a machine, and a runner that collects the console output, notes
// whether a marker appeared, and waits for the guest to power off (QEMU runs with -no-reboot, so a
// guest that powers off or reboots ends QEMU) or kills QEMU when the time is up.
//
// Emulation is TCG only (no KVM needed, none used): slow but the same on every host.

import { spawn } from "node:child_process";

export interface QemuMachine {
  arch: "x86_64" | "aarch64";
  memoryMiB: number;
  /** Virtual CPUs; 1 when not given. */
  cpus?: number;
}

export interface BootRequest {
  machine: QemuMachine;
  /** The kernel image QEMU loads directly (-kernel): bzImage/vmlinuz on x86_64, Image on aarch64. */
  kernel: string;
  /** An initramfs (cpio, possibly compressed) given to the kernel (-initrd). */
  initrd?: string;
  /**
   * A disk: a virtio block device (the guest sees /dev/vda) unless `nvme` says an NVMe drive
   * (/dev/nvme0n1), which Debian's cloud kernels have built in (their virtio-blk is a module).
   */
  disk?: { file: string; format: "raw" | "qcow2"; nvme?: boolean };
  /**
   * The kernel command line. Without a `console=` word the serial console of the machine is added
   * (console=ttyS0 on x86_64, console=ttyAMA0 on aarch64), so the output reaches the watcher.
   */
  append: string;
  /** Looked for in each line of console output (without its line ending); see BootResult.sawMarker. */
  marker?: RegExp;
  /** QEMU is killed if it has not exited this long after it started. */
  timeoutMs: number;
  /** Sees the console output (and QEMU's own messages) as it arrives. */
  log?: (chunk: string) => void;
  /** Adds a virtio network card on QEMU's user-mode network; no network device otherwise. */
  network?: boolean;
  /** More QEMU arguments, placed before -append. */
  extraArgs?: string[];
  /** The QEMU program to run instead of qemu-system-<arch> from PATH. */
  qemu?: string;
  /** Aborting kills QEMU as the timeout does (the result then has timedOut false). */
  signal?: AbortSignal;
}

export interface BootResult {
  /** Everything the guest printed on its serial console, with CRLF line endings made LF. */
  output: string;
  /** Whether `marker` matched a line of the output (false when no marker was given). */
  sawMarker: boolean;
  /**
   * QEMU's exit status: 0 after the guest powered off, but also when QEMU was stopped with SIGTERM
   * at the timeout (see timedOut); null when it had to be killed with SIGKILL.
   */
  exitCode: number | null;
  /** QEMU was still running at the timeout and was killed. */
  timedOut: boolean;
  /** The command that ran: program first. */
  command: string[];
  /** What QEMU itself wrote on its standard error (warnings, errors). */
  stderr: string;
  /** Milliseconds from starting QEMU until it exited. */
  elapsedMs: number;
}

/** The kernel console on the first serial port of each machine. */
export function serialConsole(arch: QemuMachine["arch"]): string {
  return arch === "aarch64" ? "ttyAMA0" : "ttyS0";
}

/** The kernel command line of a request, with the machine's serial console added when none is named. */
export function kernelCommandLine(req: Pick<BootRequest, "machine" | "append">): string {
  const append = req.append.trim();
  if (/(^|\s)console=/.test(append)) return append;
  const consoleArg = `console=${serialConsole(req.machine.arch)}`;
  return append ? `${consoleArg} ${append}` : consoleArg;
}

/** QEMU option values are comma-separated lists: a comma inside a value is written twice. */
function optionValue(s: string): string {
  return s.replaceAll(",", ",,");
}

function positiveInteger(n: number, what: string): string {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${what} must be a positive integer, not ${n}`);
  return String(n);
}

/** The QEMU command line (program first) that boots the request with its console on stdio. */
export function qemuCommand(req: BootRequest): string[] {
  const { machine } = req;
  const cmd: string[] = [];
  if (machine.arch === "x86_64") {
    cmd.push(req.qemu ?? "qemu-system-x86_64", "-machine", "q35");
  } else if (machine.arch === "aarch64") {
    // A Cortex-A57 rather than "max": emulating max's pointer authentication makes boots ~5x slower.
    cmd.push(req.qemu ?? "qemu-system-aarch64", "-machine", "virt", "-cpu", "cortex-a57");
  } else {
    throw new Error(`unsupported QEMU machine architecture: ${String((machine as { arch: unknown }).arch)}`);
  }
  cmd.push(
    "-accel",
    "tcg",
    "-m",
    positiveInteger(machine.memoryMiB, "memoryMiB"),
    "-smp",
    positiveInteger(machine.cpus ?? 1, "cpus"),
    // no display; the first serial port and the QEMU monitor share stdio (Ctrl-A C switches)
    "-nographic",
    "-serial",
    "mon:stdio",
    // a guest reboot ends QEMU as a power-off does: either way the boot is over
    "-no-reboot",
  );
  if (req.network) cmd.push("-nic", "user,model=virtio-net-pci");
  else cmd.push("-nic", "none");
  cmd.push("-kernel", req.kernel);
  if (req.initrd !== undefined) cmd.push("-initrd", req.initrd);
  if (req.disk) {
    cmd.push(
      "-drive",
      `file=${optionValue(req.disk.file)},format=${req.disk.format},if=none,id=disk0`,
      "-device",
      req.disk.nvme ? "nvme,serial=kiln0,drive=disk0" : "virtio-blk-pci,drive=disk0",
    );
  }
  if (req.extraArgs) cmd.push(...req.extraArgs);
  cmd.push("-append", kernelCommandLine(req));
  return cmd;
}

/**
 * Splits arriving text into lines for the marker, keeping the unfinished last line, and turns
 * CRLF (the serial console's line ending) into LF, also when a chunk ends between the two.
 */
class ConsoleText {
  text = "";
  private pendingCR = false;
  private partial = "";

  /** Adds a chunk; returns the chunk as stored and the lines it completed. */
  add(chunk: string): { stored: string; lines: string[] } {
    let s = chunk;
    if (this.pendingCR) s = `\r${s}`;
    this.pendingCR = s.endsWith("\r");
    if (this.pendingCR) s = s.slice(0, -1);
    s = s.replaceAll("\r\n", "\n");
    this.text += s;
    const lines = (this.partial + s).split("\n");
    this.partial = lines.pop()!;
    return { stored: s, lines };
  }

  /** The end of the output: whatever was held back. */
  finish(): string[] {
    if (this.pendingCR) this.text += "\r";
    this.pendingCR = false;
    const rest = this.partial;
    this.partial = "";
    return rest ? [rest] : [];
  }
}

/** How long QEMU gets to exit after SIGTERM before it is sent SIGKILL. */
const KILL_GRACE_MS = 3000;

/**
 * Starts QEMU for the request and resolves once it has exited: by itself (the guest powered off or
 * rebooted, or QEMU failed) or because it was killed at the timeout. Seeing the marker does not
 * stop anything: the guest is left to finish. Rejects only if QEMU cannot be started at all.
 */
export function bootAndWatch(req: BootRequest): Promise<BootResult> {
  const command = qemuCommand(req);
  return new Promise<BootResult>((resolve, reject) => {
    const started = Date.now();
    const serial = new ConsoleText();
    let stderr = "";
    let sawMarker = false;
    let timedOut = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "pipe", "pipe"] });

    const lookAt = (lines: string[]): void => {
      if (!req.marker || sawMarker) return;
      for (const line of lines) {
        req.marker.lastIndex = 0; // a /g or /y marker keeps state between tests
        if (req.marker.test(line)) {
          sawMarker = true;
          return;
        }
      }
    };

    const stop = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      killTimer ??= setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
    };
    // QEMU must not outlive us (a test runner stopped by a failure, say).
    const onExit = (): void => {
      child.kill("SIGKILL");
    };
    const onAbort = (): void => stop();

    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, req.timeoutMs);
    process.once("exit", onExit);
    req.signal?.addEventListener("abort", onAbort, { once: true });
    if (req.signal?.aborted) stop();

    const cleanUp = (): void => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      process.removeListener("exit", onExit);
      req.signal?.removeEventListener("abort", onAbort);
    };

    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const { stored, lines } = serial.add(chunk);
      if (stored && req.log) req.log(stored);
      lookAt(lines);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      req.log?.(chunk);
    });

    child.on("error", (err) => {
      // only a failure to start ends up here before "close"
      if (settled) return;
      settled = true;
      cleanUp();
      reject(new Error(`cannot run ${command[0]}: ${err.message}`, { cause: err }));
    });
    child.on("close", (code) => {
      if (settled) return;
      settled = true;
      cleanUp();
      lookAt(serial.finish());
      resolve({
        output: serial.text,
        sawMarker,
        exitCode: code,
        timedOut,
        command,
        stderr,
        elapsedMs: Date.now() - started,
      });
    });
  });
}
