// The parse cache: what parsing a recipe file produced, keyed by the content of every file that
// influenced it and by the configuration. An entry is used only if the configuration hash is the
// same and every dependency file still has the content it had (files that did not exist must
// still not exist). The cache file is written atomically and checksummed; a damaged file is
// ignored (and rebuilt), never trusted.

import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { writeFileAtomic } from "../util/atomic.js";
import { codeIdentity } from "./code-identity.js";
import type { RecipeInfo } from "./recipes.js";

/** Bump when parsing semantics change, so old entries are not used by a new kiln. */
export const PARSER_VERSION = "kiln-parse-6";

/** What a cache's entries were written by: PARSER_VERSION and this kiln's code and Python. */
function writer(): string {
  return `${PARSER_VERSION} ${codeIdentity()}`;
}

interface FileStamp {
  mtimeNs: string;
  ctimeNs: string;
  size: number;
  ino: number;
  hash: string | null;
}

/** Content hashes of files, trusting a file's earlier hash only while its stat is unchanged. */
export class FileHasher {
  private readonly fresh = new Map<string, string | null>();

  constructor(readonly known = new Map<string, FileStamp>()) {}

  /** sha256 of the file's content, or null if it does not exist (or is not a readable file). */
  hash(file: string): string | null {
    const memo = this.fresh.get(file);
    if (memo !== undefined) return memo;
    let result: string | null = null;
    try {
      const st = statSync(file, { bigint: true });
      if (st.isFile()) {
        const stamp = {
          mtimeNs: st.mtimeNs.toString(),
          ctimeNs: st.ctimeNs.toString(),
          size: Number(st.size),
          ino: Number(st.ino),
        };
        const old = this.known.get(file);
        if (
          old &&
          old.hash !== null &&
          old.mtimeNs === stamp.mtimeNs &&
          old.ctimeNs === stamp.ctimeNs &&
          old.size === stamp.size &&
          old.ino === stamp.ino
        ) {
          result = old.hash;
        } else {
          result = createHash("sha256").update(readFileSync(file)).digest("hex");
        }
        this.known.set(file, { ...stamp, hash: result });
      } else if (st.isDirectory()) {
        // A directory's entries, so that a file appearing in a directory metadata looked into
        // (bb.parse.mark_dependency on it) makes the recipe parse again.
        result = `dir:${createHash("sha256").update(readdirSync(file).sort().join("\0")).digest("hex")}`;
      } else {
        result = "dir:false";
      }
    } catch {
      result = null;
    }
    this.fresh.set(file, result);
    return result;
  }

  stamps(): Array<[string, FileStamp]> {
    return [...this.known.entries()];
  }
}

interface Entry {
  appends: string[];
  /** Dependency files with their content hash (null: the file did not exist). */
  deps: Array<[string, string | null]>;
  infos: RecipeInfo[];
}

interface CacheFile {
  version: string;
  config: string;
  stamps: Array<[string, FileStamp]>;
  entries: Record<string, Entry>;
}

/** The identity of a file as it is now ("" when missing), to notice that someone replaced it. */
function fileIdentity(file: string): string {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return "";
  }
}

/**
 * Caches this process already holds, with the identity of the file they were read from or
 * written to: a long-running process (the resident server) reuses one instead of reading and
 * decompressing the file again, as long as no other process replaced the file since.
 */
const held = new Map<string, { cache: ParseCache; identity: string }>();

export class ParseCache {
  private entries = new Map<string, Entry>();
  private hasher: FileHasher;
  private dirty = false;

  private constructor(
    readonly file: string,
    readonly configHash: string,
    data?: CacheFile,
  ) {
    this.hasher = new FileHasher(new Map(data?.stamps ?? []));
    if (data) this.entries = new Map(Object.entries(data.entries));
  }

  /** Open the cache for this configuration; anything unreadable or for another configuration is dropped. */
  static open(file: string, configHash: string): ParseCache {
    const mine = held.get(file);
    if (mine && mine.cache.configHash === configHash && mine.identity === fileIdentity(file)) {
      // Stat results are trusted only within one run: files may have changed since the last.
      mine.cache.hasher = new FileHasher(mine.cache.hasher.known);
      return mine.cache;
    }
    const cache = ParseCache.read(file, configHash);
    held.set(file, { cache, identity: fileIdentity(file) });
    return cache;
  }

  private static read(file: string, configHash: string): ParseCache {
    let data: CacheFile | undefined;
    try {
      const raw = readFileSync(file);
      const digest = raw.subarray(0, 32);
      const body = raw.subarray(32);
      if (createHash("sha256").update(body).digest().equals(digest)) {
        const parsed = JSON.parse(gunzipSync(body).toString("utf8")) as CacheFile;
        if (parsed.version === writer() && parsed.config === configHash) data = parsed;
      }
    } catch {
      data = undefined;
    }
    return new ParseCache(file, configHash, data);
  }

  /** The cached result for a recipe file, if everything it depended on is unchanged. */
  lookup(recipe: string, appends: string[]): RecipeInfo[] | undefined {
    const entry = this.entries.get(recipe);
    if (!entry) return undefined;
    if (entry.appends.length !== appends.length || entry.appends.some((a, i) => a !== appends[i]))
      return undefined;
    for (const [dep, hash] of entry.deps) {
      if (this.hasher.hash(dep) !== hash) return undefined;
    }
    return entry.infos;
  }

  /**
   * A key for everything derived from parsing `recipe` as the cache holds it now: the parser
   * (version and code), the configuration and every file it depended on with its content. Valid after a
   * successful lookup() or store() in this run.
   */
  fingerprint(recipe: string): string | undefined {
    const entry = this.entries.get(recipe);
    if (!entry) return undefined;
    return createHash("sha256")
      .update(JSON.stringify([writer(), this.configHash, recipe, entry.appends, entry.deps]))
      .digest("hex");
  }

  store(recipe: string, appends: string[], deps: string[], infos: RecipeInfo[]): void {
    const unique = [...new Set([recipe, ...appends, ...deps])];
    this.entries.set(recipe, { appends, deps: unique.map((f) => [f, this.hasher.hash(f)]), infos });
    this.dirty = true;
  }

  /** Forget recipes that are no longer part of the tree. */
  retain(recipes: Set<string>): void {
    for (const k of [...this.entries.keys()]) {
      if (!recipes.has(k)) {
        this.entries.delete(k);
        this.dirty = true;
      }
    }
  }

  /** Write the cache atomically (temporary file, then rename), with a checksum. */
  save(): void {
    if (!this.dirty) return;
    const data: CacheFile = {
      version: writer(),
      config: this.configHash,
      stamps: this.hasher.stamps(),
      entries: Object.fromEntries(this.entries),
    };
    const body = gzipSync(Buffer.from(JSON.stringify(data)), { level: 1 });
    const digest = createHash("sha256").update(body).digest();
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, Buffer.concat([digest, body]));
    this.dirty = false;
    held.set(this.file, { cache: this, identity: fileIdentity(this.file) });
  }
}
