// SRC_URI entries: "scheme://[user[:password]@]host/path;key=value;key2=value2". For file:// URLs
// everything after "//" is the path (relative paths are searched along FILESPATH).

import { FetchError } from "./errors.js";

export interface ParsedUrl {
  scheme: string;
  /** Empty for file:// URLs and for git:///abs/path. */
  host: string;
  /** As written (not percent-decoded); starts with "/" unless it is a relative file:// path. */
  path: string;
  user?: string;
  password?: string;
  params: Record<string, string>;
}

export function parseUrl(url: string): ParsedUrl {
  const sep = url.indexOf("://");
  if (sep <= 0) throw new FetchError(`The URL '${url}' is invalid: it has no scheme ("scheme://...")`, url);
  const scheme = url.slice(0, sep);
  const [location, ...paramParts] = url.slice(sep + 3).split(";");
  if (!location) throw new FetchError(`The URL '${url}' is invalid: it has no host or path`, url);
  const params: Record<string, string> = {};
  for (const part of paramParts) {
    if (!part) continue;
    const eq = part.indexOf("=");
    if (eq < 0) {
      throw new FetchError(
        `The URL '${url}' is invalid: parameter '${part}' does not specify a value (missing '=')`,
        url,
      );
    }
    params[part.slice(0, eq)] = part.slice(eq + 1);
  }
  let rest = location;
  let user: string | undefined;
  let password: string | undefined;
  const firstSlash = rest.indexOf("/");
  const at = rest.lastIndexOf("@", firstSlash < 0 ? rest.length : firstSlash);
  if (at > 0) {
    const userInfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userInfo.indexOf(":");
    if (colon >= 0) {
      user = userInfo.slice(0, colon);
      password = userInfo.slice(colon + 1);
    } else user = userInfo;
  }
  let host = "";
  let path = rest;
  if (scheme !== "file") {
    const slash = rest.indexOf("/");
    host = slash < 0 ? rest : rest.slice(0, slash);
    path = slash < 0 ? "" : rest.slice(slash);
  }
  const parsed: ParsedUrl = { scheme, host, path, params };
  if (user !== undefined) parsed.user = user;
  if (password !== undefined) parsed.password = password;
  return parsed;
}

/** The inverse of parseUrl. */
export function formatUrl(u: ParsedUrl, withParams = true): string {
  let s = `${u.scheme}://`;
  if (u.user) s += u.password !== undefined && u.password !== "" ? `${u.user}:${u.password}@` : `${u.user}@`;
  s += u.host + u.path;
  if (withParams) for (const [k, v] of Object.entries(u.params)) s += `;${k}=${v}`;
  return s;
}

/** The URL without its ";key=value" parameters (what is handed to a download tool). */
export function stripParams(url: string): string {
  const semi = url.indexOf(";");
  return semi < 0 ? url : url.slice(0, semi);
}

/** Percent-decoding for names used on the file system; a malformed escape is kept as written. */
export function unquote(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** bb.utils.to_boolean: yes/y/true/t/1 and no/n/false/f/0 (any case); anything else is an error. */
export function toBoolean(value: string | undefined, fallback: boolean, what: string, url: string): boolean {
  if (value === undefined || value === "") return fallback;
  const v = value.toLowerCase();
  if (["yes", "y", "true", "t", "1"].includes(v)) return true;
  if (["no", "n", "false", "f", "0"].includes(v)) return false;
  throw new FetchError(`The URL '${url}' has an invalid ${what}= value '${value}' (expected yes or no)`, url);
}

/** The name= parameter (the first one when several are given), "default" when absent. */
export function urlName(u: ParsedUrl): string {
  return (u.params["name"] ?? "").split(",")[0] || "default";
}

/** Host and path as one file name: '/' and '*' become '.', ':' becomes '.', ' ' becomes '_'. */
export function mirrorName(u: ParsedUrl): string {
  return (u.host.replace(/:/g, ".") + u.path.replace(/[/*]/g, ".")).replace(/ /g, "_");
}
