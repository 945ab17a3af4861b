// cpio images (initramfs): newc format, paths "./..." sorted bytewise, owners and modes as
// fakeroot reports them, inode and device numbers renumbered (--reproducible), gzip -n.

import { renameSync, rmSync } from "node:fs";
import { run, STABLE_ENV } from "./run.js";
import type { Entry } from "./walk.js";

export function makeCpioGz(
  rootfs: string,
  output: string,
  opts: { entries: Entry[]; fakeroot: string[]; level?: number },
): void {
  const names = opts.entries.map((e) =>
    e.rel.length === 0 ? Buffer.from(".") : Buffer.concat([Buffer.from("./"), e.rel]),
  );
  const list = Buffer.concat(names.flatMap((n) => [n, Buffer.from([0])]));
  const tmp = `${output}.cpio.tmp`;
  rmSync(tmp, { force: true });
  rmSync(`${tmp}.gz`, { force: true });
  try {
    run(["cpio", "--create", "--format=newc", "--reproducible", "--null", "--quiet", "-O", tmp], {
      cwd: rootfs,
      input: list,
      prefix: opts.fakeroot,
      env: STABLE_ENV,
    });
    run(["gzip", "-n", `-${opts.level ?? 9}`, "-f", tmp], { env: STABLE_ENV });
    renameSync(`${tmp}.gz`, output);
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.gz`, { force: true });
  }
}
