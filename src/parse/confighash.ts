// A hash of a configuration datastore's content: every variable's raw value and flags. Recipes
// parsed under one configuration hash can be reused only under the same hash.

import { createHash } from "node:crypto";
import { type DataStore, pyCompare } from "../data/index.js";
import { pySplit } from "../syntax/index.js";
import { PARSER_VERSION } from "./cache.js";

/** A stable text for a stored value (sets sorted; opaque objects by their kind only). */
function stable(v: unknown): string {
  if (v === undefined || v === null) return "None";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (v instanceof Set) return `{${[...v].map(stable).sort().join(",")}}`;
  if (v instanceof Map)
    return `{${[...v]
      .map(([k, x]) => `${stable(k)}:${stable(x)}`)
      .sort()
      .join(",")}}`;
  if (typeof v === "object") {
    const type = (v as { type?: unknown }).type;
    return typeof type === "string"
      ? `<${type}>`
      : `<${Object.keys(v as object)
          .sort()
          .join(",")}>`;
  }
  return typeof v;
}

export function configurationHash(d: DataStore): string {
  const h = createHash("sha256");
  h.update(`${PARSER_VERSION}\n`);
  // Variables the metadata declares irrelevant to the configuration's identity (DATE, TIME, ...).
  const ignored = new Set(pySplit(String(d.getVar("BB_HASHCONFIG_IGNORE_VARS") ?? "")));
  const keys = [...new Set(d.keys())].filter((k) => !k.startsWith("__") && !ignored.has(k)).sort(pyCompare);
  for (const key of keys) {
    h.update(`${key}=${stable(d.getVar(key, false))}\n`);
    const flags = d.getVarFlags(key, false, true) ?? {};
    for (const flag of Object.keys(flags).sort(pyCompare)) {
      if (flag === "_content") continue;
      h.update(`${key}[${flag}]=${stable(flags[flag])}\n`);
    }
  }
  for (const key of ["__BBTASKS", "__BBANONFUNCS", "__BBHANDLERS", "__inherit_cache"]) {
    h.update(`${key}=${stable(d.getVar(key, false))}\n`);
  }
  // Anonymous functions are stored under "__anon_..." names; their bodies matter too.
  for (const name of (d.getVar("__BBANONFUNCS", false) as string[] | undefined) ?? []) {
    h.update(`${name}=${stable(d.getVar(name, false))}\n`);
  }
  return h.digest("hex");
}
