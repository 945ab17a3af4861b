// `kiln getvar VARIABLE [-r RECIPE] [--value [-u] [-f FLAG]] [--ignore-undefined] [-q]`, as
// bitbake-getvar: without --value, the variable's entry of `bitbake -e` (its history, then its
// value as a shell would set it); with --value, only the value (or a flag's), expanded unless -u.
// Same messages and exit status (1) for an undefined variable or flag and for misused options.

import { type DataStore, pyStr } from "../data/index.js";
import { finalizeConfiguration } from "../parse/index.js";
import { NoProvider, parseTree, targetData } from "../resolve/index.js";
import { renderVariable } from "./env.js";
import { fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";

export interface GetvarOptions {
  recipe?: string;
  unexpand?: boolean;
  flag?: string;
  value?: boolean;
  /** Accepted for bitbake-getvar's sake: kiln has no server log to silence. */
  quiet?: boolean;
  ignoreUndefined?: boolean;
}

/** Like Python's sys.exit("message"): the message alone on stderr, status 1. */
function exitWith(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

export async function getvar(variable: string, opts: GetvarOptions): Promise<void> {
  if (!opts.value) {
    if (opts.unexpand) exitWith("--unexpand only makes sense with --value");
    if (opts.flag !== undefined) exitWith("--flag only makes sense with --value");
  }
  let d: DataStore;
  let value: unknown;
  try {
    const { ev, config, configs, reporter } = await openSession({ tracking: true });
    if (opts.recipe) {
      const tree = await parseTree(ev, configs, reporter, treeOptions());
      try {
        d = targetData(ev, configs, tree, opts.recipe, reporter).data;
      } catch (e) {
        if (e instanceof NoProvider) exitWith(e.message);
        throw e;
      }
    } else {
      d = finalizeConfiguration(ev, config);
    }
    const expand = !opts.unexpand;
    value = opts.flag !== undefined ? d.getVarFlag(variable, opts.flag, expand) : d.getVar(variable, expand);
  } catch (e) {
    fail(e);
  }
  if ((value === undefined || value === null) && !opts.ignoreUndefined) {
    exitWith(
      opts.flag !== undefined
        ? `The flag '${opts.flag}' is not defined for variable '${variable}'`
        : `The variable '${variable}' is not defined`,
    );
  }
  if (opts.value) process.stdout.write(`${value === undefined || value === null ? "" : pyStr(value)}\n`);
  else process.stdout.write(renderVariable(d, variable));
}
