// The pieces of BitBake's signature file formats, against Python itself (python3 is the oracle):
// unified line diffs as difflib.unified_diff makes them, line splitting as str.splitlines, JSON
// as json.dumps(sort_keys=True, separators=(",", ":")); word diffs against hand-checked cases.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { decodeSigData, encodeSigData, pythonJson } from "../../src/tasks/sigdata.js";
import { pySplitLines, unifiedDiff, wordRuns } from "../../src/util/textdiff.js";
import { loadZstd, zstdCompress, zstdDecompress } from "../../src/util/zstd.js";

function python(code: string, input: unknown): unknown {
  const r = spawnSync("python3", ["-c", `import difflib, json, sys\ncases = json.load(sys.stdin)\n${code}`], {
    input: JSON.stringify(input),
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// A fixed pseudo-random source.
let seed = 7;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};

test("unified diffs have difflib's hunks, also past 200 lines where frequent lines stop anchoring", () => {
  const words = ["echo a", "echo b", "", "fi", "done", "make", "cd ${B}", "install -d ${D}"];
  const edit = (lines: string[]) =>
    lines.flatMap((l) => {
      const r = rand(10);
      return r === 0
        ? []
        : r === 1
          ? [l, words[rand(words.length)]]
          : r === 2
            ? [words[rand(words.length)]]
            : [l];
    });
  const cases = Array.from({ length: 120 }, (_, i) => {
    const a = Array.from(
      { length: i < 100 ? 1 + rand(30) : 200 + rand(150) },
      () => words[rand(words.length)],
    );
    return { a, b: edit(a) };
  });
  const expected = python(
    "print(json.dumps([list(difflib.unified_diff(c['a'], c['b'], lineterm=''))[2:] for c in cases]))",
    cases,
  ) as string[][];
  cases.forEach((c, i) => {
    assert.deepEqual(unifiedDiff(c.a, c.b), expected[i], JSON.stringify(c));
  });
});

test("lines are split where Python's str.splitlines splits them", () => {
  const texts = [
    "a\nb",
    "a\r\nb\rc\n",
    "x\x0by\x0cz\x1cq\x1dr\x1es\x85t\u2028u\u2029v",
    "",
    "\n",
    "a\n\nb\n\n",
  ];
  assert.deepEqual(
    texts.map(pySplitLines),
    python("print(json.dumps([t.splitlines() for t in cases]))", texts),
  );
});

test("word diffs keep the longest common run and recurse on both sides of it", () => {
  const show = (a: string, b: string) =>
    wordRuns(a.split(" "), b.split(" "))
      .map(([k, w]) => `${k}${w.join(" ")}`)
      .join("|");
  assert.equal(show("hello world", "hello big world"), "=hello|+big|=world");
  assert.equal(show("a b c d", "c d a b"), "-a b|=c d|+a b");
  assert.equal(show("x", "y"), "-x|+y");
  assert.equal(show("a b a b c", "a b c"), "-a b|=a b c");
  assert.deepEqual(wordRuns([], ["n"]), [["+", ["n"]]]);
});

test("JSON is json.dumps' with sorted keys, no spaces and only ASCII", () => {
  const values = [
    {
      b: 1,
      a: ["x", null],
      "\u00e9": 'caf\u00e9 \u{1f600} \u007f \x01\b\f\n\r\t"\\ /',
      "\u{1f600}": 0,
      "\uffff": 1,
    },
    "lone \ud800 surrogate",
  ];
  const expected = python(
    "print(json.dumps([json.dumps(v, sort_keys=True, separators=(',', ':')) for v in cases]))",
    values,
  ) as string[];
  assert.deepEqual(values.map(pythonJson), expected);
});

test("a signature file's sets are written as BitBake's {_set_object: [...]} and read back", async () => {
  const sig = {
    task: "do_x",
    basehash: "b",
    basehash_ignore_vars: ["Z", "A"],
    taskdeps: ["B", "A"],
    gendeps: { A: [], B: ["A"] },
    varvals: { do_x: "run", A: null, B: "${A}" },
  };
  const text = encodeSigData(sig);
  assert.equal(
    text,
    '{"basehash":"b","basehash_ignore_vars":{"_set_object":["A","Z"]},"gendeps":{"A":{"_set_object":[]},"B":{"_set_object":["A"]}},"task":"do_x","taskdeps":{"_set_object":["A","B"]},"varvals":{"A":null,"B":"${A}","do_x":"run"}}',
  );
  await loadZstd();
  const back = decodeSigData(Buffer.from(zstdDecompress(zstdCompress(Buffer.from(text)))).toString());
  assert.deepEqual(back.taskdeps, ["A", "B"]);
  assert.deepEqual(back.gendeps.B, ["A"]);
  // Files of BitBake before 4.0 name the ignore lists differently.
  const old = decodeSigData(
    '{"basewhitelist":{"_set_object":["X"]},"taskwhitelist":null,"basehash":"b","varvals":{},"taskdeps":[],"gendeps":{}}',
  );
  assert.deepEqual(old.basehash_ignore_vars, ["X"]);
  assert.equal(old.taskhash_ignore_tasks, null);
});
