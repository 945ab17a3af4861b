// Adding layers to and removing layers from BBLAYERS in conf/bblayers.conf, the way
// `bitbake-layers add-layer` / `remove-layer` edit the file: each BBLAYERS assignment is rewritten
// in place (one layer per line), everything else in the file is kept as it was.

import { fnmatchRegExp } from "../util/glob.js";

export interface BblayersEdit {
  /** The new text of the file (the same text when nothing changed). */
  text: string;
  updated: boolean;
  /** Layers asked to be added that were there already. */
  notAdded: string[];
  /** Layers (or patterns) asked to be removed that matched nothing. */
  notRemoved: string[];
}

interface Assignment {
  /** Index of the first and one past the last line of the statement. */
  start: number;
  end: number;
  /** The text before the opening quote, e.g. `BBLAYERS ?=`. */
  head: string;
  op: string;
  value: string;
}

const ASSIGNMENT = /^BBLAYERS[ \t]*[?+:.]*=[+.]*[ \t]*(["'])/;

/** Split into lines that keep their newline. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Every BBLAYERS assignment, with its value joined across continuation lines. */
function findAssignments(lines: string[]): Assignment[] {
  const found: Assignment[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ASSIGNMENT.exec(lines[i]);
    if (!m) continue;
    const quote = m[1];
    const cut = lines[i].indexOf(quote);
    const head = lines[i].slice(0, cut).trimEnd();
    let rest = lines[i].slice(cut + 1).trimEnd();
    if (rest.endsWith("\\")) rest = rest.slice(0, -1);
    let value = rest;
    let end = i + 1;
    if (rest.endsWith(quote)) {
      value = rest.slice(0, -1);
    } else {
      // Continuation lines: each loses its last character (the backslash, or the closing quote).
      for (; end < lines.length; end++) {
        const line = lines[end].trimEnd();
        value += line.slice(0, -1);
        if (line.endsWith(quote)) {
          end++;
          break;
        }
      }
    }
    found.push({ start: i, end, head, op: head.slice("BBLAYERS".length).trim(), value });
    i = end - 1;
  }
  return found;
}

function withoutTrailingSlash(p: string): string {
  return p.endsWith("/") ? p.slice(0, -1) : p;
}

/** The statement rewritten with one layer per line. */
function render(head: string, layers: string[]): string[] {
  if (layers.length === 0) return [`${head} ""\n`];
  return [`${head} " \\\n`, ...layers.map((l) => `  ${l} \\\n`), '  "\n'];
}

/**
 * Add `add` to and remove `remove` (fnmatch patterns) from BBLAYERS. Additions go into the first
 * assignment, unless the file builds BBLAYERS with several `+=`, then a new `+=` line is added.
 */
export function editBblayers(text: string, add: string[], remove: string[], home?: string): BblayersEdit {
  const canonical = (p: string) => {
    const q = withoutTrailingSlash(p);
    return home && q.includes("~") ? q.replace(/^~(?=\/|$)/, home) : q;
  };
  const lines = splitLines(text);
  const assignments = findAssignments(lines);
  if (assignments.length === 0) throw new Error("Unable to find BBLAYERS in bblayers.conf");

  let original: string[] = [];
  for (const a of assignments) {
    if (a.op === "=") original = [];
    original.push(...a.value.split(/\s+/).filter(Boolean).map(canonical));
  }
  const plusEquals = assignments.filter((a) => a.op === "+=").length > 1;
  const removeCanon = remove.map((r) => canonical(withoutTrailingSlash(r)));
  const notAdded = add.filter((l) => original.includes(canonical(l)) && !removeCanon.includes(canonical(l)));
  let pending = add.map(withoutTrailingSlash).filter((l) => !notAdded.includes(l));

  const removed: string[] = [];
  const out: string[] = [];
  let updatedAny = false;
  let next = 0;
  let squashBlank = false;
  // Lines between statements are kept, except that a rewritten statement followed by a blank
  // line that would make two in a row loses that blank line.
  const keep = (between: string[]) => {
    for (const line of between) {
      const squash = squashBlank && line === "\n" && out[out.length - 1] === "\n";
      squashBlank = false;
      if (!squash) out.push(line);
    }
  };
  for (const a of assignments) {
    keep(lines.slice(next, a.start));
    next = a.end;
    const layers = a.value.split(/\s+/).filter(Boolean).map(withoutTrailingSlash);
    let updated = false;
    for (const r of remove) {
      const pattern = fnmatchRegExp(canonical(withoutTrailingSlash(r)));
      const hit = layers.findIndex((l) => pattern.test(canonical(l)));
      if (hit >= 0) {
        layers.splice(hit, 1);
        removed.push(r);
        updated = true;
      }
    }
    if (pending.length && !plusEquals) {
      for (const l of pending) {
        if (!layers.includes(l)) {
          layers.push(l);
          updated = true;
        }
      }
      pending = [];
    }
    if (!updated) {
      out.push(...lines.slice(a.start, a.end));
      continue;
    }
    updatedAny = true;
    squashBlank = true;
    if (a.op === "+=" && layers.length === 0) continue;
    out.push(...render(a.head, layers));
  }
  keep(lines.slice(next));
  for (const l of pending) {
    out.push(`BBLAYERS += "${l}"\n`);
    updatedAny = true;
  }
  return {
    text: updatedAny ? out.join("") : text,
    updated: updatedAny,
    notAdded,
    notRemoved: [...new Set(remove)].filter((r) => !removed.includes(r)),
  };
}
