// The record of BitBake's own tests against kiln (test/bitbake-tests): the committed files are
// whole and consistent (CI has no BitBake checkout to run them), and a run is compared with
// them as scripts/bitbake-tests/run.sh compares it.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  agrees,
  checkRecord,
  compare,
  type Outcome,
  readFailing,
  readPassing,
  renderPassing,
  type TestResult,
} from "../bitbake-tests/record.js";

const dir = path.resolve(fileURLToPath(new URL("../../../test/bitbake-tests", import.meta.url)));
const passingText = readFileSync(path.join(dir, "passing.txt"), "utf8");
const failingText = readFileSync(path.join(dir, "failing.txt"), "utf8");
const record = { passing: readPassing(passingText), failing: readFailing(failingText) };
const MODULES = ["data", "parse", "codeparser"];

test("the committed record is well formed: sorted, no test twice, every failure explained", () => {
  assert.deepEqual(checkRecord(record, passingText, failingText), []);
  for (const id of [...record.passing, ...record.failing.keys()]) {
    assert.ok(
      MODULES.some((m) => id.startsWith(`bb.tests.${m}.`)),
      `${id} belongs to none of ${MODULES}`,
    );
  }
  for (const [id, reason] of record.failing) {
    assert.match(reason, /^(pending|kiln differs)\b/, `${id}: a reason says whether the change is pending`);
  }
  // Every module ran: a record from a partial run would lose tests.
  for (const m of MODULES)
    assert.ok(
      record.passing.some((id) => id.startsWith(`bb.tests.${m}.`)),
      m,
    );
});

test("failing.txt: a group of ids shares the indented reason below it", () => {
  const failing = readFailing("# comment\na.b.c\na.b.d\n    one\n    two\n\na.b.e\n  three\n");
  assert.deepEqual(
    [...failing],
    [
      ["a.b.c", "one two"],
      ["a.b.d", "one two"],
      ["a.b.e", "three"],
    ],
  );
});

test("checkRecord finds unsorted, doubled, unexplained and contradictory entries", () => {
  const passing = "bb.tests.data.B.test_b\nbb.tests.data.A.test_a\nbb.tests.data.A.test_a\n";
  const failing = "bb.tests.data.A.test_a\nbb.tests.data.C.test_c\n";
  const problems = checkRecord(
    { passing: readPassing(passing), failing: readFailing(failing) },
    passing,
    failing,
  );
  assert.deepEqual(problems.sort(), [
    "bb.tests.data.A.test_a is both passing and failing",
    "failing.txt gives no reason for bb.tests.data.A.test_a",
    "failing.txt gives no reason for bb.tests.data.C.test_c",
    "passing.txt is not sorted",
    "passing.txt lists a test twice",
  ]);
});

const results = (entries: Array<[string, Outcome]>) =>
  new Map<string, TestResult>(entries.map(([id, outcome]) => [id, { outcome, detail: "" }]));

test("a run agrees with the record when exactly the listed tests pass", () => {
  const r = {
    passing: ["bb.tests.data.A.test_a", "bb.tests.data.A.test_b"],
    failing: new Map([["bb.tests.data.A.test_c", "kiln differs: x"]]),
  };
  const ok = results([
    ["bb.tests.data.A.test_a", "pass"],
    ["bb.tests.data.A.test_b", "pass"],
    ["bb.tests.data.A.test_c", "fail"],
  ]);
  assert.ok(agrees(compare(ok, r, ["data"])));

  const c = compare(
    results([
      ["bb.tests.data.A.test_a", "error"],
      ["bb.tests.data.A.test_c", "pass"],
      ["bb.tests.data.A.test_d", "pass"],
      ["bb.tests.data.A.test_e", "skip"],
    ]),
    r,
    ["data"],
  );
  assert.deepEqual(c.regressions, [
    { id: "bb.tests.data.A.test_a", outcome: "error" },
    { id: "bb.tests.data.A.test_b", outcome: "missing" },
  ]);
  assert.deepEqual(c.stale, ["bb.tests.data.A.test_c"]);
  assert.deepEqual(c.unrecorded, ["bb.tests.data.A.test_d"]);
  assert.deepEqual(c.unexplained, [{ id: "bb.tests.data.A.test_e", outcome: "skip" }]);
  assert.ok(!agrees(c));
  // A run of one module is compared only with that module's part of the record.
  assert.ok(
    agrees(
      compare(
        results([["bb.tests.parse.P.test_p", "pass"]]),
        { ...r, passing: [...r.passing, "bb.tests.parse.P.test_p"] },
        ["parse"],
      ),
    ),
  );
});

test("--record writes the passing tests, sorted, under the file's header", () => {
  const text = renderPassing(
    "# header\n",
    results([
      ["bb.tests.data.B.test_b", "pass"],
      ["bb.tests.data.A.test_a", "pass"],
      ["bb.tests.data.C.test_c", "fail"],
    ]),
  );
  assert.equal(text, "# header\nbb.tests.data.A.test_a\nbb.tests.data.B.test_b\n");
});
