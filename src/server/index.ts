// kiln's resident server: one process per build directory that keeps the embedded Python, the
// parsed configuration and the parse cache in memory, so that a query answers in a fraction of
// the time a fresh process needs (like BitBake's server). Commands connect to it when it runs
// and fall back to doing the work themselves when it does not.
//
// A request carries the command line, the working directory and the environment; the server
// runs the same command code as a standalone kiln would, with its output sent back over the
// socket. Requests are served one at a time. A cached configuration is reused only while every
// file it was read from is unchanged and the environment it saw is the same.

import { createHash } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { findConfigFile } from "../config/index.js";
import { KILN_MODULES } from "../util/source-identity.js";

/** The directory a build directory's server lives in (short: socket paths are limited to ~100 bytes). */
function socketDir(): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  return path.join(os.tmpdir(), `kiln-${uid}`);
}

export function socketPath(topdir: string): string {
  const key = createHash("sha256").update(path.resolve(topdir)).digest("hex").slice(0, 16);
  return path.join(socketDir(), `${key}.sock`);
}

/** The build directory (the one holding conf/bblayers.conf) for a working directory. */
export function findTopdir(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  const layerconf = findConfigFile("bblayers.conf", env.BBPATH, cwd);
  return layerconf ? path.dirname(path.dirname(layerconf)) : undefined;
}

export interface Request {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The client's kiln (KILN_MODULES): a server of another kiln does not answer. */
  kiln: string;
}

/** One line of the reply stream: output text for a stream, the exit status at the end, or
 * `otherBuild` instead of an answer when the server runs another build of kiln than the client. */
export type Frame = { out: string } | { err: string } | { exit: number } | { otherBuild: true };

/**
 * Run a command through the server of this build directory, if one is listening. Resolves to the
 * exit status, or undefined when there is no server, or it runs another build of kiln (the caller
 * then runs the command itself).
 */
export function runThroughServer(command: Omit<Request, "kiln">): Promise<number | undefined> {
  const req: Request = { ...command, kiln: KILN_MODULES };
  const topdir = findTopdir(req.cwd, req.env);
  if (!topdir) return Promise.resolve(undefined);
  const file = socketPath(topdir);
  return new Promise((resolve) => {
    let answered = false;
    let buffer = "";
    const socket = net.createConnection(file);
    socket.setEncoding("utf8");
    socket.on("connect", () => {
      socket.write(`${JSON.stringify(req)}\n`);
    });
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const frame = JSON.parse(buffer.slice(0, nl)) as Frame;
        buffer = buffer.slice(nl + 1);
        if ("out" in frame) process.stdout.write(frame.out);
        else if ("err" in frame) process.stderr.write(frame.err);
        else if ("otherBuild" in frame) {
          process.stderr.write(
            "NOTE: the kiln server of this build directory runs another build of kiln, so this command runs without it (`kiln server start` replaces it)\n",
          );
          answered = true;
          resolve(undefined);
          socket.end();
        } else {
          answered = true;
          resolve(frame.exit);
          socket.end();
        }
      }
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      // A socket left by a server that died: remove it and work without a server.
      if (e.code === "ECONNREFUSED") rmSync(file, { force: true });
      if (!answered) resolve(undefined);
    });
    socket.on("close", () => {
      if (!answered) resolve(undefined);
    });
  });
}

export interface ServerOptions {
  topdir: string;
  /** Seconds without a request after which the server exits (0: never). */
  idleTimeout: number;
  /** Runs one request: the command line, with output already redirected. Returns the exit status. */
  handle: (req: Request, write: (frame: Frame) => void) => Promise<number>;
  /** Whether the server's own kiln changed on disk since it started: it then answers nobody
   * and stops (its parser processes would load the new code while it runs the old). */
  rebuilt: () => boolean;
  log?: (message: string) => void;
}

/** Listen on the build directory's socket and serve requests one at a time until idle. */
export function serve(opts: ServerOptions): Promise<void> {
  const file = socketPath(opts.topdir);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  rmSync(file, { force: true });
  let queue: Promise<void> = Promise.resolve();
  let idle: NodeJS.Timeout | undefined;
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      socket.setEncoding("utf8");
      let buffer = "";
      socket.on("data", (chunk: string) => {
        buffer += chunk;
        const nl = buffer.indexOf("\n");
        if (nl < 0) return;
        const req = JSON.parse(buffer.slice(0, nl)) as Request;
        buffer = "";
        const write = (frame: Frame) => {
          if (!socket.destroyed) socket.write(`${JSON.stringify(frame)}\n`);
        };
        // Any kiln may ask for the server's process id (to stop it).
        if (req.argv[0] !== "server-pid") {
          const rebuilt = opts.rebuilt();
          if (req.kiln !== KILN_MODULES || rebuilt) {
            // Not this client's kiln, or no longer the server's own: the client works without it.
            write({ otherBuild: true });
            socket.end();
            if (rebuilt) {
              opts.log?.(`kiln server for ${opts.topdir}: kiln was rebuilt, stopping`);
              queue = queue.then(stop);
            }
            return;
          }
        }
        queue = queue.then(async () => {
          if (idle) clearTimeout(idle);
          let code = 1;
          try {
            code = await opts.handle(req, write);
          } catch (e) {
            write({ err: `kiln server: ${(e as Error).message}\n` });
          }
          write({ exit: code });
          socket.end();
          armIdle();
        });
      });
      socket.on("error", () => {});
    });
    // Ends once the requests under way are answered; nothing (the idle timer) keeps it alive.
    const stop = () => {
      if (idle) clearTimeout(idle);
      idle = undefined;
      rmSync(file, { force: true });
      server.close(() => resolve());
    };
    const armIdle = () => {
      if (opts.idleTimeout > 0) idle = setTimeout(stop, opts.idleTimeout * 1000);
    };
    server.on("error", reject);
    server.listen(file, () => {
      opts.log?.(`kiln server for ${opts.topdir} listening on ${file}`);
      armIdle();
    });
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
