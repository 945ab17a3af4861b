// `kiln server start|run|stop|status`: the resident server of a build directory. The server keeps
// one embedded Python and the parsed configurations; each request runs the normal command code
// with the client's working directory, environment and output.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { approvedVariables } from "../config/index.js";
import { FileHasher, layerLibraryFiles } from "../parse/index.js";
import type { PythonRuntime } from "../python/index.js";
import { type Frame, findTopdir, type Request, serve, socketPath } from "../server/index.js";
import { KILN_MODULES, sourceStamp } from "../util/source-identity.js";
import { buildProgram } from "./program.js";
import {
  createSession,
  type Session,
  type SessionOptions,
  setSessionProvider,
  startPython,
} from "./session.js";

/** Thrown instead of exiting the server process when a command calls process.exit(). */
class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

interface CachedSession {
  session: Session;
  topdir: string;
  env: string;
  deps: Array<[string, string | null]>;
}

/** Sessions reused while the files and environment they were made from are unchanged. */
class SessionCache {
  private readonly entries = new Map<boolean, CachedSession>();
  /** The stats and hashes of the files sessions were made from, kept between requests: a file
   * is read and hashed again only when its stat changed. */
  private readonly stamps = new FileHasher().known;

  constructor(private readonly python: PythonRuntime) {}

  async get(opts: SessionOptions): Promise<Session> {
    const tracking = opts.tracking ?? true;
    const topdir = findTopdir(process.cwd(), process.env) ?? process.cwd();
    const env = environmentKey(process.env);
    const cached = this.entries.get(tracking);
    if (cached && cached.topdir === topdir && cached.env === env && this.unchanged(cached.deps))
      return cached.session;
    const session = createSession(this.python, { tracking });
    const hasher = new FileHasher(this.stamps);
    const files = new Set<string>();
    for (const config of session.configs.values()) {
      for (const [f] of (config.data.getVar("__base_depends", false) as
        | Array<[string, unknown]>
        | undefined) ?? []) {
        files.add(f);
      }
    }
    // A changed layer library is imported afresh by the next session's configuration parse.
    for (const f of layerLibraryFiles(this.python.layerLibraries)) files.add(f);
    const deps = [...files].map((f) => [f, hasher.hash(f)] as [string, string | null]);
    this.entries.set(tracking, { session, topdir, env, deps });
    return session;
  }

  private unchanged(deps: Array<[string, string | null]>): boolean {
    const hasher = new FileHasher(this.stamps);
    return deps.every(([f, h]) => hasher.hash(f) === h);
  }
}

function environmentKey(env: NodeJS.ProcessEnv): string {
  return JSON.stringify(approvedVariables(env).map((k) => [k, env[k] ?? null]));
}

/** Run one request in this process with the client's directory, environment and output. */
async function handle(
  python: PythonRuntime,
  req: Request,
  write: (f: Frame) => void,
  rebuilt: () => boolean,
): Promise<number> {
  if (req.argv[0] === "server-pid") {
    write({
      out: JSON.stringify({ pid: process.pid, kiln: KILN_MODULES, rebuilt: rebuilt() } satisfies ServerInfo),
    });
    return 0;
  }
  const saved = {
    cwd: process.cwd(),
    env: { ...process.env },
    out: process.stdout.write,
    err: process.stderr.write,
    exit: process.exit,
  };
  process.chdir(req.cwd);
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, req.env);
  python.setProcessContext(req.cwd, req.env);
  const sink = (stream: "out" | "err") =>
    ((chunk: string | Uint8Array) => {
      write(stream === "out" ? { out: String(chunk) } : { err: String(chunk) });
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = sink("out");
  process.stderr.write = sink("err");
  process.exit = ((code?: number) => {
    throw new ExitSignal(code ?? 0);
  }) as typeof process.exit;
  process.exitCode = 0;
  try {
    const program = buildProgram().exitOverride();
    await program.parseAsync(req.argv, { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof ExitSignal) return e.code;
    const code = (e as { exitCode?: number }).exitCode;
    return typeof code === "number" ? code : 1;
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exit = saved.exit;
    process.exitCode = 0;
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved.env);
    process.chdir(saved.cwd);
  }
}

function connectable(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createConnection(file);
    s.on("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}

export async function server(action: string, timeout: number): Promise<void> {
  const topdir = findTopdir(process.cwd(), process.env);
  if (!topdir) {
    process.stderr.write("ERROR: not in a build directory (no conf/bblayers.conf found)\n");
    process.exit(1);
  }
  const file = socketPath(topdir);
  switch (action) {
    case "run": {
      // The build of kiln this server runs: its files as they are when it starts.
      const kiln = sourceStamp();
      const rebuilt = () => sourceStamp() !== kiln;
      const python = await startPython();
      const cache = new SessionCache(python);
      setSessionProvider((opts) => cache.get(opts));
      // Like BitBake's server, parse the configuration before the first request, in both forms
      // commands ask for (with history for `query -r`/`env`, without for parse, graph, build).
      for (const tracking of [false, true]) {
        try {
          await cache.get({ tracking });
        } catch {
          // A broken configuration is reported to the request that needs it.
        }
      }
      await serve({
        topdir,
        idleTimeout: timeout,
        handle: (req, write) => handle(python, req, write, rebuilt),
        rebuilt,
        log: (m) => process.stderr.write(`${m}\n`),
      });
      // Stopped: parser processes and threads of the sessions kept must not keep it running.
      process.exit(0);
      return;
    }
    case "start": {
      if (await connectable(file)) {
        const running = await askServer(file);
        if (!running || (running.kiln === KILN_MODULES && !running.rebuilt)) {
          process.stdout.write(`kiln server already running for ${topdir}\n`);
          return;
        }
        // A server of another kiln (or of this one before it was rebuilt) is replaced.
        if (!(await stopServer(running.pid))) return;
        process.stdout.write(`stopped the kiln server of another kiln (pid ${running.pid})\n`);
      }
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const log = openSync(`${file}.log`, "a");
      const child = spawn(
        process.execPath,
        // The same V8 options as this process (bin/kiln's larger young generation).
        [...process.execArgv, process.argv[1], "server", "run", "--timeout", String(timeout)],
        {
          cwd: process.cwd(),
          detached: true,
          stdio: ["ignore", log, log],
        },
      );
      child.unref();
      for (let i = 0; i < 300; i++) {
        if (await connectable(file)) {
          process.stdout.write(`kiln server started for ${topdir}\n`);
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      process.stderr.write(`ERROR: the kiln server did not start; see ${file}.log\n`);
      process.exit(1);
      return;
    }
    case "stop": {
      if (!existsSync(file) || !(await connectable(file))) {
        process.stdout.write("no kiln server running\n");
        return;
      }
      const pid = (await askServer(file))?.pid;
      if (pid && !(await stopServer(pid))) return;
      process.stdout.write(`kiln server for ${topdir} stopped${pid ? ` (pid ${pid})` : ""}\n`);
      return;
    }
    case "status": {
      const up = existsSync(file) && (await connectable(file));
      process.stdout.write(up ? `kiln server running for ${topdir}\n` : "no kiln server running\n");
      return;
    }
    default:
      process.stderr.write(`ERROR: unknown server action '${action}' (start, run, stop, status)\n`);
      process.exit(1);
  }
}

/** Whether process `pid` ended within `ms` milliseconds. */
async function ended(pid: number, ms: number): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < ms; await new Promise((r) => setTimeout(r, 50))) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
  }
  return false;
}

/** What the "server-pid" request tells of a running server. */
interface ServerInfo {
  pid: number;
  /** The directory of its kiln's compiled modules (KILN_MODULES). */
  kiln: string;
  /** Its kiln's files changed since it started. */
  rebuilt: boolean;
}

/** The server's process id and kiln, asked through the socket (the "server-pid" request, which
 * a server of any kiln answers). */
function askServer(file: string): Promise<ServerInfo | undefined> {
  return new Promise((resolve) => {
    const s = net.createConnection(file);
    let data = "";
    s.setEncoding("utf8");
    s.on("connect", () =>
      s.write(
        `${JSON.stringify({ argv: ["server-pid"], cwd: process.cwd(), env: {}, kiln: KILN_MODULES } satisfies Request)}\n`,
      ),
    );
    s.on("data", (c: string) => {
      data += c;
    });
    s.on("close", () => {
      for (const line of data.split("\n")) {
        try {
          const frame = JSON.parse(line) as Frame;
          if (!("out" in frame)) continue;
          const out = frame.out.trim();
          // A kiln from before the server said which kiln it runs answers with its pid alone.
          const info = /^\d+$/.test(out)
            ? { pid: Number(out), kiln: "", rebuilt: false }
            : (JSON.parse(out) as ServerInfo);
          resolve(info);
          return;
        } catch {
          // not a frame
        }
      }
      resolve(undefined);
    });
    s.on("error", () => resolve(undefined));
  });
}

/** Stop the server with process id `pid` and wait for it to end; false (with an error) if it
 * does not within 30 s. */
async function stopServer(pid: number): Promise<boolean> {
  process.kill(pid, "SIGTERM");
  if (await ended(pid, 30_000)) return true;
  process.stderr.write(`ERROR: the kiln server (pid ${pid}) did not stop within 30 s\n`);
  process.exitCode = 1;
  return false;
}
