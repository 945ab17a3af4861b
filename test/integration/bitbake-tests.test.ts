// scripts/bitbake-tests/run.sh on a stand-in BitBake checkout (CI has no real one): test modules
// written like BitBake's run inside kiln's Python against kiln's bb, datastore and parser; the
// checkout's own bb is never imported; the run is compared with a record as the real one is.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { REPO } from "../helpers/builddir.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "kiln-bbtests-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const checkout = path.join(tmp, "bitbake");
const lib = path.join(checkout, "lib");
// Importing anything of the checkout's own bb would fail the run.
write(path.join(lib, "bb/__init__.py"), "raise ImportError('the checkout\\'s bb was imported')\n");
write(path.join(lib, "bb/helper.py"), "X = 1\n");
write(
  path.join(lib, "bb/tests/data.py"),
  `import logging, os, unittest
import bb, bb.data

class Data(unittest.TestCase):
    def test_bb_is_kilns(self):
        self.assertIn(os.path.join("src", "python", "lib", "bb"), bb.__file__)

    def test_datastore(self):
        d = bb.data.init()
        d.setVar("A", "\${@1 + 1}")
        self.assertEqual(d.getVar("A"), "2")

    def test_messages_reach_the_bitbake_logger(self):
        seen = []
        class Handler(logging.Handler):
            def emit(self, record):
                seen.append(record.getMessage())
        handler = Handler()
        logging.getLogger("BitBake").addHandler(handler)
        try:
            d = bb.data.init()
            d.setVar("X", "x")
            d.setVar("K_\${X}", "new")
            d.setVar("K_x", "old")
            bb.data.expandKeys(d)
        finally:
            logging.getLogger("BitBake").removeHandler(handler)
        self.assertEqual(seen, ["Variable key K_\${X} (new) replaces original key K_x (old)."])

    def test_fails_on_purpose(self):
        self.assertEqual(1, 2)
`,
);
write(
  path.join(lib, "bb/tests/parse.py"),
  `import os, subprocess, tempfile, unittest
import bb, bb.data, bb.parse

class Parse(unittest.TestCase):
    def test_handle(self):
        with tempfile.NamedTemporaryFile(suffix=".bb") as f:
            f.write(b'A = "1"\\nBBCLASSEXTEND = ""\\n')
            f.flush()
            d = bb.parse.handle(f.name, bb.data.init())[""]
        self.assertEqual(d.getVar("A"), "1")

    def test_bitbake_e_is_kiln_env(self):
        with tempfile.TemporaryDirectory() as top:
            for name, text in (("conf/bitbake.conf", 'MARK = "from kiln"\\n'), ("classes/base.bbclass", "")):
                os.makedirs(os.path.dirname(os.path.join(top, name)), exist_ok=True)
                with open(os.path.join(top, name), "w") as f:
                    f.write(text)
            env = dict(os.environ, BBPATH=top)
            out = subprocess.check_output(["bitbake", "-e"], cwd=top, env=env, text=True)
        self.assertIn('MARK="from kiln"', out.splitlines())
`,
);
write(
  path.join(lib, "bb/tests/codeparser.py"),
  `import unittest
import bb, bb.data

class Code(unittest.TestCase):
    def test_shell(self):
        self.assertEqual(bb.codeparser.ShellParser("x", None).parse_shell("a \`b\` \`c\`"), {"a", "b", "c"})
`,
);
// A module that reaches for the checkout's own code: the run must refuse it.
write(
  path.join(lib, "bb/tests/intruder.py"),
  `import sys, unittest
sys.path.insert(0, ${JSON.stringify(path.join(lib, "bb"))})
import helper

class Intruder(unittest.TestCase):
    def test_nothing(self):
        pass
`,
);

const ids = {
  bb: "bb.tests.data.Data.test_bb_is_kilns",
  datastore: "bb.tests.data.Data.test_datastore",
  logger: "bb.tests.data.Data.test_messages_reach_the_bitbake_logger",
  fails: "bb.tests.data.Data.test_fails_on_purpose",
  handle: "bb.tests.parse.Parse.test_handle",
  bitbakeE: "bb.tests.parse.Parse.test_bitbake_e_is_kiln_env",
  shell: "bb.tests.codeparser.Code.test_shell",
};
const passing = [ids.bb, ids.datastore, ids.logger, ids.handle, ids.bitbakeE, ids.shell].sort();
const record = path.join(tmp, "record");
const explained = `${ids.fails}\n    kiln differs: it fails on purpose\n`;

function run(...args: string[]) {
  const r = spawnSync(
    path.join(REPO, "scripts/bitbake-tests/run.sh"),
    [checkout, "--record-dir", record, ...args],
    {
      encoding: "utf8",
    },
  );
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test("the run agrees with a record of exactly what passes, and prints each module's counts", () => {
  write(path.join(record, "passing.txt"), `# passing\n${passing.join("\n")}\n`);
  write(path.join(record, "failing.txt"), explained);
  const r = run();
  assert.equal(r.status, 0, r.out + r.err);
  assert.match(r.out, /^data: ran 4, passed 3, failed 1, errors 0, skipped 0$/m);
  assert.match(r.out, /^parse: ran 2, passed 2, failed 0, errors 0, skipped 0$/m);
  assert.match(r.out, /^codeparser: ran 1, passed 1, failed 0, errors 0, skipped 0$/m);
  assert.match(r.out, /The run agrees with the record/);
});

test("a listed test that does not pass, an unexplained failure and an unlisted pass each fail the run", () => {
  write(
    path.join(record, "passing.txt"),
    `${[...passing.slice(1), "bb.tests.data.Data.test_gone"].join("\n")}\n`,
  );
  write(path.join(record, "failing.txt"), "");
  const r = run();
  assert.equal(r.status, 1, r.out + r.err);
  assert.match(r.out, /REGRESSIONS[^\n]*\n {2}bb\.tests\.data\.Data\.test_gone \(missing\)/);
  assert.match(r.out, new RegExp(`UNEXPLAINED[^\\n]*\\n {2}${ids.fails.replaceAll(".", "\\.")} \\(fail\\)`));
  assert.match(r.out, new RegExp(`UNRECORDED[^\\n]*\\n {2}${passing[0].replaceAll(".", "\\.")}\\n`));
});

test("--record writes the passing tests under the header", () => {
  write(path.join(record, "passing.txt"), "# header\nbb.tests.data.Data.test_gone\n");
  write(path.join(record, "failing.txt"), explained);
  const r = run("--record");
  assert.equal(r.status, 0, r.out + r.err);
  assert.equal(readFileSync(path.join(record, "passing.txt"), "utf8"), `# header\n${passing.join("\n")}\n`);
});

test("a test module that imports the checkout's own code stops the run", () => {
  const r = run("intruder");
  assert.equal(r.status, 2, r.out + r.err);
  assert.match(r.err, /BitBake's own code was imported: .*helper\.py/);
});
