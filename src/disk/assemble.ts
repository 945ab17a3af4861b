// Writing partition contents into the disk file at their offsets, keeping the disk sparse:
// the disk starts as a hole of its full size, and runs of zeros in a partition's file are
// skipped rather than written (what wic's sparse_copy does with FIEMAP; reading and comparing
// is simpler and as fast for images of this size).

import { closeSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";

const CHUNK = 1024 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

export function createSparse(file: string, bytes: number): void {
  const fd = openSync(file, "w");
  try {
    ftruncateSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/** Copies `length` bytes of `source` from `skip` into `disk` at `offset`, zero chunks left as holes. */
export function writeAt(disk: string, offset: number, source: string, skip: number, length: number): void {
  const out = openSync(disk, "r+");
  const input = openSync(source, "r");
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    let done = 0;
    while (done < length) {
      const n = readSync(input, buf, 0, Math.min(CHUNK, length - done), skip + done);
      if (n === 0) break;
      if (buf.compare(ZEROS, 0, n, 0, n) !== 0) {
        let written = 0;
        while (written < n) written += writeSync(out, buf, written, n - written, offset + done + written);
      }
      done += n;
    }
  } finally {
    closeSync(input);
    closeSync(out);
  }
}
