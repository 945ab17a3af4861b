// Relation fields (Depends, Recommends, Provides...): comma-separated clauses, each a list of
// alternatives "a | b", each "name[:arch] [(op version)] [arch restrictions] [<profiles>]".
// Architecture qualifiers, restrictions and build profiles are accepted and ignored.

import { foldValue } from "./control.js";
import { ImageError } from "./errors.js";

export interface Relation {
  name: string;
  /** "<<", "<=", "=", ">=", ">>" (or the old "<", ">"), with version. */
  op?: string;
  version?: string;
}

const RELATION =
  /^([^\s(:[<|,]+)(?::[^\s(]+)?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([^\s)]+)\s*\))?\s*(?:\[[^\]]*\]\s*)?(?:<[^>]*>\s*)*$/;

/** The clauses of a relation field, as written (folded onto one line); empty ones dropped. */
export function splitClauses(value: string | undefined): string[] {
  return foldValue(value)
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "");
}

/** The alternatives of one clause. */
export function parseClause(clause: string, where: string): Relation[] {
  return clause.split("|").map((alt) => {
    const m = RELATION.exec(alt.trim());
    if (!m) throw new ImageError(`${where}: cannot parse relation ${JSON.stringify(clause)}`);
    return m[2] ? { name: m[1], op: m[2], version: m[3] } : { name: m[1] };
  });
}
