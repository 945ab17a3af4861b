import assert from "node:assert/strict";
import { test } from "node:test";
import { ExpansionError, expandKeys, type InlinePython } from "../../src/data/index.js";
import { store } from "../helpers/datastore.js";

test("lazy expansion leaves unknown references literal and sees later values", () => {
  const d = store();
  d.setVar("A", "${B}-${C}");
  d.setVar("B", "b1");
  d.setVar("B", "b2");
  assert.equal(d.getVar("A"), "b2-${C}");
  assert.equal(d.getVar("A", false), "${B}-${C}");
});

test("nested references ${${X}}", () => {
  const d = store();
  d.setVar("WHICH", "T");
  d.setVar("T", "found");
  d.setVar("A", "${${WHICH}}");
  d.setVar("B", "${${NOPE}}");
  assert.equal(d.getVar("A"), "found");
  assert.equal(d.getVar("B"), "${${NOPE}}");
});

test("self reference and indirect cycles are expansion errors", () => {
  const d = store();
  d.setVar("A", "${A} more");
  d.setVar("X", "${Y}");
  d.setVar("Y", "${X}");
  assert.throws(() => d.getVar("A"), ExpansionError);
  assert.throws(() => d.getVar("X"), ExpansionError);
});

test(":append/:prepend apply in order at read time; :remove removes words leaving the spacing", () => {
  const d = store();
  d.setVar("A", "mid", { parsing: true });
  d.setVar("A:append", " a1", { parsing: true });
  d.setVar("A:append", " a2", { parsing: true });
  d.setVar("A:prepend", "p1 ", { parsing: true });
  d.setVar("A:prepend", "p2 ", { parsing: true });
  assert.equal(d.getVar("A"), "p2 p1 mid a1 a2");
  d.setVar("B", "x y z x y", { parsing: true });
  d.setVar("B:remove", "x", { parsing: true });
  assert.equal(d.getVar("B"), " y z  y");
});

test("overrides: the last active override in OVERRIDES wins; VAR:a:b needs both", () => {
  const d = store();
  d.setVar("OVERRIDES", "alpha:beta");
  d.setVar("A", "plain", { parsing: true });
  d.setVar("A:alpha", "from-alpha", { parsing: true });
  d.setVar("A:beta", "from-beta", { parsing: true });
  d.setVar("C", "plain", { parsing: true });
  d.setVar("C:alpha:gamma", "never", { parsing: true });
  d.setVar("E", "plain", { parsing: true });
  d.setVar("E:alpha:beta", "both", { parsing: true });
  assert.equal(d.getVar("A"), "from-beta");
  assert.equal(d.getVar("C"), "plain");
  assert.equal(d.getVar("E"), "both");
  d.setVar("OVERRIDES", "alpha");
  assert.equal(d.getVar("A"), "from-alpha", "changing OVERRIDES is seen at once");
});

test("a plain setVar (not parsing) discards appends and active override values", () => {
  const d = store();
  d.setVar("OVERRIDES", "o");
  d.setVar("A", "base", { parsing: true });
  d.setVar("A:append", " x", { parsing: true });
  d.setVar("A:o", "ov", { parsing: true });
  d.setVar("A", "new");
  assert.equal(d.getVar("A"), "new");
  assert.equal(d.getVar("A:o"), undefined);
});

test("weak defaults: ??= is used only when nothing else set the value", () => {
  const d = store();
  d.setVarFlag("A", "_defaultval", "weak");
  assert.equal(d.getVar("A"), "weak");
  assert.equal(d.getVar("A", false, { noweakdefault: true }), undefined);
  d.setVar("A", "strong", { parsing: true });
  assert.equal(d.getVar("A"), "strong");
});

test("copies see the original's values and keep their own changes", () => {
  const d = store();
  d.setVar("A", "1");
  const c = d.createCopy();
  c.setVar("A", "2");
  c.setVar("B", "b");
  assert.equal(d.getVar("A"), "1");
  assert.equal(d.getVar("B"), undefined);
  assert.equal(c.getVar("A"), "2");
  c.delVar("A");
  assert.equal(c.getVar("A"), undefined);
  assert.equal(d.getVar("A"), "1");
});

test("flags: getVarFlags hides internal flags; delVarFlag; appendVarFlag", () => {
  const d = store();
  d.setVar("V", "x");
  d.setVarFlag("V", "one", "1");
  d.setVarFlag("V", "_defaultval_flag_two", "2");
  assert.deepEqual(d.getVarFlags("V"), { one: "1", two: "2" });
  d.appendVarFlag("V", "one", "+");
  assert.equal(d.getVarFlag("V", "one"), "1+");
  d.delVarFlag("V", "one");
  assert.equal(d.getVarFlag("V", "one"), undefined);
});

test("renameVar moves the value, appends and override values", () => {
  const d = store();
  d.setVar("OVERRIDES", "o");
  d.setVar("OLD", "v", { parsing: true });
  d.setVar("OLD:append", " a", { parsing: true });
  d.setVar("OLD:o", "ov", { parsing: true });
  d.renameVar("OLD", "NEW");
  assert.equal(d.getVar("OLD"), undefined);
  assert.equal(d.getVar("NEW"), "ov a");
});

test("expandKeys renames keys holding ${...}", () => {
  const d = store();
  d.setVar("PN", "foo");
  d.setVar("RDEPENDS:${PN}", "bar", { parsing: true });
  d.setVar("SUFFIX", "tail");
  d.setVar("A_${SUFFIX}", "keyed", { parsing: true });
  expandKeys(d);
  assert.equal(d.getVar("RDEPENDS:foo"), "bar");
  assert.equal(d.getVar("A_tail"), "keyed");
  assert.equal(d.getVar("A_${SUFFIX}"), undefined);
});

test("inline python is delegated, and code with unexpanded references is not run", () => {
  const calls: string[] = [];
  const python: InlinePython = {
    evalInline(code) {
      calls.push(code);
      return `<${code}>`;
    },
  };
  const d = store(python);
  d.setVar("X", "x");
  d.setVar("A", "${@f('${X}')}");
  d.setVar("B", "${@g('${MISSING}')}");
  assert.equal(d.getVar("A"), "<f('x')>");
  assert.equal(d.getVar("B"), "${@g('${MISSING}')}");
  assert.deepEqual(calls, ["f('x')"]);
});

test("old-style override syntax is refused", () => {
  const d = store();
  assert.throws(() => d.setVar("A_append", "x"));
});

test("keysWithReferences is keys() narrowed to names holding ${...}, in the same order", () => {
  const d = store();
  d.setVar("OVERRIDES", "on");
  d.setVar("PN", "p");
  d.setVar("RDEPENDS:${PN}", "a");
  d.setVar("PLAIN", "x");
  d.setVar("FILES:${PN}-dev", "b");
  d.setVar("GONE_${PN}", "c");
  d.setVar("X_${PN}:on", "conditional");
  d.setVar("Y_${PN}:off", "inactive");
  const copy = d.createCopy();
  copy.delVar("GONE_${PN}");
  copy.setVar("LATE_${PN}", "d");
  copy.delVarFlags("FILES:${PN}-dev");
  copy.setVar("FILES:${PN}-dev", "again");
  // Override-only names added and removed in the copy.
  copy.setVar("Z_${PN}:on", "z");
  copy.setVar("W_${PN}:on", "w");
  copy.delVar("W_${PN}:on");
  const expected = copy.keys().filter((k, i, all) => k.includes("${") && all.indexOf(k) === i);
  assert.deepEqual(copy.keysWithReferences(), expected);
  assert.ok(
    expected.includes("X_${PN}") &&
      expected.includes("Z_${PN}") &&
      !expected.includes("Y_${PN}") &&
      !expected.includes("GONE_${PN}"),
  );
  expandKeys(copy);
  assert.deepEqual(copy.keysWithReferences(), []);
  assert.equal(copy.getVar("FILES:p-dev"), "again");
});

test("keysWithFlag keeps keys() order and BitBake's truth of the expanded flag", () => {
  const d = store();
  d.setVar("EMPTY", "");
  d.setVarFlag("do_a", "task", "1");
  d.setVarFlag("do_b", "task", "${EMPTY}");
  d.setVarFlag("do_c", "_defaultval_flag_task", "1");
  d.setVar("do_d", "no flag");
  d.setVarFlag("do_e", "task", "${EMPTY}0");
  const copy = d.createCopy();
  copy.setVarFlag("do_f", "task", "1");
  copy.delVar("do_a");
  const expected = copy.keys().filter((k) => ["1", "0"].includes(String(copy.getVarFlag(k, "task"))));
  assert.deepEqual(copy.keysWithFlag("task"), expected);
  assert.deepEqual([...copy.keysWithFlag("task")].sort(), ["do_c", "do_e", "do_f"]);
});

test("changes to override names stay in the store that makes them", () => {
  const d = store();
  d.setVar("OVERRIDES", "on:other");
  d.setVar("A:on", "on-value");
  d.setVar("A:first", "first");
  // A copy's changes to the list of A's override names leave the original's list alone...
  const c = d.createCopy();
  c.delVar("A:on");
  c.setVar("A:third", "third");
  assert.equal(c.getVar("A"), undefined);
  assert.equal(d.getVar("A"), "on-value");
  assert.equal(d.keys().includes("A:third"), false);
  // ...and a compact copy keeps the list it was made with when the original changes its own.
  const e = store();
  e.setVar("OVERRIDES", "on:other");
  e.setVar("A:on", "on-value");
  const compact = e.compactCopy();
  e.delVar("A:on");
  e.setVar("A:other", "other-value");
  assert.equal(e.getVar("A"), "other-value");
  assert.equal(compact.getVar("A"), "on-value");
  compact.setVar("A:more", "more");
  assert.equal(e.getVar("A"), "other-value");
});

test("compactCopy sees what createCopy sees, in the same key order, and keeps its changes to itself", () => {
  const d = store();
  d.setVar("OVERRIDES", "on:more");
  d.setVar("A", "1");
  d.setVar("B", "${A}-b");
  d.setVar("GONE", "x");
  d.setVar("C:append:on", " appended");
  d.setVar("D:on", "conditional");
  let level = d.createCopy();
  level.setVar("A", "2");
  level.delVar("GONE");
  level.setVar("E_${A}", "e");
  level.setVarFlag("B", "doc", "a flag");
  level.setVar("C", "c", { parsing: true });
  level = level.createCopy();
  level.setVar("F:more", "f");
  level.setVar("D", "plain", { parsing: true });

  const chained = level.createCopy();
  const compact = level.compactCopy();
  assert.deepEqual(compact.keys(), chained.keys());
  assert.deepEqual(compact.keysWithReferences(), chained.keysWithReferences());
  for (const k of chained.keys()) {
    assert.deepEqual(compact.getVar(k), chained.getVar(k), k);
    assert.deepEqual(compact.getVarFlags(k), chained.getVarFlags(k), k);
  }
  assert.equal(compact.getVar("GONE"), undefined);
  assert.equal(compact.getVar("C"), "c appended");
  assert.equal(compact.getVar("D"), "conditional");

  compact.setVar("A", "changed");
  compact.appendVar("C", " more");
  compact.setVarFlag("B", "doc", "changed too");
  assert.equal(level.getVar("B"), "2-b");
  assert.equal(level.getVar("C"), "c appended");
  assert.equal(level.getVarFlag("B", "doc"), "a flag");
  assert.equal(compact.getVar("B"), "changed-b");
});

test("variable references are found as BitBake's pattern finds them, in any surrounding text", () => {
  const values: Record<string, string> = { A: "a", "B.c": "${A}b", X: "A", "~:+-_/": "odd" };
  const d = store();
  for (const [name, value] of Object.entries(values)) d.setVar(name, value);
  // BitBake's pattern, applied until nothing changes (what expansion does without Python).
  const reference = (s: string) => {
    for (let before = ""; before !== s; ) {
      before = s;
      s = s.replace(/\$\{[a-zA-Z0-9\-_+./~:]+\}/g, (m) => values[m.slice(2, -1)] ?? m);
    }
    return s;
  };
  const pieces = [
    "${",
    "}",
    "A",
    "B.c",
    "X",
    "~:+-_/",
    "$",
    "{",
    " ",
    "${A}",
    "${~:+-_/}",
    "${X}",
    "é",
    "\n",
  ];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  for (let n = 0; n < 3000; n++) {
    let s = "";
    for (let k = next() % 9; k > 0; k--) s += pieces[next() % pieces.length];
    if (s.includes("${@")) continue;
    assert.equal(d.expand(s), reference(s), JSON.stringify(s));
  }
  assert.equal(d.expand("${${X}} ${A ${A}} ${~:+-_/}${B.c}$${A}"), "a ${A a} oddab$a");
});
