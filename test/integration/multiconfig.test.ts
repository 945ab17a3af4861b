// Multiconfig: each BBMULTICONFIG entry has its own configuration and recipes; targets are
// named mc:NAME:recipe. Expected values were recorded from BitBake 2.19 on this same layout.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { BuildDir } from "../helpers/builddir.js";

const dir = new BuildDir({
  "conf/local.conf": 'BBMULTICONFIG = "mca mcb"\nWHO = "default"\n',
  "conf/multiconfig/mca.conf": 'WHO = "mca"\n',
  "conf/multiconfig/mcb.conf": 'WHO = "mcb"\nPREFERRED_VERSION_foo = "1.0"\n',
  "meta-test/conf/bitbake.conf": [
    "PN = \"${@bb.parse.vars_from_file(d.getVar('FILE', False),d)[0] or 'defaultpkgname'}\"",
    "PV = \"${@bb.parse.vars_from_file(d.getVar('FILE', False),d)[1] or '1.0'}\"",
    "TMPDIR = \"${TOPDIR}/tmp${@'-' + d.getVar('BB_CURRENT_MC') if d.getVar('BB_CURRENT_MC') else ''}\"",
    'CACHE = "${TMPDIR}/cache"',
    'OVERRIDES = "default"',
    "include conf/local.conf",
    "include conf/multiconfig/${BB_CURRENT_MC}.conf",
    "",
  ].join("\n"),
  "meta-test/recipes/foo_1.0.bb": 'MC = "${BB_CURRENT_MC}"\n',
  "meta-test/recipes/foo_2.0.bb": 'MC = "${BB_CURRENT_MC}"\n',
});
after(() => dir.remove());

function values(target: string): Record<string, unknown> {
  const r = dir.kiln("query", "--json", "-r", target, "WHO", "PV", "MC", "__BBMULTICONFIG");
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("mc:NAME:recipe targets use their multiconfig's configuration and preferences", () => {
  assert.deepEqual(values("foo"), { WHO: "default", PV: "2.0", MC: "", __BBMULTICONFIG: "" });
  assert.deepEqual(values("mc:mca:foo"), { WHO: "mca", PV: "2.0", MC: "mca", __BBMULTICONFIG: "mca" });
  assert.deepEqual(values("mc:mcb:foo"), { WHO: "mcb", PV: "1.0", MC: "mcb", __BBMULTICONFIG: "mcb" });
});

test("every multiconfig's recipes are counted and listed", () => {
  const parse = dir.kiln("parse", "--no-cache");
  assert.match(parse.stdout, /Parsing of 6 \.bb files complete \(0 cached, 6 parsed\)\. 6 targets/);
  const all = dir.kiln("query", "--all", "--json", "PN");
  const files = all.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l).file as string);
  assert.ok(files.includes(`mc:mca:${dir.path("meta-test/recipes/foo_1.0.bb")}`), files.join("\n"));
  assert.ok(files.includes(dir.path("meta-test/recipes/foo_2.0.bb")));
});

test("an unknown multiconfig is a clear error", () => {
  const r = dir.kiln("query", "-r", "mc:nope:foo", "PN");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Multiconfig 'nope' is not enabled/);
});
