// pyCompare orders strings as Python does (by code point), also around surrogate pairs.

import assert from "node:assert/strict";
import { test } from "node:test";
import { pyCompare } from "../../src/data/index.js";

test("strings sort by code point, like Python's sorted()", () => {
  const words = ["b", "a", "ab", "Z", "\uFFFF", "\u{1F600}", "x\u{1F600}z", "x\u{1F600}y", "\uE000", ""];
  const byCodePoint = [...words].sort((p, q) => {
    const x = [...p].map((c) => c.codePointAt(0)!);
    const y = [...q].map((c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  });
  assert.deepEqual([...words].sort(pyCompare), byCodePoint);
  // JavaScript's own order differs here: a surrogate pair sorts before U+FFFF in UTF-16.
  assert.deepEqual(["\u{1F600}", "\uFFFF"].sort(pyCompare), ["\uFFFF", "\u{1F600}"]);
});
