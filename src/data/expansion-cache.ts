// The expanded values of one datastore, kept until a variable they read changes.
//
// BitBake empties a datastore's expansion cache on every change, and finalisation (anonymous
// functions, event handlers) changes the store between nearly every pair of reads. Here every
// computation of a value records the variables it reads (the datastore reports each read, from
// ${...}, overrides, :append/:remove and inline Python alike), and a change drops only the values
// that read the changed variable, directly or through other cached values. What cannot be
// tracked by name falls back to BitBake's rule: a value that read the list of keys or another
// datastore, or whose computation changed the store, is dropped on the next change of any kind.
// Where BitBake empties the cache because the active overrides changed, only the values whose
// computation consulted the active overrides are dropped (with the values computed from them).
//
// Variable filters (BitBake 2.16's setVarFilter) are the one place where BitBake's own cache shows
// through: setting a filter does not empty it, so a value read since the last change keeps its
// old, unfiltered form until the next change, while anything older is computed afresh.
// filterChanged() reproduces that, using the epoch (count of changes) at which each kept value
// was last read.

/** A computation in progress and the variable names it read (null: something untracked). */
interface ReadFrame {
  owner: ExpansionCache<unknown>;
  /** Names read, repeats included (cheaper to note than to test; registering drops them). */
  deps: string[] | null;
  /** Whether it consulted the active overrides. */
  overrides: boolean;
}

/** The computations in progress on this thread, innermost last. */
const frames: ReadFrame[] = [];

export class ExpansionCache<V> {
  /** Values by cache name: "VAR", or "VAR[flag]" for a flag. */
  private readonly values = new Map<string, V>();
  /** For each variable name, the cache names whose computation read it. */
  private readonly dependents = new Map<string, Set<string>>();
  /** Cache names dropped on any change. */
  private readonly volatile = new Set<string>();
  /** Cache names whose computation consulted the active overrides. */
  private readonly overrideReaders = new Set<string>();
  /** Counts changes, to notice a computation that changed the store while it ran. */
  private changes = 0;

  get(cachename: string): V | undefined {
    return this.values.get(cachename);
  }

  /** The number of changes so far: values read at the current epoch are in BitBake's cache. */
  get epoch(): number {
    return this.changes;
  }

  /**
   * Run `compute` for cache name `cachename` of variable `name`, recording what it reads, and
   * keep the value `keep` picks from its result (nothing is kept for null).
   */
  compute<T>(cachename: string, name: string, compute: () => T, keep: (result: T) => V | null): T {
    const frame: ReadFrame = { owner: this, deps: [name], overrides: false };
    const changesBefore = this.changes;
    frames.push(frame);
    let result: T;
    try {
      result = compute();
    } catch (e) {
      // Whoever catches this failure depends on everything that led to it.
      frames.pop();
      this.readUntracked();
      throw e;
    }
    frames.pop();
    const value = keep(result);
    if (value === null) return result;
    this.values.set(cachename, value);
    if (frame.overrides) this.overrideReaders.add(cachename);
    if (frame.deps && this.changes === changesBefore) {
      for (const dep of frame.deps) {
        const readers = this.dependents.get(dep);
        if (readers) readers.add(cachename);
        else this.dependents.set(dep, new Set([cachename]));
      }
    } else {
      this.volatile.add(cachename);
    }
    return result;
  }

  /** The computation in progress (if any) read variable `name` of this cache's datastore. */
  read(name: string): void {
    const top = frames[frames.length - 1];
    if (top?.deps) {
      if (top.owner === this) top.deps.push(name);
      else top.deps = null;
    }
  }

  /** The computation in progress consulted the active overrides. */
  readOverrides(): void {
    const top = frames[frames.length - 1];
    if (top?.owner === this) top.overrides = true;
    else if (top) top.deps = null;
  }

  /** The computation in progress read something that is not a variable by name. */
  readUntracked(): void {
    const top = frames[frames.length - 1];
    if (top) top.deps = null;
  }

  /** These variables (or flags of them) changed: drop the values that read them. */
  changed(names: Iterable<string>): void {
    this.changes++;
    for (const name of names) this.invalidate(name);
    this.dropAll(this.volatile);
  }

  /** The active overrides changed: drop the values that consulted them, or may have. */
  overridesChanged(): void {
    this.changes++;
    this.dropAll(this.overrideReaders);
    this.dropAll(this.volatile);
  }

  /**
   * The filter of the variables `names` (each a variable and its override-suffixed names) was
   * set or removed. What was read at the current epoch (`readNow`) is what BitBake's cache
   * holds: it stays, unfiltered, until the next change; everything else computed from these
   * variables is dropped now.
   */
  filterChanged(names: Iterable<string>, readNow: (value: V) => boolean): void {
    const seen = new Set<string>();
    const todo = [...names];
    for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
      if (seen.has(name)) continue;
      seen.add(name);
      const value = this.values.get(name);
      if (value !== undefined) {
        if (readNow(value)) this.volatile.add(name);
        else this.values.delete(name);
      }
      for (const reader of this.dependents.get(name) ?? []) todo.push(reader);
    }
  }

  /** Empty a set of cache names, dropping each value named (and what was built from it). */
  private dropAll(set: Set<string>): void {
    if (set.size === 0) return;
    const names = [...set];
    set.clear();
    for (const c of names) this.drop(c);
  }

  private invalidate(name: string): void {
    const readers = this.dependents.get(name);
    if (!readers) return;
    this.dependents.delete(name);
    for (const c of readers) this.drop(c);
  }

  /** Drop one value and, transitively, the values computed from it. */
  private drop(cachename: string): void {
    if (!this.values.delete(cachename)) return;
    this.invalidate(cachename);
    // "VAR[flag]": readers of VAR may have read the flag.
    const bracket = cachename.indexOf("[");
    if (bracket !== -1) this.invalidate(cachename.slice(0, bracket));
  }
}
