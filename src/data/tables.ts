// The tables behind a datastore: the copy-on-write chain of variables (each level holds what one
// copy changed) and, per variable, the override-suffixed names that may replace its value (with
// the (base name, override) pairs an override-style name is indexed under).

/** A variable: its flags by name ("_content" is the value; see store.ts). */
export type Entry = Map<string, unknown>;

/** One level of the copy-on-write chain of variable tables. */
export class VarTable {
  readonly own = new Map<string, Entry>();
  /** The names in `own` that hold "${" (what expandKeys renames), in the same order. */
  readonly namesWithReferences = new Set<string>();
  constructor(readonly parent: VarTable | null) {}

  set(name: string, entry: Entry): void {
    if (!this.own.has(name) && name.includes("${")) this.namesWithReferences.add(name);
    this.own.set(name, entry);
  }

  delete(name: string): void {
    this.own.delete(name);
    this.namesWithReferences.delete(name);
  }

  find(name: string): Entry | undefined {
    for (let t: VarTable | null = this; t; t = t.parent) {
      const e = t.own.get(name);
      if (e !== undefined) return e;
    }
    return undefined;
  }

  /** One level holding what this chain shows (deleted names left out), in the order a walk from
   * this level down first meets each name. The entries are shared, not copied. */
  flattened(): VarTable {
    const flat = new VarTable(null);
    const seen = new Set<string>();
    for (let t: VarTable | null = this; t; t = t.parent) {
      for (const [name, entry] of t.own) {
        if (seen.has(name)) continue;
        seen.add(name);
        if (entry.size > 0) flat.set(name, entry);
      }
    }
    return flat;
  }
}

/** Override data: for each variable, the override-suffixed names that may replace it. */
export class OverrideTable {
  private readonly own = new Map<string, Array<[string, string]> | null>();
  /** The names in `own` that hold "${" (see VarTable.namesWithReferences). */
  private readonly namesWithReferences = new Set<string>();
  /**
   * Lists of `own` that only this table can see, so add() and remove() change them in place.
   * Any other list may be seen through a copy (or a flattened table) and is replaced instead,
   * as BitBake replaces each list it changes.
   */
  private readonly owned = new Set<Array<[string, string]>>();
  constructor(private readonly parent: OverrideTable | null) {
    // The parent's lists are now visible to this table too.
    parent?.owned.clear();
  }

  get(name: string): Array<[string, string]> | undefined {
    for (let t: OverrideTable | null = this; t; t = t.parent) {
      const v = t.own.get(name);
      if (v !== undefined) return v ?? undefined;
    }
    return undefined;
  }
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
  set(name: string, list: Array<[string, string]>): void {
    this.put(name, list);
  }
  delete(name: string): void {
    this.put(name, null);
  }
  private put(name: string, list: Array<[string, string]> | null): void {
    const before = this.own.get(name);
    if (before) this.owned.delete(before);
    this.own.set(name, list);
    if (name.includes("${")) this.namesWithReferences.add(name);
  }
  /** Add [name, override] to the list of `shortvar`, unless there already. */
  add(shortvar: string, name: string, override: string): void {
    const list = this.get(shortvar);
    if (list?.some(([v, o]) => v === name && o === override)) return;
    if (list && this.owned.has(list)) {
      list.push([name, override]);
      return;
    }
    const fresh: Array<[string, string]> = list ? [...list, [name, override]] : [[name, override]];
    this.put(shortvar, fresh);
    this.owned.add(fresh);
  }

  /** Take [name, override] out of the list of `shortvar`, if there. */
  remove(shortvar: string, name: string, override: string): void {
    const list = this.get(shortvar);
    const i = list ? list.findIndex(([v, o]) => v === name && o === override) : -1;
    if (!list || i < 0) return;
    if (this.owned.has(list)) {
      list.splice(i, 1);
      return;
    }
    const fresh = [...list.slice(0, i), ...list.slice(i + 1)];
    this.put(shortvar, fresh);
    this.owned.add(fresh);
  }

  /** One level holding what this chain shows, in names() order (the lists are shared). */
  flattened(): OverrideTable {
    this.owned.clear();
    const flat = new OverrideTable(null);
    for (const name of this.names()) flat.set(name, this.get(name)!);
    return flat;
  }

  /** The variables that have overrides (only those whose names hold "${", if asked). */
  *names(onlyWithReferences = false): Generator<string> {
    const seen = new Set<string>();
    for (let t: OverrideTable | null = this; t; t = t.parent) {
      for (const k of onlyWithReferences ? t.namesWithReferences : t.own.keys()) {
        if (seen.has(k)) continue;
        seen.add(k);
        if (t.own.get(k)) yield k;
      }
    }
  }
}

/** Where an override-suffixed name may start its override. */
const OVERRIDE_START = /^[a-z0-9]/;

/**
 * The (base name, override) pairs under which an override-style name is indexed: "A:x:y" gives
 * ("A:x", "y") then ("A", "x:y"). Like BitBake, the walk starts from the last colon even when
 * there is none ("do_foo" gives ("do_fo", "do_foo"), a harmless quirk kept for exactness) and
 * stops at a suffix that does not start with a lower-case letter or digit.
 */
export function overrideSuffixes(name: string): ReadonlyArray<readonly [string, string]> {
  let pairs = suffixesByName.get(name);
  if (pairs === undefined) {
    pairs = findOverrideSuffixes(name);
    // Bounded; forgetting only costs finding them again.
    if (suffixesByName.size >= 100_000) suffixesByName.clear();
    suffixesByName.set(name, pairs);
  }
  return pairs;
}

/** overrideSuffixes() of names met before: a name is indexed, changed and deleted in turn, and
 * every recipe renames the configuration's FILES:${PN}-dev, RDEPENDS:${PN}... again. */
const suffixesByName = new Map<string, ReadonlyArray<readonly [string, string]>>();

function findOverrideSuffixes(name: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let cut = name.lastIndexOf(":");
  let override: string | null = name.slice(cut + 1);
  let shortvar = name.slice(0, cut === -1 ? -1 : cut);
  while (override && OVERRIDE_START.test(override)) {
    pairs.push([shortvar, override]);
    override = null;
    if (shortvar.includes(":")) {
      cut = shortvar.lastIndexOf(":");
      override = name.slice(cut + 1);
      shortvar = name.slice(0, cut);
      if (shortvar.length === 0) override = null;
    }
  }
  return pairs;
}
