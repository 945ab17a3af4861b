// The partition table, written by util-linux's sfdisk from a script (its documented input
// format), into the disk file: GPT (protective MBR, header, entries, backup at the end) or an
// msdos MBR. sfdisk is told every identifier (disk GUID or signature, partition GUIDs, names,
// types, attributes), so the table's bytes follow from the layout alone; it is told not to wipe
// anything and not to ask the kernel to reread (this is a file, not a device).

import { run, STABLE_ENV } from "../image/index.js";
import { DiskError } from "./errors.js";
import type { DiskIds, Placed } from "./layout.js";
import { partitionType } from "./layout.js";
import type { Kickstart } from "./wks.js";

function quoted(s: string): string {
  if (/["\\\n]/.test(s)) throw new Error(`a partition name cannot hold ${JSON.stringify(s)}`);
  return `"${s}"`;
}

/** The sfdisk script for the layout. */
export function sfdiskScript(ks: Kickstart, ids: DiskIds, placed: Placed[]): string {
  const gpt = ks.bootloader.ptable === "gpt";
  const lines = [
    `label: ${gpt ? "gpt" : "dos"}`,
    `label-id: ${gpt ? ids.diskId.toUpperCase() : `0x${ids.diskId}`}`,
    "unit: sectors",
  ];
  if (gpt) lines.push("first-lba: 34");
  ks.partitions.forEach((p, i) => {
    const id = ids.parts[i]!;
    if (!id.num) return;
    const fields = [`start=${placed[i]!.start}`, `size=${placed[i]!.size}`, `type=${partitionType(ks, p)}`];
    if (gpt) {
      fields.push(`uuid=${id.uuid.toUpperCase()}`);
      const name = p.partName ?? p.label;
      if (name !== undefined) {
        try {
          fields.push(`name=${quoted(name)}`);
        } catch (e) {
          throw new DiskError((e as Error).message, p.at);
        }
      }
      const attrs = [...(p.hidden ? ["RequiredPartition"] : []), ...(p.active ? ["LegacyBIOSBootable"] : [])];
      if (attrs.length) fields.push(`attrs="${attrs.join(" ")}"`);
    } else if (p.active) fields.push("bootable");
    lines.push(fields.join(", "));
  });
  return `${lines.join("\n")}\n`;
}

export function writeTable(disk: string, script: string): void {
  run(
    [
      "sfdisk",
      "--quiet",
      "--no-reread",
      "--no-tell-kernel",
      "--wipe",
      "never",
      "--wipe-partitions",
      "never",
      disk,
    ],
    {
      input: script,
      env: STABLE_ENV,
    },
  );
}
