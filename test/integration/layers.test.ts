// `kiln layers` against what real bitbake-layers printed for the generated multi-layer fixture
// (test/fixtures/layers.expect.json, recorded with scripts/oracle/record-layers.sh), and how
// add-layer / remove-layer edit bblayers.conf.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { generateMultilayer } from "../fixtures/multilayer.js";
import { KILN } from "../helpers/builddir.js";

const root = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));

interface Recorded {
  topdir_length: number;
  show: Array<{ args: string[]; code: number; stdout: string }>;
  edit: Array<{
    what: string;
    args: string[];
    files?: Record<string, string>;
    code: number;
    bblayers: string;
  }>;
}
const recorded = JSON.parse(
  readFileSync(path.join(root, "test/fixtures/layers.expect.json"), "utf8"),
) as Recorded;

// The build directory's path has the recorded length, so padded columns line up the same way.
const base = mkdtempSync("/tmp/kl");
const dir = path.join(base, "b".repeat(recorded.topdir_length - base.length - 1));
generateMultilayer(dir);
after(() => rmSync(base, { recursive: true, force: true }));

function kiln(cwd: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(KILN, args, { cwd, encoding: "utf8", env: { ...process.env, KILN_NO_SERVER: "1" } });
  return { code: r.status ?? -1, stdout: r.stdout.replaceAll(cwd, "@TOPDIR@"), stderr: r.stderr };
}

/**
 * What must match: BitBake's server and parse chatter and its warnings (kiln prints those on
 * stderr) are dropped, and where BitBake's order follows the order its parser processes happened
 * to finish in (versions after the preferred one, append blocks, cross-layer lines), it is sorted.
 */
function normalise(args: string[], text: string): string[] {
  const lines = text
    .split("\n")
    .filter(
      (l) =>
        l !== "" &&
        !/^(NOTE: |Loading cache|Loaded \d+ entries|Parsing recipes|Parsing of |WARNING: )/.test(l),
    );
  if (args[0] === "show-cross-depends") return lines.sort();
  if (args[0] === "show-appends") {
    const blocks: string[] = [];
    for (const l of lines.slice(1)) {
      if (l.startsWith("  ")) blocks[blocks.length - 1] += `\n${l}`;
      else blocks.push(l);
    }
    return [lines[0], ...blocks.sort()];
  }
  const out: string[] = [];
  let run: string[] = [];
  // Under a "name:" header the first indented line is the preferred one; under a file name
  // every indented line is an overlaid one.
  const flush = () => {
    const keep = out.length && out[out.length - 1].endsWith(":") ? 1 : 0;
    out.push(...run.slice(0, keep), ...run.slice(keep).sort());
    run = [];
  };
  for (const l of lines) {
    if (l.startsWith("  ")) run.push(l);
    else {
      flush();
      out.push(l);
    }
  }
  flush();
  return out;
}

for (const { args, stdout } of recorded.show) {
  test(`kiln layers ${args.join(" ")} prints what bitbake-layers prints`, () => {
    const r = kiln(dir, ["layers", ...args]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(normalise(args, r.stdout), normalise(args, stdout));
  });
}

test("show-appends warns when the preferred version has no append", () => {
  const r = kiln(dir, ["layers", "show-appends"]);
  assert.match(r.stderr, /WARNING: gfx-b_1\.0\.bb: missing append for preferred version/);
});

test("--json forms carry the same facts", () => {
  const layers = JSON.parse(kiln(dir, ["layers", "show-layers", "--json"]).stdout);
  assert.deepEqual(
    layers.map((l: { name: string; priority: number }) => `${l.name}:${l.priority}`),
    ["core:5", "extra:6", "bsp:9", "masked:1"],
  );
  const recipes = JSON.parse(kiln(dir, ["layers", "show-recipes", "--json", "lib2", "lib0"]).stdout);
  assert.deepEqual(
    recipes.map(
      (r: { pn: string; recipes: Array<{ layer: string; preferred: boolean; skipped?: string }> }) => [
        r.pn,
        r.recipes.map((x) => `${x.layer}${x.preferred ? "*" : ""}${x.skipped ? " skipped" : ""}`),
      ],
    ),
    [
      ["lib0", ["meta-core* skipped"]],
      ["lib2", ["meta-bsp*", "meta-core"]],
    ],
  );
  const cross = JSON.parse(kiln(dir, ["layers", "show-cross-depends", "--json", "-i", "meta-core"]).stdout);
  assert.deepEqual(
    cross
      .map(
        (c: { from: string; kind: string; to: string }) =>
          `${path.basename(c.from)} ${c.kind} ${path.basename(c.to)}`,
      )
      .sort(),
    ["lib3_1.3.bb DEPENDS lib2_1.2.bb", "viewer_2.1.bb DEPENDS lib2_1.2.bb"],
  );
});

for (const edit of recorded.edit) {
  test(`kiln layers ${edit.args.join(" ")}: ${edit.what}`, () => {
    const work = path.join(base, `edit-${recorded.edit.indexOf(edit)}`);
    cpSync(dir, work, { recursive: true, filter: (src) => !/\/(tmp|cache)$/.test(src) });
    for (const [rel, text] of Object.entries(edit.files ?? {})) {
      mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
      writeFileSync(path.join(work, rel), text);
    }
    const conf = path.join(work, "conf/bblayers.conf");
    const before = readFileSync(conf, "utf8");
    const r = kiln(work, ["layers", ...edit.args.map((a) => a.replace("@TOPDIR@", work))]);
    const after = readFileSync(conf, "utf8").replaceAll(work, "@TOPDIR@");
    if (edit.code === 0) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(after, edit.bblayers);
    } else {
      // Refused: kiln leaves bblayers.conf exactly as it was (BitBake, when a dependency is
      // missing, leaves the layer added; kiln does not).
      assert.notEqual(r.code, 0);
      assert.equal(after, before.replaceAll(work, "@TOPDIR@"));
      assert.notEqual(r.stderr, "");
    }
    rmSync(work, { recursive: true, force: true });
  });
}

test("create-layer makes a layer that add-layer accepts and whose example recipe parses", () => {
  const work = path.join(base, "create");
  cpSync(dir, work, { recursive: true, filter: (src) => !/\/(tmp|cache)$/.test(src) });
  const r = kiln(work, ["layers", "create-layer", "--add-layer", "-e", "greeting", "-v", "2.5", "meta-mine"]);
  assert.equal(r.code, 0, r.stderr);
  for (const rel of [
    "conf/layer.conf",
    "README",
    "COPYING.MIT",
    "recipes-greeting/greeting/greeting_2.5.bb",
  ]) {
    assert.ok(existsSync(path.join(work, "meta-mine", rel)), rel);
  }
  const layerConf = readFileSync(path.join(work, "meta-mine/conf/layer.conf"), "utf8");
  assert.match(layerConf, /LAYERSERIES_COMPAT_meta-mine = "fixture"/);
  assert.match(layerConf, /LAYERDEPENDS_meta-mine = "core"/);
  assert.match(readFileSync(path.join(work, "conf/bblayers.conf"), "utf8"), /\/meta-mine \\\n/);
  const shown = kiln(work, ["layers", "show-recipes", "greeting"]);
  assert.equal(shown.stdout, "=== Matching recipes: ===\ngreeting:\n  meta-mine            2.5\n");
  const again = kiln(work, ["layers", "create-layer", "meta-mine"]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /exists/);
});
