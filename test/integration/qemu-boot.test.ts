// Boots the example system's own programs under QEMU: an initramfs with kiln-init's init.c as
// /init, kiln-status and a few test services, built here with gcc/cpio/gzip through
// scripts/make-test-initramfs.sh, on the host's Debian kernel. The boot tests are skipped (and say
// why) only when qemu-system-x86_64 or a kernel is missing.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type BootRequest, bootAndWatch, kernelCommandLine, qemuCommand } from "../../src/image/runqemu.js";
import { requirePrograms } from "../helpers/tools.js";

before(() => requirePrograms("dpkg-deb", "qemu-system-x86_64", "qemu-system-aarch64"));

const ROOT = path.resolve(fileURLToPath(new URL("../../../", import.meta.url)));
const MAKE_INITRAMFS = path.join(ROOT, "scripts", "make-test-initramfs.sh");

function onPath(program: string): boolean {
  return (process.env["PATH"] ?? "").split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir || ".", program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The amd64 kernel scripts/setup-example.sh downloads (next to the arm64 one), extracted to a temp dir. */
function kernelFromDownloadedDeb(): string[] {
  const dir = fileURLToPath(new URL("../../../examples/quickstart/debian-packages", import.meta.url));
  let debs: string[] = [];
  try {
    debs = readdirSync(dir).filter((n) => n.startsWith("linux-image-") && n.endsWith("_amd64.deb"));
  } catch {
    return [];
  }
  if (debs.length === 0) return [];
  const out = mkdtempSync(path.join(os.tmpdir(), "kiln-kernel-"));
  execFileSync("dpkg-deb", ["-x", path.join(dir, debs.sort().at(-1)!), out]);
  return readdirSync(path.join(out, "boot"))
    .filter((n) => n.startsWith("vmlinuz-"))
    .map((n) => path.join(out, "boot", n));
}

/** $KILN_TEST_KERNEL, else the newest /boot/vmlinuz-*, a Debian cloud kernel first (it boots fastest). */
function findKernel(): { kernel?: string; why?: string } {
  const given = process.env["KILN_TEST_KERNEL"];
  let candidates: string[];
  if (given) {
    candidates = [given];
  } else {
    let names: string[] = [];
    try {
      names = readdirSync("/boot").filter((n) => n.startsWith("vmlinuz-"));
    } catch {
      // no /boot
    }
    const newestFirst = (a: string, b: string) => b.localeCompare(a, "en", { numeric: true });
    candidates = [
      ...names.filter((n) => n.includes("cloud")).sort(newestFirst),
      ...names.filter((n) => !n.includes("cloud")).sort(newestFirst),
    ].map((n) => path.join("/boot", n));
  }
  if (candidates.length === 0) candidates = kernelFromDownloadedDeb();
  if (candidates.length === 0)
    return {
      why: "no kernel: no /boot/vmlinuz-* (install linux-image-cloud-amd64) and no $KILN_TEST_KERNEL",
    };
  for (const k of candidates) {
    try {
      accessSync(k, constants.R_OK);
      return { kernel: k };
    } catch {
      // e.g. not readable by this user
    }
  }
  return { why: `no readable kernel among ${candidates.join(", ")}` };
}

const found = findKernel();
const skipBoot = !onPath("qemu-system-x86_64")
  ? "qemu-system-x86_64 is not installed (Debian package qemu-system-x86)"
  : found.why;

// --- the command line, no QEMU needed ---------------------------------------------------------------

describe("qemuCommand", () => {
  const base: BootRequest = {
    machine: { arch: "x86_64", memoryMiB: 256 },
    kernel: "/k/bzImage",
    append: "quiet",
    timeoutMs: 1000,
  };

  test("x86_64: q35 under TCG, console on stdio, no reboot, no network, serial console defaulted", () => {
    const cmd = qemuCommand({ ...base, initrd: "/k/initrd.gz" });
    assert.deepEqual(cmd, [
      "qemu-system-x86_64",
      "-machine",
      "q35",
      "-accel",
      "tcg",
      "-m",
      "256",
      "-smp",
      "1",
      "-nographic",
      "-serial",
      "mon:stdio",
      "-no-reboot",
      "-nic",
      "none",
      "-kernel",
      "/k/bzImage",
      "-initrd",
      "/k/initrd.gz",
      "-append",
      "console=ttyS0 quiet",
    ]);
  });

  test("aarch64: virt with a Cortex-A57, ttyAMA0, a virtio disk with commas escaped", () => {
    const cmd = qemuCommand({
      ...base,
      machine: { arch: "aarch64", memoryMiB: 512, cpus: 2 },
      kernel: "/k/Image",
      disk: { file: "/images/a,b.qcow2", format: "qcow2" },
      append: "root=/dev/vda rw",
    });
    assert.deepEqual(cmd.slice(0, 6), [
      "qemu-system-aarch64",
      "-machine",
      "virt",
      "-cpu",
      "cortex-a57",
      "-accel",
    ]);
    assert.ok(cmd.includes("-smp") && cmd[cmd.indexOf("-smp") + 1] === "2");
    assert.ok(!cmd.includes("-initrd"));
    const drive = cmd[cmd.indexOf("-drive") + 1];
    assert.equal(drive, "file=/images/a,,b.qcow2,format=qcow2,if=none,id=disk0");
    assert.equal(cmd[cmd.indexOf("-device") + 1], "virtio-blk-pci,drive=disk0");
    assert.equal(cmd.at(-1), "console=ttyAMA0 root=/dev/vda rw");
  });

  test("a wic disk is an NVMe drive (Debian's cloud kernel has NVMe built in, virtio-blk as a module)", () => {
    const cmd = qemuCommand({ ...base, disk: { file: "/images/x.wic", format: "raw", nvme: true } });
    assert.equal(cmd[cmd.indexOf("-drive") + 1], "file=/images/x.wic,format=raw,if=none,id=disk0");
    assert.equal(cmd[cmd.indexOf("-device") + 1], "nvme,serial=kiln0,drive=disk0");
  });

  test("a console given by the caller is kept; network only when asked", () => {
    assert.equal(kernelCommandLine({ ...base, append: "console=hvc0 quiet" }), "console=hvc0 quiet");
    assert.equal(kernelCommandLine({ ...base, append: "" }), "console=ttyS0");
    const cmd = qemuCommand({ ...base, network: true });
    assert.equal(cmd[cmd.indexOf("-nic") + 1], "user,model=virtio-net-pci");
    assert.throws(() => qemuCommand({ ...base, machine: { arch: "x86_64", memoryMiB: 0 } }), RangeError);
  });
});

// --- real boots -------------------------------------------------------------------------------------

// Test services, each compiled statically by the script (NAME.c -> NAME in services.d).
const SERVICES: Record<string, string> = {
  // a oneshot: the marker the boot is watched for
  "10-marker.oneshot.c": `
#include <stdio.h>
int main(void) { puts("KILN-TEST-MARKER"); return 0; }
`,
  // a daemon: says it is up (also in a file the last oneshot waits for), then stays until killed
  "15-daemon.c": `
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
  puts("KILN-TEST-DAEMON up");
  fflush(stdout);
  close(open("/run/kiln-test-daemon-up", O_WRONLY | O_CREAT, 0644));
  for (;;) pause();
}
`,
  // a oneshot that waits (at most 20 s) for the daemon to be up
  "30-wait-daemon.oneshot.c": `
#include <unistd.h>
int main(void) {
  for (int i = 0; i < 200 && access("/run/kiln-test-daemon-up", F_OK) != 0; i++) usleep(100000);
  return access("/run/kiln-test-daemon-up", F_OK) == 0 ? 0 : 1;
}
`,
};

// For the second boot: a daemon that fails at once (and is restarted), and a oneshot that asks init
// through its control FIFO to power off once the daemon has run 1 + 5 times.
const CONTROL_SERVICES: Record<string, string> = {
  "10-flaky.c": `
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
  int fd = open("/run/kiln-test-flaky", O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) { if (write(fd, "x", 1) != 1) perror("flaky"); close(fd); }
  puts("KILN-TEST-FLAKY ran");
  return 1;
}
`,
  "20-control.oneshot.c": `
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  struct stat st;
  for (int i = 0; i < 300; i++) {
    if (stat("/run/kiln-test-flaky", &st) == 0 && st.st_size >= 6) break;
    usleep(100000);
  }
  usleep(300000);
  puts("KILN-TEST asking for poweroff");
  fflush(stdout);
  int fd = open("/run/kiln/control", O_WRONLY);
  if (fd < 0) { perror("KILN-TEST control"); return 1; }
  if (write(fd, "poweroff\\n", 9) != 9) perror("KILN-TEST control");
  close(fd);
  pause(); /* init stops us as it powers off */
  return 0;
}
`,
};

const tmp = mkdtempSync(path.join(os.tmpdir(), "kiln-qemu-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes the services' sources to a directory of their own and packs an initramfs with them. */
function makeInitramfs(name: string, sources: Record<string, string>, links: string[] = []): string {
  const dir = mkdtempSync(path.join(tmp, `${name}-src-`));
  const files = Object.entries(sources).map(([file, text]) => {
    writeFileSync(path.join(dir, file), text);
    return path.join(dir, file);
  });
  const out = path.join(tmp, `${name}.cpio.gz`);
  const r = spawnSync("sh", [MAKE_INITRAMFS, out, ...files, ...links], { encoding: "utf8" });
  assert.equal(r.status, 0, `make-test-initramfs.sh failed:\n${r.stdout}${r.stderr}`);
  return out;
}

function explain(output: string, stderr: string): string {
  return `--- console ---\n${output}\n--- qemu stderr ---\n${stderr}`;
}

describe("booting kiln-init under QEMU", () => {
  test("runs the oneshots and daemons, then powers off (kiln.poweroff_when_done=1)", {
    timeout: 90_000,
    skip: skipBoot,
  }, async (t) => {
    const initrd = makeInitramfs("boot", SERVICES, ["20-status.oneshot=/usr/bin/kiln-status"]);
    const r = await bootAndWatch({
      machine: { arch: "x86_64", memoryMiB: 256 },
      kernel: found.kernel!,
      initrd,
      append: "console=ttyS0 kiln.poweroff_when_done=1 quiet",
      marker: /^KILN-TEST-MARKER$/,
      timeoutMs: 45_000,
    });
    const why = explain(r.output, r.stderr);
    assert.equal(r.timedOut, false, `QEMU was still running after 45 s\n${why}`);
    assert.equal(r.exitCode, 0, why);
    assert.ok(r.sawMarker, `no KILN-TEST-MARKER line\n${why}`);
    assert.match(r.output, /^KILN-INIT: kiln example system on kiln-test, Linux \S+, pid 1$/m, why);
    assert.match(
      r.output,
      /^KILN-STATUS: host=kiln-test kernel=\S+ arch=x86_64 uptime=[\d.]+ procs=\d+ /m,
      why,
    );
    assert.match(r.output, /^KILN-TEST-DAEMON up$/m, why);
    assert.match(r.output, /^KILN-INIT: powering off$/m, why);
    // in order: the marker, the status line, then the power-off
    const at = (s: string) => r.output.indexOf(s);
    assert.ok(at("KILN-TEST-MARKER") < at("KILN-STATUS:"), why);
    assert.ok(at("KILN-STATUS:") < at("KILN-INIT: powering off"), why);
    assert.doesNotMatch(r.output, /Kernel panic/, why);
    t.diagnostic(`booted and powered off in ${r.elapsedMs} ms: ${r.command.join(" ")}`);
  });

  test("restarts a failing daemon 5 times and powers off on a request in /run/kiln/control", {
    timeout: 90_000,
    skip: skipBoot,
  }, async (t) => {
    const initrd = makeInitramfs("control", CONTROL_SERVICES);
    const r = await bootAndWatch({
      machine: { arch: "x86_64", memoryMiB: 256 },
      kernel: found.kernel!,
      initrd,
      append: "quiet", // console=ttyS0 is added
      marker: /^KILN-TEST asking for poweroff$/,
      timeoutMs: 50_000,
    });
    const why = explain(r.output, r.stderr);
    assert.equal(r.timedOut, false, `QEMU was still running after 50 s\n${why}`);
    assert.equal(r.exitCode, 0, why);
    assert.ok(r.sawMarker, `the control oneshot did not run\n${why}`);
    assert.equal(r.output.match(/^KILN-TEST-FLAKY ran$/gm)?.length, 6, why);
    assert.match(r.output, /^KILN-INIT: 10-flaky exited too often, not restarting it$/m, why);
    assert.match(r.output, /^KILN-INIT: powering off$/m, why);
    t.diagnostic(`booted and powered off on request in ${r.elapsedMs} ms`);
  });
});
