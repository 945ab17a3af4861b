// Rendering datastore values for output: strings as they are, lists joined by spaces, None as
// null, other Python values as Python's str() would print them.

import { pyStr } from "../data/index.js";

export function renderValue(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map((x) => renderValue(x) ?? "None").join(" ");
  if (typeof v === "object" && typeof (v as { toString?: unknown }).toString === "function") {
    if (v instanceof Set || v instanceof Map) return pyStr(v);
    return String(v);
  }
  return pyStr(v);
}

/** "VAR[flag]" → ["VAR", "flag"]; "VAR" → ["VAR", undefined]. */
export function splitFlag(name: string): [string, string | undefined] {
  if (name.endsWith("]") && name.includes("[")) {
    const i = name.indexOf("[");
    return [name.slice(0, i), name.slice(i + 1, -1)];
  }
  return [name, undefined];
}
