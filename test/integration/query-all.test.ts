// `kiln query --all --json`: one JSON object per target, variants named virtual:CLASS:FILE,
// skipped targets with their reason.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { BuildDir } from "../helpers/builddir.js";

const dir = new BuildDir({
  "meta-test/classes/mini.bbclass": 'python () {\n    raise bb.parse.SkipRecipe("mini not wanted")\n}\n',
  "meta-test/classes/extra.bbclass": 'FLAVOUR = "extra"\n',
  "meta-test/recipes/foo_1.0.bb": 'BBCLASSEXTEND = "mini extra"\nFLAVOUR ?= "plain"\n',
  "meta-test/recipes/bar_2.0.bb": 'FLAVOUR = "bar"\n',
});
after(() => dir.remove());

test("every target is listed once, with values or a skip reason", () => {
  const r = dir.kiln("query", "--all", "--json", "PN", "FLAVOUR");
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const byFile = new Map(lines.map((l) => [l.file, l]));
  const foo = dir.path("meta-test/recipes/foo_1.0.bb");
  assert.equal(lines.length, 4);
  assert.deepEqual(byFile.get(foo), { file: foo, pn: "foo", values: { PN: "foo", FLAVOUR: "plain" } });
  assert.deepEqual(byFile.get(`virtual:extra:${foo}`), {
    file: `virtual:extra:${foo}`,
    pn: "foo-extra",
    values: { PN: "foo-extra", FLAVOUR: "extra" },
  });
  assert.deepEqual(byFile.get(`virtual:mini:${foo}`), {
    file: `virtual:mini:${foo}`,
    skipped: "mini not wanted",
  });
  assert.equal(byFile.get(dir.path("meta-test/recipes/bar_2.0.bb"))?.values.FLAVOUR, "bar");
});
