// `kiln runqemu IMAGE [--fstype TYPE] [--timeout S] [--marker TEXT] [-- EXTRA KERNEL ARGS]`: boot
// a built image under QEMU with the machine's kernel (from ${DEPLOY_DIR_IMAGE}), serial console
// on this terminal. The image's cpio.gz is used as the initramfs when there is one, else its ext4
// (or qcow2) as the root disk; --fstype picks one (cpio.gz, ext4, qcow2, wic, wic.qcow2).
// A wic disk is attached as an NVMe drive (built into Debian's cloud kernels, so no initramfs is
// needed to reach it) and booted with the kernel command line its layout file gives (root=
// PARTUUID=... and the kickstart's bootloader --append); firmware boot comes with UEFI support.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { bootAndWatch } from "../image/index.js";
import { parseTree, targetData } from "../resolve/index.js";
import { fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";

export interface RunqemuOptions {
  timeout?: string;
  marker?: string;
  fstype?: string;
}

const FSTYPES = ["cpio.gz", "ext4", "qcow2", "wic", "wic.qcow2"];

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
    if (opts.fstype !== undefined && !FSTYPES.includes(opts.fstype))
      throw new Error(`--fstype ${opts.fstype}: kiln runqemu boots ${FSTYPES.join(", ")}`);
    const chosen =
      opts.fstype ?? FSTYPES.filter((t) => !t.startsWith("wic")).find((t) => existsSync(candidate(t)));
    if (!chosen) throw new Error(`no cpio.gz, ext4 or qcow2 of ${image} in ${deploy}: build it first`);
    if (!existsSync(candidate(chosen)))
      throw new Error(`no ${chosen} of ${image} in ${deploy}: add it to IMAGE_FSTYPES and build it`);
    const initrd = chosen === "cpio.gz" ? candidate(chosen) : undefined;
    let rootArgs = initrd ? "" : "root=/dev/vda rw";
    if (chosen.startsWith("wic")) {
      const layoutFile = candidate("wic.json");
      if (!existsSync(layoutFile))
        throw new Error(`no ${layoutFile} (the disk's layout): build ${image} again`);
      const layout = JSON.parse(readFileSync(layoutFile, "utf8")) as {
        kernelCommandLine: string;
        root?: string;
      };
      if (!layout.root) throw new Error(`the disk of ${image} has no "/" partition to boot`);
      rootArgs = layout.kernelCommandLine;
    }
    const append = [get("QB_KERNEL_CMDLINE"), rootArgs, ...extra].filter(Boolean).join(" ");
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
        : {
            file: candidate(chosen),
            format: chosen.endsWith("qcow2") ? "qcow2" : "raw",
            nvme: chosen.startsWith("wic"),
          },
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
