// kiln's commands and their arguments (commander: well kept, typed, consistent help and errors).
// A fresh program is built for every run, so the resident server can run commands repeatedly.

import { Command } from "commander";
import { describeEngine } from "../python/index.js";
import { type BuildCommandOptions, build } from "./build.js";
import { env } from "./env.js";
import { type GetvarOptions, getvar } from "./getvar.js";
import { graph } from "./graph.js";
import { kernelConfigCheck } from "./kernel-config-check.js";
import { registerLayers } from "./layers.js";
import { parse } from "./parse.js";
import { type QueryOptions, query } from "./query.js";
import { runqemu } from "./runqemu.js";
import { server } from "./server.js";
import { diffsigs, dumpsig, sigs } from "./sigs.js";

const KILN_VERSION = "0.1.0";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("kiln")
    .description("A fast, exact build system that speaks the OpenEmbedded/BitBake metadata language")
    .option("-V, --version", "print kiln's version and the Python engine it runs metadata Python in")
    .on("option:version", () => {
      process.stdout.write(`kiln ${KILN_VERSION}\nPython: ${describeEngine()}\n`);
      process.exit(0);
    });

  program
    .command("getvar")
    .description("print a variable with its history, or only its value (as bitbake-getvar does)")
    .argument("<variable>", "the variable")
    .option(
      "-r, --recipe <recipe>",
      "for this recipe (a recipe name or a name it PROVIDES) instead of globally",
    )
    .option("-u, --unexpand", "do not expand the value (with --value)")
    .option("-f, --flag <flag>", "a flag of the variable instead (with --value)")
    .option("--value", "only the value, without history or the variable's name")
    .option("-q, --quiet", "accepted, as bitbake-getvar's: kiln prints no server log")
    .option("--ignore-undefined", "an undefined variable or flag is not an error")
    .action((variable: string, opts: GetvarOptions) => getvar(variable, opts));

  program
    .command("query")
    .description("print the value of variables or flags (VAR or VAR[flag]), globally or for a recipe")
    .argument("<names...>", "variables (VAR) or flags (VAR[flag])")
    .option(
      "-r, --recipe <target>",
      "a recipe name or a name a recipe PROVIDES (mc:NAME:target in a multiconfig)",
    )
    .option("--all", "every target: one JSON object per line {file, pn, values} or {file, skipped}")
    .option(
      "--deps",
      "with --all: each target's dependency and package lists, as BitBake's recipe cache keeps them",
    )
    .option("--json", "print one JSON object {NAME: value | null | {error}}")
    .option("-u, --unexpanded", "print values without expanding ${...}")
    .action((names: string[], opts: QueryOptions) => query(names, opts));

  program
    .command("env")
    .description("show every variable and function with its history, like `bitbake -e`")
    .argument("[target]", "a recipe name or provided name (default: the global configuration)")
    .option("--json", "every variable's value as one JSON object, without history")
    .action((target: string | undefined, opts: { json?: boolean }) => env(target, opts));

  program
    .command("parse")
    .description("parse every recipe and print BitBake's summary line")
    .option("-j, --jobs <n>", "parsers working at once (default: all cores)")
    .option("--no-cache", "ignore and do not update the parse cache")
    .action((opts: { jobs?: string; cache?: boolean }) => parse(opts));

  program
    .command("build")
    .description("run the tasks the targets need, as `bitbake` does (stamps, shared state, parallel)")
    .argument("<targets...>", "recipe or provided names, NAME:do_task, or mc:NAME:target")
    .option("-c, --cmd <task>", "the task to run for the targets (default: BB_DEFAULT_TASK or build)")
    .option("-f, --force", "run the task even if its stamp is current (and taint it so dependents rerun)")
    .option("-k, --continue", "after a failure, go on with every task that does not depend on it")
    .option("-n, --dry-run", "print what would run and why, run nothing")
    .option(
      "-v, --verbose",
      "show bookkeeping (shared state stored and restored) too, not only in the console log",
    )
    .action((targets: string[], opts: BuildCommandOptions) => build(targets, opts));

  program
    .command("runqemu")
    .description("boot a built image under QEMU (serial console here; the guest powering off ends it)")
    .argument("<image>", "the image recipe, e.g. kiln-image-minimal")
    .argument("[kernel-args...]", "extra words for the kernel command line")
    .option("--timeout <seconds>", "stop the guest after this long (default 300)")
    .option("--marker <text>", "exit with an error unless the guest prints this text")
    .option("--fstype <type>", "the image to boot: cpio.gz, ext4, qcow2, wic or wic.qcow2")
    .action((image: string, extra: string[], opts: { timeout?: string; marker?: string; fstype?: string }) =>
      runqemu(image, extra, opts),
    );

  program
    .command("kernel-config-check")
    .description("check a kernel .config against configuration fragments (.cfg), like docker's check-config")
    .argument("<config>", "the kernel configuration (a .config, /boot/config-*)")
    .argument(
      "[fragments...]",
      "fragments (.cfg) listing what is needed (default: the ones meta-kiln-virt ships)",
    )
    .option("--json", "print the whole report as one JSON object")
    .option("--builtin", "every tristate option must be built in: modules never satisfy")
    .action((config: string, fragments: string[], opts: { json?: boolean; builtin?: boolean }) =>
      kernelConfigCheck(config, fragments, opts),
    );

  program
    .command("graph")
    .description("write the task graph of targets as `bitbake -g` does (task-depends.dot, pn-buildlist)")
    .argument("<targets...>", "recipe or provided names, NAME:do_task, or mc:NAME:target")
    .option("-c, --cmd <task>", "the task to run for the targets (default: BB_DEFAULT_TASK or build)")
    .action((targets: string[], opts: { cmd?: string }) => graph(targets, opts));

  program
    .command("sigs")
    .description("show what went into a task's signature (like bitbake-dumpsig)")
    .argument("<target>", "a recipe or provided name")
    .option("-c, --cmd <task>", "the task (default: build)")
    .option("--json", "every task's base hash and every variable's dependencies and hashed value")
    .action((target: string, opts: { cmd?: string; json?: boolean }) => sigs(target, opts));

  program
    .command("diffsigs")
    .description("explain why a task's signature changed (as bitbake-diffsigs does)")
    .argument("<args...>", "two signature data files (sigdata/siginfo), or TARGET: its last two of -c TASK")
    .option("-c, --cmd <task>", "the task (default: build)")
    .action((args: string[], opts: { cmd?: string }) => diffsigs(args, opts));

  program
    .command("dumpsig")
    .description("print a signature data file (as bitbake-dumpsig does)")
    .argument("<file>", "a sigdata/siginfo file, or TARGET: its last signature of -c TASK")
    .option("-c, --cmd <task>", "the task (default: build)")
    .action((file: string, opts: { cmd?: string }) => dumpsig(file, opts));

  program
    .command("server")
    .description("a resident server for this build directory that answers later commands quickly")
    .argument("<action>", "start (in the background), run (in the foreground), stop, or status")
    .option("--timeout <seconds>", "exit after this many idle seconds (0: never)", "600")
    .action((action: string, opts: { timeout: string }) => server(action, Number(opts.timeout)));

  registerLayers(program);

  return program;
}
