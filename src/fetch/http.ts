// HTTP(S) downloads, run in a child process (http-get.js) so that networking never happens in the
// calling process and a caller can confine it (e.g. to a network namespace).

import { fileURLToPath } from "node:url";
import { FetchError } from "./errors.js";
import { run } from "./run.js";
import { stripParams } from "./url.js";

const HELPER = fileURLToPath(new URL("./http-get.js", import.meta.url));

/** The command that httpGet runs, as shown in messages. */
export function httpCommand(url: string): string {
  return `${process.execPath} ${HELPER} ${url.replace(/\/\/([^/@:]*):[^/@]*@/, "//$1:***@")}`;
}

/** Download `url` to `dest` atomically; throws FetchError with the helper's one-line reason. */
export function httpGet(url: string, dest: string, originalUrl: string): void {
  const r = run(process.execPath, [HELPER, url, dest]);
  if (r.status !== 0) {
    const why = r.stderr.trim().split("\n").pop() || `exit status ${r.status}`;
    const from = url === stripParams(originalUrl) ? "" : ` (from ${url})`;
    throw new FetchError(`Fetcher failure for ${originalUrl}${from}: ${why}`, originalUrl);
  }
}
