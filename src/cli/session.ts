// What every command needs first: the embedded Python and the parsed configuration.

import type { DataStore, Reporter } from "../data/index.js";
import {
  type Configuration,
  Evaluator,
  parseConfigurations,
  provideParseServices,
  type TreeOptions,
} from "../parse/index.js";
import { PythonRuntime } from "../python/index.js";
import { provideSignatureServices } from "../tasks/index.js";

/** Prints to stderr; like BitBake, a command that logged an error exits with status 1 at the end. */
export const stderrReporter: Reporter = {
  note: (m) => process.stderr.write(`NOTE: ${m}\n`),
  warn: (m) => process.stderr.write(`WARNING: ${m}\n`),
  error: (m) => {
    process.stderr.write(`ERROR: ${m}\n`);
    process.exitCode = 1;
  },
};

export interface Session {
  ev: Evaluator;
  /** The default configuration. */
  config: Configuration;
  /** Every configuration: the default one ("") and each multiconfig. */
  configs: Map<string, Configuration>;
  reporter: Reporter;
}

export interface SessionOptions {
  tracking?: boolean;
}

/** Where sessions come from: a fresh one per command, or the resident server's cache. */
export type SessionProvider = (opts: SessionOptions) => Promise<Session>;

let provider: SessionProvider | null = null;

/** Let the resident server hand out its cached sessions. */
export function setSessionProvider(p: SessionProvider | null): void {
  provider = p;
}

export async function openSession(opts: SessionOptions = {}): Promise<Session> {
  if (provider) return provider(opts);
  return createSession(await startPython(), opts);
}

/** The embedded Python with what kiln's bb package asks of the task module (bb.data's
 * signature functions, bb.codeparser.ShellParser); createSession adds bb.parse.handle. */
export async function startPython(): Promise<PythonRuntime> {
  const python = await PythonRuntime.start();
  await provideSignatureServices(python);
  return python;
}

/** Parse the configuration of the build directory around the working directory. */
export function createSession(python: PythonRuntime, opts: SessionOptions): Session {
  // History is kept for the configuration (cheap) so that errors can say where a value was set.
  const reporter = stderrReporter;
  const ev = new Evaluator(python, reporter);
  provideParseServices(python, ev);
  const configs = parseConfigurations(ev, {
    cwd: process.cwd(),
    env: process.env,
    tracking: opts.tracking ?? true,
    reporter,
  });
  return { ev, config: configs.get("")!, configs, reporter };
}

/** How the recipe tree is parsed: parsers from KILN_JOBS (default: all cores), cache unless KILN_NO_CACHE. */
export function treeOptions(overrides: Partial<TreeOptions> = {}): TreeOptions {
  const jobs = process.env.KILN_JOBS ? Number(process.env.KILN_JOBS) : undefined;
  return { cwd: process.cwd(), env: process.env, jobs, cache: !process.env.KILN_NO_CACHE, ...overrides };
}

export type { DataStore };
