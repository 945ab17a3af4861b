// `kiln runqemu IMAGE [--timeout S] [--marker TEXT] [-- EXTRA KERNEL ARGS]`: boot a built image
// under QEMU with the machine's kernel (from ${DEPLOY_DIR_IMAGE}), serial console on this
// terminal. The image's cpio.gz is used as the initramfs when there is one, else its ext4 (or
// qcow2) as the root disk.

import { existsSync } from "node:fs";
import path from "node:path";
import { bootAndWatch } from "../image/index.js";
import { parseTree, targetData } from "../resolve/index.js";
import { fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";

export interface RunqemuOptions {
  timeout?: string;
  marker?: string;
}

export async function runqemu(image: string, extra: string[], opts: RunqemuOptions): Promise<void> {
  let code = 0;
  try {
    const { ev, configs, reporter } = await openSession({ tracking: false });
    const tree = await parseTree(ev, configs, reporter, treeOptions());
    const d = targetData(ev, configs, tree, image, reporter).data;
    const get = (name: string) => String(d.getVar(name) ?? "");
    const deploy = get("DEPLOY_DIR_IMAGE");
    const link = get("IMAGE_LINK_NAME");
    const kernel = path.join(deploy, `${get("KERNEL_IMAGE_NAME") || "vmlinuz"}-${get("MACHINE")}`);
    if (!existsSync(kernel)) throw new Error(`no kernel at ${kernel}: run \`kiln build ${image}\` first`);
    const candidate = (type: string) => path.join(deploy, `${link}.${type}`);
    const initrd = existsSync(candidate("cpio.gz")) ? candidate("cpio.gz") : undefined;
    const diskType = ["ext4", "qcow2"].find((t) => existsSync(candidate(t)));
    if (!initrd && !diskType)
      throw new Error(`no cpio.gz, ext4 or qcow2 of ${image} in ${deploy}: build it first`);
    const append = [get("QB_KERNEL_CMDLINE"), initrd ? "" : "root=/dev/vda rw", ...extra]
      .filter(Boolean)
      .join(" ");
    const arch = get("TARGET_ARCH");
    if (arch !== "x86_64" && arch !== "aarch64")
      throw new Error(
        `kiln runqemu boots x86_64 and aarch64 machines, not ${arch} (MACHINE ${get("MACHINE")})`,
      );
    const result = await bootAndWatch({
      machine: { arch, memoryMiB: Number(get("QB_MEM") || 512) },
      qemu: get("QB_SYSTEM_NAME") || undefined,
      kernel,
      initrd,
      disk: initrd
        ? undefined
        : { file: candidate(diskType!), format: diskType === "qcow2" ? "qcow2" : "raw" },
      append,
      marker: opts.marker ? new RegExp(opts.marker.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : undefined,
      timeoutMs: Number(opts.timeout ?? 300) * 1000,
      log: (chunk) => process.stdout.write(chunk),
    });
    if (result.timedOut) {
      process.stderr.write(`kiln runqemu: the guest did not power off within ${opts.timeout ?? 300} s\n`);
      code = 1;
    } else if (opts.marker && !result.sawMarker) {
      process.stderr.write(`kiln runqemu: the guest never printed "${opts.marker}"\n`);
      code = 1;
    }
  } catch (e) {
    fail(e);
  }
  process.exitCode = code;
}
