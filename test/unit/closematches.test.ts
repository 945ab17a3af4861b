// closeMatches gives what Python's difflib.get_close_matches gives (python3 is the oracle).

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { closeMatches } from "../../src/util/closematches.js";

test("the same candidates, in the same order, as difflib.get_close_matches", () => {
  // A fixed pseudo-random set of recipe-like names and misspellings.
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const letters = "abcdelinoprstu-_";
  const word = () => Array.from({ length: 3 + rand(9) }, () => letters[rand(letters.length)]).join("");
  const cases = Array.from({ length: 150 }, () => {
    const names = Array.from({ length: 12 }, word);
    const target = rand(2) ? word() : names[rand(names.length)].slice(0, -1) + letters[rand(letters.length)];
    return { target, names, cutoff: rand(2) ? 0.6 : 0.7 };
  });
  const python = spawnSync(
    "python3",
    [
      "-c",
      "import difflib, json, sys\ncases = json.load(sys.stdin)\nprint(json.dumps([difflib.get_close_matches(c['target'], c['names'], 3, c['cutoff']) for c in cases]))",
    ],
    { input: JSON.stringify(cases), encoding: "utf8" },
  );
  assert.equal(python.status, 0, python.stderr);
  const expected = JSON.parse(python.stdout) as string[][];
  for (const [i, c] of cases.entries()) {
    assert.deepEqual(closeMatches(c.target, c.names, 3, c.cutoff), expected[i], JSON.stringify(c));
  }
});
