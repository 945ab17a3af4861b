// Checking a kernel configuration against configuration fragments: for every option a fragment
// names, does the configuration give it what the fragment asks?
//
// What a fragment line asks for:
//   CONFIG_FOO=y              built in: boot-critical (the kernel needs it before it can load a
//                             module, e.g. the root disk's driver when there is no initramfs).
//                             A module does not do; it is reported as "module".
//   CONFIG_FOO=m              enabled, as a module or built in (what docker's check-config calls
//                             "enabled" or "enabled (as module)"). Built in is ok, with a note.
//   # CONFIG_FOO is not set   (or =n) disabled: absent or not set is ok; enabled is "enabled".
//   CONFIG_FOO="s", =12, =0x1f   exactly this value (numbers compared by value).
// With `builtin` every tristate requirement must be built in, =m ones too (for a kernel that
// boots without modules: no initramfs, or CONFIG_MODULES off).

import { type ConfigEntry, type ConfigValue, formatValue, type KernelConfig } from "./config.js";

export type CheckStatus = "ok" | "missing" | "module" | "wrong" | "enabled";

export const FAILURE_STATUSES: readonly CheckStatus[] = ["missing", "module", "wrong", "enabled"];

export interface OptionResult {
  option: string;
  status: CheckStatus;
  satisfied: boolean;
  wanted: ConfigValue;
  /** What the configuration has; null when it does not mention the option at all. */
  found: ConfigValue | null;
  /** The fragment line asking for it. */
  line: number;
  /** The configuration line setting it, when there is one. */
  foundLine?: number;
  note?: string;
}

export interface FragmentResult {
  fragment: string;
  description: string;
  options: OptionResult[];
  satisfied: boolean;
}

export interface CheckSummary {
  total: number;
  satisfied: number;
  /** How many options have each status. */
  counts: Record<CheckStatus, number>;
  /** Options satisfied by a built-in where a module was asked. */
  builtinForModule: number;
}

export interface CheckReport {
  config: string;
  builtin: boolean;
  fragments: FragmentResult[];
  summary: CheckSummary;
  satisfied: boolean;
}

export interface CheckOptions {
  /** Every tristate requirement must be built in (=m ones too). */
  builtin?: boolean;
}

function numeric(v: ConfigValue): bigint | undefined {
  if (v.kind !== "int" && v.kind !== "hex") return undefined;
  try {
    return BigInt(v.value);
  } catch {
    return undefined;
  }
}

function sameValue(a: ConfigValue, b: ConfigValue): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  if (a.kind !== b.kind) return false;
  if (a.kind === "unset" || b.kind === "unset") return true;
  return a.value === (b as typeof a).value;
}

/** Compare one fragment option with what the configuration has. */
export function checkOption(
  want: ConfigEntry,
  have: ConfigEntry | undefined,
  opts: CheckOptions = {},
): OptionResult {
  const found = have?.value ?? null;
  const base = { option: want.name, wanted: want.value, found, line: want.line, foundLine: have?.line };
  const result = (status: CheckStatus, note?: string): OptionResult => ({
    ...base,
    status,
    satisfied: status === "ok",
    ...(note === undefined ? {} : { note }),
  });
  const w = want.value;
  if (w.kind === "unset") {
    return found === null || found.kind === "unset" ? result("ok") : result("enabled", "should be disabled");
  }
  if (found === null || found.kind === "unset") return result("missing");
  if (w.kind === "tristate" && found.kind === "tristate") {
    if (found.value === "m") {
      if (w.value === "y") return result("module", "built in required");
      if (opts.builtin) return result("module", "built in required by --builtin");
      return result("ok");
    }
    return w.value === "m" ? result("ok", "built in; a module was asked") : result("ok");
  }
  return sameValue(w, found) ? result("ok") : result("wrong");
}

/** Check one fragment against a configuration. */
export function checkFragment(
  config: KernelConfig,
  fragment: KernelConfig,
  opts: CheckOptions = {},
): FragmentResult {
  const options = [...fragment.options.values()].map((want) =>
    checkOption(want, config.options.get(want.name), opts),
  );
  return {
    fragment: fragment.file,
    description: fragment.description,
    options,
    satisfied: options.every((o) => o.satisfied),
  };
}

/** Check every fragment against a configuration and count the outcomes. */
export function checkConfig(
  config: KernelConfig,
  fragments: KernelConfig[],
  opts: CheckOptions = {},
): CheckReport {
  const results = fragments.map((f) => checkFragment(config, f, opts));
  const counts: Record<CheckStatus, number> = { ok: 0, missing: 0, module: 0, wrong: 0, enabled: 0 };
  let builtinForModule = 0;
  let total = 0;
  for (const f of results) {
    for (const o of f.options) {
      total++;
      counts[o.status]++;
      if (o.status === "ok" && o.wanted.kind === "tristate" && o.wanted.value === "m") {
        if (o.found?.kind === "tristate" && o.found.value === "y") builtinForModule++;
      }
    }
  }
  const report: CheckReport = {
    config: config.file,
    builtin: opts.builtin ?? false,
    fragments: results,
    summary: { total, satisfied: counts.ok, counts, builtinForModule },
    satisfied: counts.ok === total,
  };
  return report;
}

/** How the summary names each kind of failure: [one, several]. */
const FAILURE_WORDS: Record<Exclude<CheckStatus, "ok">, [string, string]> = {
  missing: ["missing", "missing"],
  module: ["built as a module where built in is required", "built as modules where built in is required"],
  wrong: ["wrong value", "wrong values"],
  enabled: ["enabled where disabled is required", "enabled where disabled is required"],
};

/** "N of M options satisfied; K missing, ..." */
export function summaryLine(summary: CheckSummary): string {
  const failures = FAILURE_STATUSES.filter((s) => summary.counts[s] > 0).map((s) => {
    const n = summary.counts[s];
    return `${n} ${FAILURE_WORDS[s as Exclude<CheckStatus, "ok">][n === 1 ? 0 : 1]}`;
  });
  let line = `${summary.satisfied} of ${summary.total} options satisfied`;
  if (failures.length > 0) line += `; ${failures.join(", ")}`;
  if (summary.builtinForModule > 0) {
    line += ` (${summary.builtinForModule} built in where a module was asked)`;
  }
  return line;
}

/** What a result shows in its "wanted" and "found" columns. */
export function describeResult(o: OptionResult): { wanted: string; found: string } {
  return { wanted: formatValue(o.wanted), found: formatValue(o.found ?? undefined) };
}
