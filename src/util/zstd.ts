// zstd in memory, for the small files kiln writes and reads many of (BitBake's signature data).
// Node 20's zlib has no zstd (it came in Node 22.15), and running the `zstd` program costs a
// process per file (~5 ms here, seconds for a graph's worth of files). So:
// - compressing: @bokuweb/zstd-wasm, the reference C library built to WebAssembly (level 3, as
//   BitBake's `zstd -c -3`); its decompressor needs the size in the frame header, which frames
//   written through a pipe (BitBake's) do not carry —
// - decompressing: fzstd, a complete decoder in plain JavaScript that reads any frame.

import { compress, init } from "@bokuweb/zstd-wasm";
import { decompress } from "fzstd";

let ready: Promise<void> | undefined;
let loaded = false;

/** Load the compressor (once); zstdCompress may be called after this resolves. */
export function loadZstd(): Promise<void> {
  ready ??= init().then(() => {
    loaded = true;
  });
  return ready;
}

export function zstdCompress(data: Uint8Array): Uint8Array {
  if (!loaded) throw new Error("zstd: the compressor is used before loadZstd() finished");
  return compress(data, 3);
}

export function zstdDecompress(data: Uint8Array): Uint8Array {
  return decompress(data);
}

/** zstd's magic number opens every (non-skippable) frame. */
export function isZstd(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x28 && data[1] === 0xb5 && data[2] === 0x2f && data[3] === 0xfd;
}
