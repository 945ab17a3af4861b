// PREMIRRORS / MIRRORS: whitespace-separated "PATTERN REPLACEMENT" pairs (a literal "\n" also
// separates). A pattern is a URL whose scheme, host, path (and user, password) are Python regular
// expressions, each matched at the start of the corresponding part of the original URL (the scheme
// must match entirely); parameters in the pattern must be present and match too. The matching part
// is then replaced by the replacement's part, in which TYPE, HOST, PATH, BASENAME and MIRRORNAME
// stand for pieces of the original URL (MIRRORNAME = host and path with '/' turned into '.').
// For downloads that land in DL_DIR under a file name (http, file), the mirror path always ends in
// that file name: it replaces the original's base name, or is appended (the usual "…/" form).

import path from "node:path";
import { pyMatch, pyRegExp } from "../util/pyregex.js";
import type { FetchEnv } from "./env.js";
import { formatUrl, mirrorName, type ParsedUrl, parseUrl } from "./url.js";

export function mirrorPairs(value: string): Array<[string, string]> {
  const words = value
    .replace(/\\n/g, " ")
    .split(/\s+/)
    .filter((w) => w);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < words.length; i += 2) pairs.push([words[i], words[i + 1]]);
  return pairs;
}

export interface MirrorOptions {
  /** The name the download gets in DL_DIR (http and file downloads); the mirror path ends in it. */
  localName?: string;
  /** For git: the name of the mirror tarball, used when a mirror is not itself a git URL. */
  tarballName?: string;
}

const GIT_SCHEMES = new Set(["git", "gitsm"]);

/** Expand a Python re.sub replacement template (\1, \g<1>, \g<name>, \\) for one match. */
function expandTemplate(template: string, m: RegExpExecArray): string {
  return template.replace(/\\(?:(\d{1,2})|g<([^>]+)>|(.))/gs, (all, num, group, other) => {
    if (num !== undefined) return m[Number(num)] ?? "";
    if (group !== undefined) return (/^\d+$/.test(group) ? m[Number(group)] : m.groups?.[group]) ?? "";
    if (other === "\\") return "\\";
    if (other === "n") return "\n";
    if (other === "t") return "\t";
    return all;
  });
}

function substitute(pattern: string, original: string, replacement: string): string | undefined {
  let regex: RegExp;
  try {
    regex = pyRegExp(pattern);
  } catch {
    return undefined;
  }
  if (!pyMatch(regex, original)) return undefined;
  if (!replacement) return "";
  // A match exists at the start, so the leftmost match (what re.sub replaces first) is there.
  const m = new RegExp(regex.source, regex.flags.replace(/[gy]/g, "")).exec(original)!;
  return original.slice(0, m.index) + expandTemplate(replacement, m) + original.slice(m.index + m[0].length);
}

/** One mirror URL for `u` from one pair, or undefined when the pattern does not match. */
export function mirrorUrl(u: ParsedUrl, find: string, replace: string, options: MirrorOptions = {}) {
  let f: ParsedUrl;
  let r: ParsedUrl;
  try {
    f = parseUrl(find);
    r = parseUrl(replace);
  } catch {
    return undefined;
  }
  const originalBase = path.posix.basename(u.path);
  const words: Record<string, string> = {
    TYPE: u.scheme,
    HOST: u.host,
    PATH: u.path,
    BASENAME: originalBase,
    MIRRORNAME: mirrorName(u),
  };
  const expand = (s: string) => s.replace(/MIRRORNAME|BASENAME|TYPE|HOST|PATH/g, (w) => words[w]);
  const scheme = substitute(f.scheme.endsWith("$") ? f.scheme : `${f.scheme}$`, u.scheme, expand(r.scheme));
  const host = substitute(f.host, u.host, expand(r.host));
  let upath = substitute(f.path, u.path, expand(r.path));
  const user = substitute(f.user ?? "", u.user ?? "", expand(r.user ?? ""));
  const password = substitute(f.password ?? "", u.password ?? "", expand(r.password ?? ""));
  if (scheme === undefined || host === undefined || upath === undefined) return undefined;
  if (user === undefined || password === undefined) return undefined;
  for (const [k, v] of Object.entries(f.params)) {
    const value = u.params[k];
    if (value === undefined || substitute(v, value, value) === undefined) return undefined;
  }
  const toTarball = options.tarballName !== undefined && !GIT_SCHEMES.has(scheme);
  const base = toTarball ? options.tarballName : options.localName;
  if (base) {
    const p = `/${upath}`;
    if (originalBase && base !== originalBase && p.endsWith(`/${originalBase}`)) {
      upath = p.slice(1, p.length - originalBase.length) + base;
    } else if (!p.endsWith(`/${base}`)) {
      upath = path.posix.join(p.slice(1), base);
    }
  } else if (upath.endsWith("/")) {
    upath += originalBase;
  }
  const params: Record<string, string> = toTarball ? {} : { ...u.params };
  for (const [k, v] of Object.entries(r.params)) params[k] = expand(v);
  const result: ParsedUrl = { scheme, host, path: upath, params };
  if (user) result.user = user;
  if (password) result.password = password;
  return formatUrl(result);
}

/** The URLs to try before (PREMIRRORS) or after (MIRRORS) the original, in order, without duplicates. */
export function mirrorUrls(url: string, u: ParsedUrl, table: string, options: MirrorOptions = {}): string[] {
  const out: string[] = [];
  for (const [find, replace] of mirrorPairs(table)) {
    const candidate = mirrorUrl(u, find, replace, options);
    if (candidate !== undefined && candidate !== url && !out.includes(candidate)) out.push(candidate);
  }
  return out;
}

/** Every URL to try, in order: PREMIRRORS matches, the original, MIRRORS matches. */
export function candidates(url: string, u: ParsedUrl, env: FetchEnv, options: MirrorOptions = {}): string[] {
  const pre = mirrorUrls(url, u, env.premirrors, options);
  const post = mirrorUrls(url, u, env.mirrors, options).filter((c) => !pre.includes(c));
  return [...pre, url, ...post];
}
