// file:// URLs: a relative path is looked up in each FILESPATH directory in turn (it may name a
// subdirectory, and may itself be a directory); an absolute path is used as it is. Nothing is
// copied to DL_DIR.

import { existsSync } from "node:fs";
import path from "node:path";
import type { FetchEnv } from "./env.js";
import { FetchError } from "./errors.js";
import { type ParsedUrl, unquote } from "./url.js";

/** The file's absolute path, or undefined, with the places looked at. */
export function findLocal(u: ParsedUrl, env: FetchEnv): { file?: string; searched: string[] } {
  const rel = unquote(u.path);
  if (path.isAbsolute(rel)) return existsSync(rel) ? { file: rel, searched: [rel] } : { searched: [rel] };
  const searched: string[] = [];
  for (const dir of env.filesPath) {
    if (!dir) continue;
    const candidate = path.resolve(dir, rel);
    searched.push(candidate);
    if (existsSync(candidate)) return { file: candidate, searched };
  }
  return { searched };
}

/** Like findLocal, but a file that is not there is a FetchError naming the directories searched. */
export function resolveLocal(url: string, u: ParsedUrl, env: FetchEnv): string {
  const { file } = findLocal(u, env);
  if (file) return file;
  const rel = unquote(u.path);
  if (path.isAbsolute(rel)) throw new FetchError(`Unable to find ${url}: ${rel} does not exist`, url);
  const dirs = env.filesPath.filter((d) => d);
  throw new FetchError(
    `Unable to find ${url} (${rel}) in FILESPATH. The directories searched were: ` +
      (dirs.length ? dirs.join(", ") : "(none: FILESPATH is empty)"),
    url,
  );
}
