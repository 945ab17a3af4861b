// git:// (and gitsm://, without submodules) URLs. The download is a bare mirror clone in
// DL_DIR/git2/<host+path with '/' turned into '.'>, fetched into only when it lacks the wanted
// revision. Unpacking clones from that mirror (sharing its objects) and checks the revision out.
//
// Parameters: protocol= (git when there is a host, else file; also http, https, ssh), branch=
// (default master; the revision must be on it unless nobranch=1), rev= (else SRCREV), destsuffix=
// (default "git/", or the subpath's last component), subpath= (check out only that directory).
//
// PREMIRRORS/MIRRORS entries that rewrite to a git URL are cloned or fetched from like the original;
// entries that rewrite to anything else (file, http) name a mirror tarball, git2_<mirror name>.tar.gz
// holding the bare mirror's contents, used only while no clone exists yet.

import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { STARTING_ENV } from "../util/process-env.js";
import { failure, fetchFileTo } from "./download.js";
import type { FetchEnv } from "./env.js";
import { FetchError, NetworkAccessError } from "./errors.js";
import { withLock } from "./lock.js";
import { candidates } from "./mirrors.js";
import { commandLine, run, tail } from "./run.js";
import { mirrorName, type ParsedUrl, parseUrl, toBoolean, urlName } from "./url.js";

export const GIT_SCHEMES = new Set(["git", "gitsm"]);

function git(args: string[], cwd?: string) {
  const env = { ...STARTING_ENV, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
  return run("git", ["-c", "safe.directory=*", ...args], { cwd, env });
}

function gitOrThrow(url: string, args: string[], cwd?: string): string {
  const r = git(args, cwd);
  if (r.status !== 0) {
    throw new FetchError(
      `Fetcher failure for ${url}: command "${commandLine("git", args)}" failed with exit status ${r.status}: ${tail(r.stderr || r.stdout)}`,
      url,
    );
  }
  return r.stdout;
}

function protocolOf(u: ParsedUrl): string {
  return u.params["protocol"] || (u.host ? "git" : "file");
}

/** What git clones or fetches from for a git:// URL. */
export function repoUrl(u: ParsedUrl): string {
  const proto = protocolOf(u);
  if (proto === "file") return u.host ? `${u.host}${u.path}` : u.path;
  const user = u.user ? (u.password && proto !== "ssh" ? `${u.user}:${u.password}@` : `${u.user}@`) : "";
  return `${proto}://${user}${u.host}${u.path}`;
}

/** DL_DIR/git2/<mirror name>. */
export function gitMirrorDir(u: ParsedUrl, env: FetchEnv): string {
  return path.resolve(env.dlDir, "git2", mirrorName(u));
}

/** The name a mirror tarball of this repository has (git2_<mirror name>.tar.gz). */
export function gitTarballName(u: ParsedUrl): string {
  return `git2_${mirrorName(u)}.tar.gz`;
}

interface GitInfo {
  branch: string;
  nobranch: boolean;
  mirror: string;
}

function gitInfo(url: string, u: ParsedUrl, env: FetchEnv, warn: boolean): GitInfo {
  const nobranch = toBoolean(u.params["nobranch"], false, "nobranch", url);
  let branch = (u.params["branch"] ?? "").split(",")[0];
  if (!branch) {
    if (warn && !nobranch) env.warn(`URL ${url} does not set a branch parameter; assuming branch=master`);
    branch = "master";
  }
  return { branch, nobranch, mirror: gitMirrorDir(u, env) };
}

const AUTOREV = /^(AUTOINC|\$\{AUTOREV\}|AUTOREV)$/;

function hasCommit(mirror: string, rev: string): boolean {
  return existsSync(mirror) && git(["cat-file", "-e", `${rev}^{commit}`], mirror).status === 0;
}

function onBranch(mirror: string, rev: string, info: GitInfo): boolean {
  if (info.nobranch) return true;
  return git(["merge-base", "--is-ancestor", rev, `refs/heads/${info.branch}`], mirror).status === 0;
}

/**
 * The commit to fetch. rev= wins over SRCREV; AUTOREV asks the repository for the branch head
 * (`git ls-remote` when downloading, the mirror's branch when unpacking).
 */
function wantedRev(url: string, u: ParsedUrl, env: FetchEnv, info: GitInfo, downloading: boolean): string {
  const name = urlName(u);
  const rev = (u.params["rev"] || env.srcrev(name) || "").trim();
  if (!rev || rev === "INVALID") {
    throw new FetchError(
      `Please set a valid SRCREV for url ${url} (SRCREV_${name} or SRCREV; a full commit id, or \${AUTOREV})`,
      url,
    );
  }
  if (AUTOREV.test(rev)) {
    if (!downloading)
      return gitOrThrow(url, ["rev-parse", `refs/heads/${info.branch}^{commit}`], info.mirror).trim();
    const repo = repoUrl(u);
    const args = ["ls-remote", repo, `refs/heads/${info.branch}`];
    if (env.noNetwork && protocolOf(u) !== "file")
      throw new NetworkAccessError(commandLine("git", args), url);
    const head = gitOrThrow(url, args).split(/\s+/)[0];
    if (!head)
      throw new FetchError(`Unable to resolve ${rev} for ${url}: ${repo} has no branch ${info.branch}`, url);
    return head;
  }
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(rev)) {
    throw new FetchError(
      `The revision '${rev}' for ${url} is not a full commit id; SRCREV (or rev=) must name a commit by its full hash`,
      url,
    );
  }
  return rev.toLowerCase();
}

/** Bring one source (a git URL, or a mirror tarball URL) into the mirror directory. */
function fetchInto(source: string, url: string, u: ParsedUrl, env: FetchEnv, mirror: string): void {
  const s = parseUrl(source);
  if (!GIT_SCHEMES.has(s.scheme)) {
    if (existsSync(mirror)) throw new FetchError(`${source}: not used, a mirror clone already exists`, url);
    const tarball = path.join(env.dlDir, gitTarballName(u));
    fetchFileTo(source, tarball, env, url);
    const tmp = `${mirror}.tmp.${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const r = run("tar", ["xzf", tarball, "-C", tmp]);
    if (r.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new FetchError(`${source}: unpacking the mirror tarball failed: ${tail(r.stderr)}`, url);
    }
    renameSync(tmp, mirror);
    return;
  }
  const repo = repoUrl(s);
  const local = protocolOf(s) === "file";
  if (!existsSync(mirror)) {
    const tmp = `${mirror}.tmp.${process.pid}`;
    const args = ["clone", "--bare", "--mirror", repo, tmp];
    if (env.noNetwork && !local) throw new NetworkAccessError(commandLine("git", args.slice(0, -1)), source);
    env.log(`Cloning ${repo} into ${mirror}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(path.dirname(mirror), { recursive: true });
    try {
      gitOrThrow(source, args);
      renameSync(tmp, mirror);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    return;
  }
  const args = ["fetch", "--force", "--prune", repo, "+refs/*:refs/*"];
  if (env.noNetwork && !local) throw new NetworkAccessError(commandLine("git", args), source);
  env.log(`Updating ${mirror} from ${repo}`);
  gitOrThrow(source, args, mirror);
}

/** Make sure the mirror clone has the wanted revision; returns the mirror directory. */
export function gitDownload(url: string, u: ParsedUrl, env: FetchEnv): string {
  if (u.scheme === "gitsm")
    env.warn(`${url}: git submodules are not fetched (gitsm:// is treated as git://)`);
  const info = gitInfo(url, u, env, true);
  mkdirSync(path.dirname(info.mirror), { recursive: true });
  return withLock(info.mirror, env.log, () => {
    const rev = wantedRev(url, u, env, info, true);
    if (hasCommit(info.mirror, rev) && onBranch(info.mirror, rev, info)) return info.mirror;
    const failures: Array<{ source: string; error: unknown }> = [];
    for (const source of candidates(url, u, env, { tarballName: gitTarballName(u) })) {
      try {
        fetchInto(source, url, u, env, info.mirror);
      } catch (e) {
        failures.push({ source, error: e });
        continue;
      }
      if (!hasCommit(info.mirror, rev)) {
        failures.push({ source, error: new FetchError(`revision ${rev} not found`, url) });
      } else if (!onBranch(info.mirror, rev, info)) {
        failures.push({
          source,
          error: new FetchError(
            `revision ${rev} is not on branch ${info.branch} (set branch= to the right branch, or nobranch=1)`,
            url,
          ),
        });
      } else return info.mirror;
    }
    throw failure(url, failures);
  });
}

/** Check the wanted revision out of the mirror into rootDir/<destsuffix>. */
export function gitUnpack(url: string, u: ParsedUrl, env: FetchEnv, rootDir: string): void {
  const info = gitInfo(url, u, env, false);
  const rev = wantedRev(url, u, env, info, false);
  if (!hasCommit(info.mirror, rev)) {
    throw new FetchError(
      `Unpack failure for ${url}: revision ${rev} is not in ${info.mirror} (download first)`,
      url,
    );
  }
  const subpath = (u.params["subpath"] ?? "").replace(/^\/+|\/+$/g, "");
  const destsuffix = u.params["destsuffix"] || (subpath ? `${path.posix.basename(subpath)}/` : "git/");
  const dest = path.resolve(rootDir, destsuffix);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(path.dirname(dest), { recursive: true });
  gitOrThrow(url, ["clone", "-s", "-n", info.mirror, dest]);
  gitOrThrow(url, ["remote", "set-url", "origin", repoUrl(u)], dest);
  if (subpath) {
    gitOrThrow(url, ["read-tree", `${rev}:${subpath}`], dest);
    gitOrThrow(url, ["checkout-index", "-q", "-f", "-a"], dest);
  } else if (u.params["branch"] && !info.nobranch) {
    gitOrThrow(url, ["checkout", "-q", "-B", info.branch, rev], dest);
  } else {
    gitOrThrow(url, ["-c", "advice.detachedHead=false", "checkout", "-q", rev], dest);
  }
}
