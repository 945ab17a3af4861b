// The parts of kiln's bb package that reach kiln's own datastore, parser and signatures through
// the runtime: bb.data.init/init_db/expandKeys, bb.data_smart, bb.codeparser, bb.parse.handle
// and bb.data's signature functions. Each test runs Python with asserts in it.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { DataStore, type Reporter } from "../../src/data/index.js";
import { Evaluator } from "../../src/parse/index.js";
import { provideParseServices } from "../../src/parse/python-services.js";
import { type LogLevel, PythonRuntime } from "../../src/python/index.js";
import { provideSignatureServices, recipeSignatures } from "../../src/tasks/index.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "kiln-bbrt-"));
const startDir = process.cwd();
after(() => {
  process.chdir(startDir);
  rmSync(tmp, { recursive: true, force: true });
});

const python = await PythonRuntime.start();
const logs: Array<[LogLevel, string]> = [];
python.log = (level, message) => {
  logs.push([level, message]);
};
const reporter: Reporter = { warn: (m) => python.log("warn", m), error: (m) => python.log("error", m) };
provideParseServices(python, new Evaluator(python, reporter));
await provideSignatureServices(python);

/** Run Python statements (with `d`, an empty datastore, in scope). */
function py(lines: string[], d = DataStore.create({ python, reporter })): DataStore {
  python.exec(lines.join("\n"), d);
  return d;
}

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

test("bb.data.init() is a new, empty datastore of kiln's, with ${@...} run by this Python", () => {
  py([
    "a = bb.data.init()",
    "b = bb.data.init()",
    "assert list(a.keys()) == [], a.keys()",
    "a.setVar('FOO', '${@2*3}')",
    "b.setVar('FOO', 'other')",
    "assert a.getVar('FOO') == '6'",
    "assert b.getVar('FOO') == 'other'",
    "assert isinstance(a, bb.data_smart.DataSmart)",
    "c = bb.data.init_db(a)",
    "c.setVar('FOO', 'changed')",
    "assert (a.getVar('FOO'), c.getVar('FOO')) == ('6', 'changed')",
    "assert list(bb.data.init_db().keys()) == []",
  ]);
});

test("bb.data.expandKeys renames keys holding ${...}, warning when a set variable is replaced", () => {
  logs.length = 0;
  py([
    "d.setVar('X', 'x')",
    "d.setVar('A_${X}', '1')",
    "d.setVar('B_${X}', '2')",
    "d.setVar('B_x', 'old')",
    "bb.data.expandKeys(d)",
    "assert (d.getVar('A_x'), d.getVar('B_x')) == ('1', '2')",
    "assert 'A_${X}' not in d.keys()",
  ]);
  assert.deepEqual(logs, [["warn", "Variable key B_${X} (2) replaces original key B_x (old)."]]);
});

test("bb.data_smart.ExpansionError carries the variable, the expression and the chain", () => {
  py([
    "e = bb.data_smart.ExpansionError('FOO', '${@x}', ValueError('bad'))",
    "assert (e.variablename, e.expression, e.varlist) == ('FOO', '${@x}', ['FOO'])",
    "e.addVar('BAR')",
    "assert str(e).endswith('FOO -> BAR'), str(e)",
    "assert 'ValueError: bad' in str(e)",
  ]);
});

test("a value that fails to expand is bb.data_smart.ExpansionError in metadata Python", () => {
  py([
    "d.setVar('SELF', '${SELF}')",
    "d.setVar('OUTER', 'x ${SELF}')",
    "d.setVar('BAD', '${@1/0}')",
    "for name, cause, chain in (('SELF', Exception, ['SELF']), ('OUTER', Exception, ['SELF', 'OUTER']),",
    "                           ('BAD', ZeroDivisionError, ['BAD'])):",
    "    try:",
    "        d.getVar(name)",
    "    except bb.data_smart.ExpansionError as e:",
    "        assert isinstance(e.exception, cause), (name, e.exception)",
    "        assert e.varlist == chain, (name, e.varlist)",
    "    else:",
    "        raise AssertionError(name + ' expanded')",
    "try:",
    "    d.expand('${@undefined_name}')",
    "except bb.data_smart.ExpansionError as e:",
    "    assert isinstance(e.exception, NameError), e.exception",
    "else:",
    "    raise AssertionError('expanded')",
  ]);
});

test("d.expandWithRefs gives what the value reads, calls and checks; a d cannot be pickled", () => {
  py([
    "d.setVar('A', 'a')",
    "d.setVar('F', 'x y')",
    'p = d.expandWithRefs(\'${A} ${@bb.utils.contains("F", "x", "1", "", d)} ${@len("ab")}\', "V")',
    "assert (p.value, p.references) == ('a 1 2', {'A'}), (p.value, p.references)",
    "assert p.execs == {'len'}, p.execs",
    "assert p.contains == {'F': {'x'}}, p.contains",
    "import pickle",
    "try:",
    "    pickle.dumps(d)",
    "except TypeError as e:",
    "    assert 'cannot be pickled' in str(e), e",
    "else:",
    "    raise AssertionError('pickled')",
  ]);
});

test("the bridge's parseValue gives the references, calls and contains-checks of a value", () => {
  py([
    "import json, kiln_runtime",
    "d.setVar('A', 'a')",
    'v, rest = kiln_runtime._bridge.parseValue(d._h, \'${A} ${@bb.utils.contains("F", "x y", "1", "", d)}\', None)',
    "refs, execs, contains = json.loads(rest)",
    "assert v == 'a ', repr(v)",
    "assert refs == ['A'], refs  # a contains-check is not a reference",
    "assert execs == [], execs",
    "assert contains == [['F', ['x y']]], contains",
    "v, rest = kiln_runtime._bridge.parseValue(d._h, '${@len(\"ab\")}', None)",
    "assert (v, json.loads(rest)[1]) == ('2', ['len']), (v, rest)",
  ]);
});

test("bb.codeparser: what Python code reads and calls, and which commands shell text runs", () => {
  py([
    "p = bb.codeparser.PythonParser('x', None)",
    'p.parse_python(\'d.getVar("A")\\nos.path.join("a", "b")\\nbb.utils.filter("F", "x y", d)\')',
    "assert p.references == {'A'}, p.references",
    "assert p.execs == {'os.path.join'}, p.execs",
    "assert p.contains == {'F': {'x', 'y'}}, p.contains",
    "s = bb.codeparser.ShellParser('x', None)",
    "assert s.parse_shell('f() { g; }\\nfor i in 1; do echo $(h); done; f') == {'echo', 'g', 'h'}",
    "assert s.execs == {'echo', 'g', 'h'}",
  ]);
});

test("bb.data's signature functions answer as kiln's own task signatures", () => {
  const d = py([
    "d.setVar('__BBTASKS', ['do_a', 'do_b'])",
    "d.setVar('do_a', 'helper ${V}')",
    "d.setVarFlag('do_a', 'func', 1)",
    "d.setVar('helper', 'echo ${W}')",
    "d.setVarFlag('helper', 'func', 1)",
    "d.setVar('do_b', 'd.getVar(\"W\")')",
    "d.setVarFlags('do_b', {'func': 1, 'python': 1})",
    "d.setVar('V', 'v')",
    "d.setVar('W', 'w')",
    "d.setVar('IGNORED', 'i')",
    "tasks, deps, values = bb.data.generate_dependencies(d, set())",
    "taskdeps, basehash = bb.data.generate_dependency_hash(tasks, deps, values, set(), 'f.bb')",
    "assert deps['do_a'] == {'helper', 'V'}, deps",
    "one, value = bb.data.build_dependencies('do_a', set(d.keys()), set(), set(), [], set(), d, d)",
    "assert (one, value) == (deps['do_a'], values['do_a']), (one, value)",
    "import json",
    "d.setVar('ANSWER', json.dumps([sorted(taskdeps['do_a']), basehash['f.bb:do_a'], basehash['f.bb:do_b']]))",
  ]);
  const mine = recipeSignatures(d);
  const [closure, hashA, hashB] = JSON.parse(String(d.getVar("ANSWER")));
  assert.deepEqual(closure, [...mine.taskdeps.get("do_a")!].sort());
  assert.deepEqual([hashA, hashB], [mine.basehash.get("do_a"), mine.basehash.get("do_b")]);
});

test("bb.parse.handle: a .conf changes d in place; a recipe gives its finalised variants", () => {
  const conf = file("conf/a.conf", 'A = "1"\nB = "${A}2"\n');
  const recipe = file(
    "r.bb",
    'R = "r"\nBBCLASSEXTEND = "native"\npython () {\n    d.setVar("ANON", "ran")\n}\n',
  );
  file("classes/native.bbclass", 'R = "native"\n');
  py([
    `assert bb.parse.handle(${JSON.stringify(conf)}, d, True) is d`,
    "assert d.getVar('B') == '12'",
    `d.setVar('BBPATH', ${JSON.stringify(tmp)})`,
    `v = bb.parse.handle(${JSON.stringify(recipe)}, d)`,
    "assert sorted(v) == ['', 'native'], sorted(v)",
    "assert (v[''].getVar('R'), v['native'].getVar('R')) == ('r', 'native')",
    "assert v[''].getVar('ANON') == 'ran'",
    "assert d.getVar('ANON') is None  # d holds the parse before finalisation, as in BitBake",
  ]);
});

test("bb.parse.handle raises ParseError for a file it cannot parse or does not know", () => {
  const broken = file("broken.bb", "do_x() {\n  echo\n");
  py([
    "for name in (" + JSON.stringify(broken) + ", 'x.txt'):",
    "    try:",
    "        bb.parse.handle(name, d)",
    "    except bb.parse.ParseError as e:",
    "        assert e.filename.endswith(name), (e.filename, name)",
    "    else:",
    "        raise AssertionError('no ParseError for ' + name)",
  ]);
});

test("bb.parse.handle finds a relative name from Python's working directory, after os.chdir", () => {
  file("here/rel.conf", 'REL = "found"\n');
  py([
    "import os",
    `os.chdir(${JSON.stringify(path.join(tmp, "here"))})`,
    "bb.parse.handle('rel.conf', d, True)",
    "assert d.getVar('REL') == 'found'",
  ]);
});

test("bb.parse.handle raises ExpansionError for a name that fails to expand at finalisation", () => {
  const recipe = file("badkey.bb", 'K = "${@int(\'x\')}"\nA_${K} = "1"\n');
  py([
    "try:",
    `    bb.parse.handle(${JSON.stringify(recipe)}, d)`,
    "except bb.data_smart.ExpansionError as e:",
    "    assert isinstance(e.exception, ValueError), repr(e.exception)",
    "    assert (e.variablename, e.expression) == ('K', \"${@int('x')}\"), (e.variablename, e.expression)",
    "else:",
    "    raise AssertionError('no ExpansionError')",
  ]);
});

test("bb.parse.handle logs and raises BBHandledException where BitBake calls bb.fatal", () => {
  const recipe = file("comment.bb", 'A = "a \\\n# no\nb"\n');
  logs.length = 0;
  py([
    "try:",
    `    bb.parse.handle(${JSON.stringify(recipe)}, d)`,
    "except bb.BBHandledException:",
    "    pass",
    "else:",
    "    raise AssertionError('no BBHandledException')",
  ]);
  assert.equal(logs.length, 1);
  assert.match(logs[0][1], /^There is a comment on line 2 .* in the middle of a multiline expression/);
  assert.equal(logs[0][0], "error");
});
