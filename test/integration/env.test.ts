// `kiln env` shows values with their history: every operation with file:line.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { BuildDir } from "../helpers/builddir.js";

const dir = new BuildDir({
  "conf/local.conf": 'GREETING = "hi"\n',
  "meta-test/recipes/foo_1.0.bb":
    'GREETING:append = " there"\nexport WHO = "world"\ndo_say () {\n    echo ${GREETING}\n}\n' +
    'python show () {\n    bb.note("${PN}")\n}\npython () {\n    d.setVar("X", "1")\n}\n',
});
after(() => dir.remove());

test("kiln env TARGET shows each variable's history, exports and functions", () => {
  const r = dir.kiln("env", "foo");
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /^# \$GREETING \[2 operations\]$/m);
  assert.ok(out.includes(`#   set ${dir.path("conf/local.conf")}:1`), "the local.conf assignment is located");
  assert.ok(
    out.includes(`#   :append ${dir.path("meta-test/recipes/foo_1.0.bb")}:1`),
    "the append is located",
  );
  assert.match(out, /^GREETING="hi there"$/m);
  assert.match(out, /^export WHO="world"$/m);
  assert.match(out, /^do_say\(\) \{\n {4}echo hi there\n\}$/m);
  // Python functions as bitbake -e shows them: last, unexpanded, anonymous ones too.
  assert.match(out, /\n\npython show \(\) \{\n {4}bb\.note\("\$\{PN\}"\)\n\}\n/);
  assert.match(
    out,
    /^python (__anon_\d+_\S*foo_1_0_bb) \(\) \{\ndef \1\(d\):\n {4}d\.setVar\("X", "1"\)\n\}$/m,
  );
  assert.ok(out.lastIndexOf("do_say() {") < out.indexOf("python show"), "shell functions come first");
  // A write from metadata Python is located at its line in the recipe.
  assert.ok(
    out.includes(`# $X\n#   set ${dir.path("meta-test/recipes/foo_1.0.bb")}:10\n`),
    "the anonymous function's setVar is located",
  );
});

test("kiln env without a target shows the global configuration", () => {
  const r = dir.kiln("env");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^GREETING="hi"$/m);
  assert.doesNotMatch(r.stdout, /^WHO=/m);
});
