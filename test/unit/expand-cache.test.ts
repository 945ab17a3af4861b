// The datastore keeps expanded values until a variable they read changes (BitBake empties its
// cache on every change). Each test reads a value, changes something it depends on in one of
// the ways metadata can, and checks the new answer; the last ones check what is kept.

import assert from "node:assert/strict";
import { test } from "node:test";
import type { InlinePython } from "../../src/data/index.js";
import { store } from "../helpers/datastore.js";

test("a value follows changes of what it references, directly and through other variables", () => {
  const d = store();
  d.setVar("A", "${B}");
  d.setVar("B", "${C}-b");
  d.setVar("C", "c1");
  assert.equal(d.getVar("A"), "c1-b");
  d.setVar("C", "c2");
  assert.equal(d.getVar("A"), "c2-b");
  assert.equal(d.getVar("B"), "c2-b");
  d.delVar("C");
  assert.equal(d.getVar("A"), "${C}-b");
  d.setVarFlag("C", "_defaultval", "weak");
  assert.equal(d.getVar("A"), "weak-b");
});

test("a value follows :append, :prepend, :remove and override-conditional values", () => {
  const d = store();
  d.setVar("OVERRIDES", "arm:qemu");
  d.setVar("L", "x ${ITEM} z");
  d.setVar("ITEM", "y");
  d.setVar("A", "${L}");
  assert.equal(d.getVar("A"), "x y z");
  d.setVar("L:append", " tail");
  assert.equal(d.getVar("A"), "x y z tail");
  d.prependVar("L", "head ");
  assert.equal(d.getVar("A"), "head x y z tail");
  d.setVar("L:remove", "y");
  assert.equal(d.getVar("A"), "head x  z tail");
  d.setVar("L:qemu", "replaced");
  assert.equal(d.getVar("A"), "head replaced tail");
  d.setVar("OVERRIDES", "arm");
  assert.equal(d.getVar("A"), "head x  z tail");
  d.setVar("L:append:arm", "!");
  assert.equal(d.getVar("A"), "head x  z tail!");
});

test("a flag's value follows its references and the flag itself", () => {
  const d = store();
  d.setVar("B", "one");
  d.setVarFlag("do_x", "depends", "${B}:do_y");
  assert.equal(d.getVarFlag("do_x", "depends"), "one:do_y");
  d.setVar("B", "two");
  assert.equal(d.getVarFlag("do_x", "depends"), "two:do_y");
  d.appendVarFlag("do_x", "depends", " more");
  assert.equal(d.getVarFlag("do_x", "depends"), "two:do_y more");
  d.setVar("A", "${do_x}");
  d.setVar("do_x", "body");
  assert.equal(d.getVar("A"), "body");
  d.delVarFlags("do_x");
  assert.equal(d.getVarFlag("do_x", "depends"), undefined);
});

test("renaming a variable onto a referenced name is seen", () => {
  const d = store();
  d.setVar("A", "${TARGET}");
  assert.equal(d.getVar("A"), "${TARGET}");
  d.setVar("SOURCE", "moved");
  d.renameVar("SOURCE", "TARGET");
  assert.equal(d.getVar("A"), "moved");
});

test("inline Python's reads are followed even when the name is computed at run time", () => {
  const python: InlinePython = {
    evalInline: (_code, _varname, d) => String(d.getVar(["Q", "UEUE"].join(""))),
  };
  const d = store(python);
  d.setVar("A", "${@read_queue()}");
  d.setVar("QUEUE", "first");
  assert.equal(d.getVar("A"), "first");
  d.setVar("QUEUE", "second");
  assert.equal(d.getVar("A"), "second");
});

test("a value computed from the list of variables is recomputed after any change", () => {
  const python: InlinePython = { evalInline: (_code, _varname, d) => String(d.keys().length) };
  const d = store(python);
  d.setVar("COUNT", "${@len(d.keys())}");
  d.keys(); // computes the overrides (which empties the cache) before the value is read
  const before = Number(d.getVar("COUNT"));
  d.setVar("SOMETHING_NEW", "1");
  assert.equal(Number(d.getVar("COUNT")), before + 1);
});

test("redefining a function called from inline Python drops values computed with it", () => {
  let answer = "old";
  const python: InlinePython = {
    evalInline: () => answer,
    analyse: () => ({ references: [], execs: ["helper"], contains: {} }),
  };
  const d = store(python);
  d.setVar("A", "${@helper(d)}");
  assert.equal(d.getVar("A"), "old");
  answer = "new";
  d.setVar("helper", "    return 'new'");
  assert.equal(d.getVar("A"), "new");
});

test("a value read from another datastore is recomputed after any change", () => {
  const other = store();
  other.setVar("ELSEWHERE", "1");
  const python: InlinePython = { evalInline: () => String(other.getVar("ELSEWHERE")) };
  const d = store(python);
  d.setVar("A", "${@other()}");
  assert.equal(d.getVar("A"), "1");
  other.setVar("ELSEWHERE", "2");
  d.setVar("UNRELATED", "x");
  assert.equal(d.getVar("A"), "2");
});

test("a computation that changed the store is kept only until the next change, as in BitBake", () => {
  let runs = 0;
  const python: InlinePython = {
    evalInline: (_code, _varname, d) => {
      runs++;
      d.setVar("SIDE_EFFECT", String(runs));
      return String(runs);
    },
  };
  const d = store(python);
  d.setVar("A", "${@side_effect(d)}");
  assert.equal(d.getVar("A"), "1");
  assert.equal(d.getVar("A"), "1");
  d.setVar("UNRELATED", "x");
  assert.equal(d.getVar("A"), "2");
});

test("changes to variables a value did not read keep it cached", () => {
  let runs = 0;
  const python: InlinePython = {
    evalInline: (_code, _varname, d) => {
      runs++;
      return `${d.getVar("INPUT")}`;
    },
  };
  const d = store(python);
  d.setVar("INPUT", "in");
  d.setVar("A", "${@costly(d)} ${OTHER}");
  d.setVar("OTHER", "o");
  assert.equal(d.getVar("A"), "in o");
  d.setVar("UNRELATED", "x");
  d.setVarFlag("UNRELATED", "doc", "y");
  assert.equal(d.getVar("A"), "in o");
  assert.equal(runs, 1);
  d.setVar("OTHER", "p");
  assert.equal(d.getVar("A"), "in p");
  assert.equal(runs, 2);
});

test("a change of the active overrides recomputes only the values that consulted them", () => {
  const runs = new Map<string, number>();
  const python: InlinePython = {
    evalInline: (code, _varname, d) => {
      runs.set(code, (runs.get(code) ?? 0) + 1);
      return String(d.getVar(code === "plain" ? "INPUT" : "CHOICE"));
    },
  };
  const d = store(python);
  d.setVar("MACHINE", "one");
  d.setVar("OVERRIDES", "${MACHINE}");
  d.setVar("INPUT", "in");
  d.setVar("CHOICE", "default");
  d.setVar("CHOICE:two", "chosen");
  d.setVar("PLAIN", "${@plain}");
  d.setVar("BY_OVERRIDE", "${@choice}");
  assert.equal(d.getVar("PLAIN"), "in");
  assert.equal(d.getVar("BY_OVERRIDE"), "default");
  // OVERRIDES reads MACHINE: setting it changes the active overrides.
  d.setVar("MACHINE", "two");
  assert.equal(d.getVar("BY_OVERRIDE"), "chosen");
  assert.equal(d.getVar("PLAIN"), "in");
  assert.deepEqual(Object.fromEntries(runs), { plain: 1, choice: 2 });
});
