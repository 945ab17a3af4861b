// Child process for HTTP(S) downloads: `node http-get.js URL DEST`. Streams the body into a
// temporary file next to DEST and renames it into place only once complete. On failure it exits
// non-zero with one line on stderr (HTTP status, connection error, ...) and leaves nothing behind.
// Credentials in the URL are sent as HTTP basic authentication.

import { createWriteStream, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause as (Error & { code?: string }) | undefined;
  if (cause instanceof Error) {
    const code = cause.code && !cause.message.includes(cause.code) ? ` (${cause.code})` : "";
    return `${e.message}: ${cause.message}${code}`;
  }
  return e.message;
}

async function main(url: string, dest: string): Promise<void> {
  const target = new URL(url);
  const headers: Record<string, string> = { "user-agent": "kiln-fetch", "accept-encoding": "identity" };
  if (target.username || target.password) {
    const credentials = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
    headers["authorization"] = `Basic ${Buffer.from(credentials).toString("base64")}`;
    target.username = "";
    target.password = "";
  }
  let response: Response;
  try {
    response = await fetch(target, { headers, redirect: "follow" });
  } catch (e) {
    throw new Error(describe(e));
  }
  if (!response.ok) {
    throw new Error(`HTTP error ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
  }
  if (!response.body) throw new Error("the response has no body");
  mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.part.${process.pid}`);
  try {
    await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), createWriteStream(tmp));
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`download interrupted: ${describe(e)}`);
  }
}

const [url, dest] = process.argv.slice(2);
if (!url || !dest) {
  process.stderr.write("usage: http-get URL DEST\n");
  process.exit(2);
}
main(url, dest).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${describe(e).replace(/\s*\n\s*/g, " ")}\n`);
    process.exit(1);
  },
);
