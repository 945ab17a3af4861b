// tar images: GNU format (no pax headers with times or process ids), names sorted, numeric
// owners as fakeroot reports them, mtimes clamped, compressed without timestamps.

import { run, STABLE_ENV } from "./run.js";

export type TarCompression = "none" | "gzip" | "zstd";

export function makeTar(
  rootfs: string,
  output: string,
  opts: { epoch: number; fakeroot: string[]; compression: TarCompression; level?: number },
): void {
  const compress =
    opts.compression === "gzip"
      ? ["--use-compress-program", `gzip -n -${opts.level ?? 9}`]
      : opts.compression === "zstd"
        ? ["--use-compress-program", `zstd -q -T1 -${opts.level ?? 3}`]
        : [];
  run(
    [
      "tar",
      "--create",
      "--file",
      output,
      "--directory",
      rootfs,
      "--format=gnu",
      "--sort=name",
      "--numeric-owner",
      `--mtime=@${opts.epoch}`,
      "--clamp-mtime",
      ...compress,
      ".",
    ],
    { prefix: opts.fakeroot, env: STABLE_ENV },
  );
}
