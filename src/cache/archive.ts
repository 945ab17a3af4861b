// The archive format: a tar of the output directories, top-level directory "<index>/" for each,
// compressed with zstd. Made and read by the system `tar` (GNU tar) and `zstd` programs.
//
// Determinism: the same trees give byte-identical archives. Names are sorted; pax extended
// headers get fixed names and no atime/ctime; owners are recorded as numbers only. Real modes,
// numeric owners and mtimes (to the nanosecond) are kept.
//
// To give each directory its index as name, a staging directory holds symlinks "0" -> first
// output dir, "1" -> second, ... and tar is handed "0/.", "1/.": the path resolves through the
// symlink, and a name transform turns "0/./x" into "0/x" (symlink targets are left as they are).

import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { allFinished, finished, run } from "./process.js";

const CREATE_OPTIONS = [
  "--create",
  "--file=-",
  "--format=posix",
  "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
  "--sort=name",
  "--numeric-owner",
  "--transform=s,^\\([0-9][0-9]*\\)/\\./*,\\1/,S",
];

const EXTRACT_OPTIONS = [
  "--extract",
  "--file=-",
  "--preserve-permissions",
  "--numeric-owner",
  "--warning=no-timestamp",
];

/**
 * Archive `count` output directories found as symlinks "0".."count-1" in `stagingDir` into the
 * new file `outFile` (which must not exist). Returns the archive's sha256 and size.
 */
export async function createArchive(
  stagingDir: string,
  count: number,
  outFile: string,
  tarPrefix: string[] = [],
): Promise<{ sha256: string; size: number }> {
  const members = Array.from({ length: count }, (_, i) => `${i}/.`);
  const tarArgs = [...CREATE_OPTIONS, "--directory", stagingDir];
  // An archive of nothing (a task with no output directories) is still a valid, empty tar.
  if (count === 0) tarArgs.push("--files-from=/dev/null");
  else tarArgs.push(...members);
  const out = await open(outFile, "wx");
  try {
    const [tarCmd, ...tarRest] = [...tarPrefix, "tar", ...tarArgs];
    const tar = run(tarCmd, tarRest, { stdio: ["ignore", "pipe", "pipe"] });
    const zstd = run("zstd", ["-q", "-3", "-T0", "-c"], { stdio: ["pipe", "pipe", "pipe"] });
    const waits = [finished(tar, "tar"), finished(zstd, "zstd")];
    // A failing zstd makes tar's writes fail (EPIPE); the exit statuses report it.
    zstd.stdin!.on("error", () => {});
    tar.stdout!.pipe(zstd.stdin!);
    const hash = createHash("sha256");
    let size = 0;
    let writeError: unknown;
    try {
      for await (const chunk of zstd.stdout! as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
        await out.write(chunk);
      }
    } catch (e) {
      writeError = e;
      tar.kill();
      zstd.kill();
    }
    await allFinished(waits);
    if (writeError) throw writeError;
    await out.sync();
    return { sha256: hash.digest("hex"), size };
  } finally {
    await out.close();
  }
}

/** Extract the archive open as `archive` (read from offset 0) into the existing directory `dest`. */
export async function extractArchive(
  archive: FileHandle,
  dest: string,
  tarPrefix: string[] = [],
): Promise<void> {
  const zstd = run("zstd", ["-d", "-q", "-c"], { stdio: [archive.fd, "pipe", "pipe"] });
  const [tarCmd, ...tarRest] = [...tarPrefix, "tar", ...EXTRACT_OPTIONS, "--directory", dest];
  const tar = run(tarCmd, tarRest, { stdio: ["pipe", "ignore", "pipe"] });
  const waits = [finished(zstd, "zstd"), finished(tar, "tar")];
  tar.stdin!.on("error", () => {});
  zstd.stdout!.pipe(tar.stdin!);
  await allFinished(waits);
}
