// The record of BitBake's own tests against kiln, and a run's comparison with it. Every test
// of the modules run is accounted for: passing.txt lists those that pass; failing.txt lists
// those that do not, each with the reason (id lines, then their reason indented below them).
// A run agrees with the record when exactly the listed tests pass.

export type Outcome = "pass" | "fail" | "error" | "skip";

export interface TestResult {
  outcome: Outcome;
  detail: string;
}

export interface Record {
  passing: string[];
  /** Test id → why it fails against kiln. */
  failing: Map<string, string>;
}

const ID = /^bb\.tests\.[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$/;

/** passing.txt: one test id a line; blank lines and "#" comments ignored. */
export function readPassing(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

/** failing.txt: test ids at the start of lines, then their (shared) reason on the indented
 * lines below them. */
export function readFailing(text: string): Map<string, string> {
  const failing = new Map<string, string>();
  let group: string[] = [];
  let reasoned = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.trim()) continue;
    if (/^\s/.test(line)) {
      for (const id of group)
        failing.set(id, `${failing.get(id)}${failing.get(id) ? " " : ""}${line.trim()}`);
      reasoned = group.length > 0;
    } else {
      if (reasoned) group = [];
      reasoned = false;
      group.push(line.trim());
      failing.set(line.trim(), "");
    }
  }
  return failing;
}

/** What is wrong with the record itself (needs no BitBake checkout). */
export function checkRecord(record: Record, passingText: string, failingText: string): string[] {
  const problems: string[] = [];
  const ids = [...record.passing, ...record.failing.keys()];
  for (const id of ids) if (!ID.test(id)) problems.push(`not a test id: ${id}`);
  const sorted = [...record.passing].sort();
  if (record.passing.some((id, i) => id !== sorted[i])) problems.push("passing.txt is not sorted");
  if (new Set(record.passing).size !== record.passing.length) problems.push("passing.txt lists a test twice");
  const failingIds = failingText.split("\n").filter((l) => l.trim() && !/^[\s#]/.test(l));
  if (new Set(failingIds).size !== failingIds.length) problems.push("failing.txt lists a test twice");
  for (const [id, reason] of record.failing) {
    if (!reason) problems.push(`failing.txt gives no reason for ${id}`);
    if (record.passing.includes(id)) problems.push(`${id} is both passing and failing`);
  }
  if (!passingText.endsWith("\n") || !failingText.endsWith("\n"))
    problems.push("a record file lacks its last newline");
  return problems;
}

export interface Comparison {
  /** Listed as passing, but did not pass (or did not run). */
  regressions: Array<{ id: string; outcome: Outcome | "missing" }>;
  /** Passed, but not listed as passing (update the record with --record). */
  unrecorded: string[];
  /** Did not pass, and failing.txt does not say why. */
  unexplained: Array<{ id: string; outcome: Outcome }>;
  /** Explained as failing, but passed. */
  stale: string[];
}

/** The run's results against the record, for the test modules the run covered. */
export function compare(results: Map<string, TestResult>, record: Record, modules: string[]): Comparison {
  const covered = (id: string) =>
    modules.some((m) => id.startsWith(`bb.tests.${m}.`) || id === `bb.tests.${m}`);
  const passing = new Set(record.passing.filter(covered));
  const c: Comparison = { regressions: [], unrecorded: [], unexplained: [], stale: [] };
  for (const id of [...passing].sort()) {
    const r = results.get(id);
    if (r?.outcome !== "pass") c.regressions.push({ id, outcome: r?.outcome ?? "missing" });
  }
  for (const [id, r] of [...results].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (r.outcome === "pass") {
      if (record.failing.has(id)) c.stale.push(id);
      else if (!passing.has(id)) c.unrecorded.push(id);
    } else if (!record.failing.has(id) && !passing.has(id)) {
      c.unexplained.push({ id, outcome: r.outcome });
    }
  }
  return c;
}

export function agrees(c: Comparison): boolean {
  return !c.regressions.length && !c.unrecorded.length && !c.unexplained.length && !c.stale.length;
}

/** passing.txt's text for a run: its header comment kept, then the passing ids, sorted. */
export function renderPassing(header: string, results: Map<string, TestResult>): string {
  const ids = [...results].filter(([, r]) => r.outcome === "pass").map(([id]) => id);
  return `${header}${ids.sort().join("\n")}\n`;
}

/** The leading "#" comment lines of a record file. */
export function headerOf(text: string): string {
  const lines = text.split("\n");
  const end = lines.findIndex((l) => !l.startsWith("#"));
  return lines
    .slice(0, end < 0 ? lines.length : end)
    .map((l) => `${l}\n`)
    .join("");
}
