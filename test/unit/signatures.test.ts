// Task signatures: what one variable's signature depends on, and the text hashed for it
// (BitBake's build_dependencies).

import assert from "node:assert/strict";
import { test } from "node:test";
import { buildDependencies, dependencyContext } from "../../src/tasks/signatures.js";
import { store } from "../helpers/datastore.js";

test("with BB_SIGNATURE_EXCLUDE_FLAGS set, every flag it does not name is a dependency", () => {
  const d = store();
  d.setVar("BB_SIGNATURE_EXCLUDE_FLAGS", "dirs vardeps");
  d.setVar("A", "a");
  for (const flag of ["dir", "dirs", "vardep", "vardeps"]) d.setVarFlag("A", flag, "x");
  // BitBake 2.18 on compares names whole: "dir" is not excluded by "dirs".
  assert.deepEqual([...buildDependencies("A", dependencyContext(d)).deps].sort(), [
    "A[dir]",
    "A[vardep]",
    "x",
  ]);
  d.setVar("BB_SIGNATURE_EXCLUDE_FLAGS", " ");
  assert.deepEqual([...buildDependencies("A", dependencyContext(d)).deps].sort(), ["x"]);
});

test("a flag's value is hashed as Python's str() gives it", () => {
  const d = store();
  d.setVar("A", "a");
  d.setVarFlag("A", "on", true);
  d.setVarFlag("A", "n", 1);
  const ctx = dependencyContext(d);
  assert.equal(buildDependencies("A[on]", ctx).value, "True");
  assert.equal(buildDependencies("A[n]", ctx).value, "1");
  assert.equal(buildDependencies("A[unset]", ctx).value, null);
});
