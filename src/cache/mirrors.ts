// SSTATE_MIRRORS: where to look for entries SSTATE_DIR lacks.
//
// The value is whitespace-separated "REGEX URL" pairs (a literal "\n", as conf files write it
// between pairs, counts as whitespace). REGEX is a Python regular expression matched, like
// re.match, against "file://<name>" where <name> is the entry's relative name
// ("ab/kiln-sstate:hello:do_install:ab12....tar.zst"). In URL, every "PATH" is replaced by that
// name; a URL without "PATH" gets "/<name>" appended. ";param=value" suffixes are ignored.
// Supported URLs: http://, https:// (Node's fetch) and file:// (a local directory).

import { open, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { pyMatch, pyRegExp } from "../util/pyregex.js";
import { errorCode } from "./fsutil.js";

export interface MirrorRule {
  regex: string;
  url: string;
}

export function parseSstateMirrors(value: string, log?: (l: string) => void): MirrorRule[] {
  const words = value.replace(/\\n/g, " ").split(/\s+/).filter(Boolean);
  if (words.length % 2 === 1) log?.(`SSTATE_MIRRORS: ignoring "${words.pop()}", which has no URL`);
  const rules: MirrorRule[] = [];
  for (let i = 0; i + 1 < words.length; i += 2) rules.push({ regex: words[i], url: words[i + 1] });
  return rules;
}

/** The URLs, in order, at which the mirrors would hold the file named `rel`. */
export function mirrorUrls(value: string, rel: string, log?: (l: string) => void): string[] {
  const urls: string[] = [];
  for (const rule of parseSstateMirrors(value, log)) {
    let regex: RegExp;
    try {
      regex = pyRegExp(rule.regex);
    } catch {
      log?.(`SSTATE_MIRRORS: ignoring invalid pattern "${rule.regex}"`);
      continue;
    }
    if (!pyMatch(regex, `file://${rel}`)) continue;
    const base = rule.url.split(";")[0];
    const url = base.includes("PATH") ? base.replaceAll("PATH", rel) : `${base.replace(/\/*$/, "")}/${rel}`;
    if (!/^(https?|file):\/\//.test(url)) {
      log?.(`SSTATE_MIRRORS: ignoring unsupported mirror ${rule.url}`);
      continue;
    }
    urls.push(url);
  }
  return urls;
}

/** Thrown for a mirror that could not be asked (network error, HTTP 500, ...). */
export class MirrorError extends Error {}

function filePath(url: string): string {
  return url.slice("file://".length);
}

function isFile(url: string): boolean {
  return url.startsWith("file://");
}

/** Does the mirror hold `url`? A HEAD request for HTTP. */
export async function mirrorHas(url: string, timeoutMs: number): Promise<boolean> {
  if (isFile(url)) {
    try {
      return (await stat(filePath(url))).isFile();
    } catch (e) {
      if (errorCode(e) === "ENOENT" || errorCode(e) === "ENOTDIR") return false;
      throw new MirrorError(`${url}: ${(e as Error).message}`);
    }
  }
  const res = await request(url, "HEAD", timeoutMs);
  return res !== undefined;
}

/** The (small) text file at `url`, or undefined when the mirror does not have it. */
export async function fetchText(url: string, timeoutMs: number): Promise<string | undefined> {
  if (isFile(url)) {
    try {
      return await readSmallFile(filePath(url));
    } catch (e) {
      if (errorCode(e) === "ENOENT" || errorCode(e) === "ENOTDIR") return undefined;
      throw new MirrorError(`${url}: ${(e as Error).message}`);
    }
  }
  const res = await request(url, "GET", timeoutMs);
  if (!res) return undefined;
  return (await readBody(url, res, 1 << 16)).toString("utf8");
}

async function readSmallFile(path: string): Promise<string> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(1 << 16);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString("utf8");
  } finally {
    await fh.close();
  }
}

/**
 * Copy the file at `url` into the new file `dest` (which must not exist). False when the mirror
 * does not have it.
 */
export async function fetchToFile(url: string, dest: string, timeoutMs: number): Promise<boolean> {
  let source: AsyncIterable<Buffer>;
  let ticker: IdleTimer | undefined;
  if (isFile(url)) {
    try {
      source = (await open(filePath(url), "r")).createReadStream();
    } catch (e) {
      if (errorCode(e) === "ENOENT" || errorCode(e) === "ENOTDIR") return false;
      throw new MirrorError(`${url}: ${(e as Error).message}`);
    }
  } else {
    const res = await request(url, "GET", timeoutMs);
    if (!res) return false;
    ticker = res.idle;
    source = res.body;
  }
  const out = await open(dest, "wx");
  try {
    for await (const chunk of source) {
      ticker?.reset();
      await out.write(chunk);
    }
    await out.sync();
  } catch (e) {
    throw new MirrorError(`${url}: ${(e as Error).message}`);
  } finally {
    ticker?.stop();
    await out.close();
  }
  return true;
}

interface IdleTimer {
  reset(): void;
  stop(): void;
}

interface Response {
  body: AsyncIterable<Buffer>;
  idle: IdleTimer;
}

/** An HTTP request; undefined for 404/410, MirrorError for other failures. */
async function request(
  url: string,
  method: "GET" | "HEAD",
  timeoutMs: number,
): Promise<Response | undefined> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const idle: IdleTimer = {
    reset() {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new Error(`no data for ${timeoutMs} ms`)), timeoutMs);
    },
    stop() {
      clearTimeout(timer);
    },
  };
  idle.reset();
  let res: globalThis.Response;
  try {
    res = await fetch(url, { method, signal: controller.signal, redirect: "follow" });
  } catch (e) {
    idle.stop();
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new MirrorError(`${url}: ${cause ?? (e as Error).message}`);
  }
  if (!res.ok || method === "HEAD" || !res.body) {
    idle.stop();
    await res.body?.cancel().catch(() => {});
    if (res.status === 404 || res.status === 410) return undefined;
    if (!res.ok) throw new MirrorError(`${url}: HTTP ${res.status} ${res.statusText}`.trimEnd());
    return { body: emptyBody(), idle };
  }
  const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>) as AsyncIterable<Buffer>;
  return { body, idle };
}

async function* emptyBody(): AsyncIterable<Buffer> {}

async function readBody(url: string, res: Response, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      res.idle.reset();
      size += chunk.length;
      if (size > limit) throw new Error(`larger than ${limit} bytes`);
      chunks.push(chunk);
    }
  } catch (e) {
    throw new MirrorError(`${url}: ${(e as Error).message}`);
  } finally {
    res.idle.stop();
  }
  return Buffer.concat(chunks);
}
