// Helpers for the values a datastore holds: mostly strings, sometimes lists, sets or numbers,
// and opaque objects that metadata Python stored (kept as they are).

/** Python's None. JavaScript `undefined` crosses into Python as None; `null` would not. */
export type PyNone = undefined;

/** Reading a value hands out a shallow copy of containers, as BitBake's copy.copy() does. */
export function shallowCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.slice() as T;
  if (v instanceof Set) return new Set(v) as T;
  if (v instanceof Map) return new Map(v) as T;
  return v;
}

/** Python truthiness for the value kinds the datastore stores. */
export function pyTruthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Set || v instanceof Map) return v.size > 0;
  return true;
}

/** bb.utils.to_boolean's true words: "1", "yes", "y", "true", "t", "on" (any case; also true, 1). */
export function isTrueWord(v: unknown): boolean {
  return ["1", "yes", "y", "true", "t", "on"].includes(String(v ?? "").toLowerCase());
}

/** Python's str() for the plain value kinds (used where BitBake formats values). */
export function pyStr(v: unknown): string {
  if (v === undefined || v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : pyFloat(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (v instanceof Set) return v.size === 0 ? "set()" : `{${[...v].map(pyRepr).join(", ")}}`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(", ")}}`;
  if (typeof v === "bigint") return v.toString();
  if (isPlainObject(v)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(", ")}}`;
  }
  return String(v);
}

/** A JavaScript object literal (what kiln stores where Python would have a dict). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function pyFloat(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const s = String(v);
  return s.includes(".") || s.includes("e") ? s : `${s}.0`;
}

/** Python's repr() for strings and the plain kinds. */
export function pyRepr(v: unknown): string {
  if (typeof v === "string") {
    const quote = v.includes("'") && !v.includes('"') ? '"' : "'";
    let out = "";
    for (const ch of v) {
      if (ch === "\\") out += "\\\\";
      else if (ch === quote) out += `\\${quote}`;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (ch < " " || ch === "\x7f") out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`;
      else out += ch;
    }
    return quote + out + quote;
  }
  return pyStr(v);
}

/** A value as text for output: lists joined by spaces, None as null, Python objects as str(). */
export function renderValue(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map((x) => renderValue(x) ?? "None").join(" ");
  if (typeof v === "object" && typeof (v as { toString?: unknown }).toString === "function") {
    if (v instanceof Set || v instanceof Map || isPlainObject(v)) return pyStr(v);
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
