// The commands shell text runs (task signatures' shellExecs), backquote substitutions included.

import assert from "node:assert/strict";
import { test } from "node:test";
import { separateBackquotes } from "../../src/tasks/backquotes.js";
import { initShellParser, shellExecs } from "../../src/tasks/index.js";

await initShellParser();

test("backquote substitutions separated only by blanks each run their command", () => {
  const cases: Array<[string, string[]]> = [
    ['foo="`func1 bar` `func2`"', ["func1", "func2"]],
    ["echo `a` `b`", ["a", "b", "echo"]],
    ["echo `a`  `b` \\\n `c`", ["a", "b", "c", "echo"]],
    ["x=`a` y=`b`; echo `c`x`d`", ["a", "b", "c", "d", "echo"]],
    ["echo `a \\`b\\`` `c`", ["a", "c", "echo"]], // BitBake does not look inside escaped ones
  ];
  for (const [text, execs] of cases) assert.deepEqual(shellExecs(text), execs, text);
});

test("backquotes inside single quotes, comments and here-documents are not paired", () => {
  const cases: Array<[string, string[]]> = [
    ["echo '`no` `no`' `yes` `too`", ["echo", "too", "yes"]],
    ["# it's `no`\necho `yes` `too`", ["echo", "too", "yes"]],
    ["cat <<EOF\nit's `no`\nEOF\necho `after` `too`", ["after", "cat", "echo", "too"]],
    ["cat <<'EOF'\n`no` `no`\nEOF\n`after` `too`", ["after", "cat", "too"]],
    ["cat <<-EOF\n\t`no`\n\tEOF\n`after` `too`", ["after", "cat", "too"]],
  ];
  for (const [text, execs] of cases) assert.deepEqual(shellExecs(text), execs, text);
});

test("the rewrite adds only empty substitutions, and only between adjacent backquotes", () => {
  assert.equal(separateBackquotes('a `b` `c` "`d`\t`e`"'), 'a `b`$() `c` "`d`$()\t`e`"');
  for (const same of ["`a`x `b`", "'`a` `b`'", "# `a` `b`", "`a` c `b`", "unterminated `a", "`a`"]) {
    assert.equal(separateBackquotes(same), same);
  }
});
