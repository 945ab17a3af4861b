import assert from "node:assert/strict";
import { test } from "node:test";
import { FatalParseError, ParseError, parseText, type Statement } from "../../src/syntax/index.js";

const conf = (text: string) => parseText(text, "/l/conf/x.conf", { conf: true }).statements;
const recipe = (text: string, file = "/l/recipes/foo_1.0.bb") =>
  parseText(text, file, { conf: false }).statements;
const only = (sts: Statement[]) => {
  assert.equal(sts.length, 1);
  return sts[0];
};

test("every assignment operator is recognised with its value", () => {
  for (const op of ["=", ":=", "?=", "??=", "+=", "=+", ".=", "=."]) {
    const st = only(conf(`A ${op} "v"`));
    assert.equal(st.kind, "assign");
    if (st.kind === "assign") {
      assert.equal(st.op, op);
      assert.equal(st.name, "A");
      assert.equal(st.value, "v");
    }
  }
});

test("values keep backslashes and inner quotes; single quotes work", () => {
  const [a, b] = conf(`A = "x \\"y\\" z"\nB = 'say "hi"'`);
  assert.equal(a.kind === "assign" && a.value, 'x \\"y\\" z');
  assert.equal(b.kind === "assign" && b.value, 'say "hi"');
});

test("flags, exports and override-style names", () => {
  const [flag, exp, ov] = conf(`A[doc] += "d"\nexport B = "1"\nC:append:x = " y"`);
  assert.deepEqual(flag.kind === "assign" && [flag.name, flag.flag, flag.op], ["A", "doc", "+="]);
  assert.equal(exp.kind === "assign" && exp.exported, true);
  assert.equal(ov.kind === "assign" && ov.name, "C:append:x");
});

test("continuation joins lines keeping leading whitespace; the statement takes the last line number", () => {
  const st = only(conf(`A = "one \\\n   two"\n`));
  assert.equal(st.kind === "assign" && st.value, "one    two");
  assert.equal(st.line, 2);
});

test("comments and blank lines are skipped; '#' inside a value is kept", () => {
  const sts = conf(
    `# c\n\nA = "x # y"\n  # indented comment is not a comment\n`.replace(
      "  # indented comment is not a comment\n",
      "",
    ),
  );
  assert.equal(sts.length, 1);
  assert.equal(sts[0].kind === "assign" && sts[0].value, "x # y");
});

test("include, require, include_all, export, unset, unset flag", () => {
  const sts = conf(`include a.inc\nrequire b.inc\ninclude_all c.conf\nexport X\nunset Y\nunset Z[fl]`);
  assert.deepEqual(
    sts.map((s) => s.kind),
    ["include", "include", "include_all", "export", "unset", "unset"],
  );
  assert.equal(sts[1].kind === "include" && sts[1].required, true);
  assert.equal(sts[5].kind === "unset" && sts[5].flag, "fl");
});

test("an unterminated quote is an unparsed line, located", () => {
  assert.throws(
    () => conf(`A = "x"\nB = "never closed\n`),
    (e: unknown) => e instanceof ParseError && e.line === 2 && /unparsed line/.test(e.message),
  );
});

test("addpylib is only accepted in base configuration files", () => {
  assert.throws(() => conf("addpylib ${LAYERDIR}/lib oe"), ParseError);
  const st = only(
    parseText("addpylib ${LAYERDIR}/lib oe", "/l/conf/layer.conf", { conf: true, baseconfig: true })
      .statements,
  );
  assert.deepEqual(st.kind === "addpylib" && [st.dir, st.namespace], ["${LAYERDIR}/lib", "oe"]);
});

test("shell, fakeroot, python and anonymous functions", () => {
  const sts = recipe(
    `do_a () {\n    echo a\n}\nfakeroot do_b() {\n}\npython do_c () {\n    pass\n}\npython () {\n    x = 1\n}\npython __anonymous () {\n}\n`,
  );
  const fns = sts.filter((s) => s.kind === "function");
  assert.deepEqual(
    fns.map((f) => f.kind === "function" && [f.name, f.python, f.fakeroot]),
    [
      ["do_a", false, false],
      ["do_b", false, true],
      ["do_c", true, false],
      ["__anonymous", true, false],
      ["__anonymous", true, false],
    ],
  );
  assert.deepEqual(fns[0].kind === "function" && fns[0].body, ["    echo a", ""]);
});

test("python def blocks end at the first unindented line and keep their module name", () => {
  const sts = recipe(`def f(d):\n    return 1\n\n    # c\nA = "x"\n`, "/l/classes/helpers.bbclass");
  assert.equal(sts.length, 2);
  const def = sts[0];
  assert.equal(def.kind, "def");
  if (def.kind === "def") {
    assert.equal(def.name, "f");
    assert.equal(def.module, "helpers.bbclass");
    assert.deepEqual(def.body, ["def f(d):", "    return 1", "", "    # c"]);
    assert.equal(def.line, 5);
  }
});

test("addtask splits before/after words; deltask, addhandler, inherit, inherit_defer, EXPORT_FUNCTIONS", () => {
  const sts = recipe(
    "addtask b after do_a before do_build\ndeltask c\naddhandler h1 h2\ninherit x ${Y}\ninherit_defer z\nEXPORT_FUNCTIONS do_compile do_install\n",
    "/l/classes/builder.bbclass",
  );
  const [add, del, handler, inh, defer, exp] = sts;
  assert.deepEqual(add.kind === "addtask" && [add.tasks, add.after, add.before], ["b", "do_a", "do_build"]);
  assert.equal(del.kind === "deltask" && del.tasks, "c");
  assert.deepEqual(handler.kind === "addhandler" && handler.names, ["h1", "h2"]);
  assert.deepEqual(inh.kind === "inherit" && [inh.classes, inh.deferred], ["x ${Y}", false]);
  assert.deepEqual(defer.kind === "inherit" && [defer.classes, defer.deferred], ["z", true]);
  assert.deepEqual(exp.kind === "export_functions" && [exp.names, exp.className], [
    ["do_compile", "do_install"],
    "builder",
  ]);
});

test("a task name containing an override keyword is refused", () => {
  assert.throws(() => recipe("addtask foo:append_x\n"), ParseError);
});

test("an unclosed function is an error naming where it opened", () => {
  assert.throws(
    () => recipe("A = 'x'\ndo_x () {\n    echo\n"),
    (e: unknown) => e instanceof ParseError && e.line === 2,
  );
});

test("a comment inside a continued line is refused", () => {
  assert.throws(() => recipe('A = "a \\\n# no\nb"\n'), ParseError);
});

test("the errors BitBake reports with bb.fatal are FatalParseErrors; others are not", () => {
  // A comment inside a continued value; a continued comment followed by code (recipe, .conf).
  assert.throws(() => recipe('A = "a \\\n# no\nb"\n'), FatalParseError);
  assert.throws(() => recipe("# one \\\n# two \\\n\n"), FatalParseError);
  assert.throws(() => conf('# one \\\nA = "a"\n'), FatalParseError);
  assert.throws(
    () => recipe("do_x () {\n    echo\n"),
    (e: unknown) => e instanceof ParseError && !(e instanceof FatalParseError),
  );
});

test("an assignment without whitespace around its operator is parsed, with BitBake 2.16's warning", () => {
  const parsed = parseText('A+="a"\nB ="b"\nC= "c"\nD = "d"\n', "x.conf", { conf: true });
  assert.deepEqual(
    parsed.statements.map((s) => (s.kind === "assign" ? [s.name, s.op] : s.kind)),
    [
      ["A", "+="],
      ["B", "="],
      ["C", "="],
      ["D", "="],
    ],
  );
  assert.deepEqual(
    parsed.warnings.map((w) => w.message),
    [
      "x.conf:1 has a lack of whitespace around the assignment: 'A+=\"a\"'",
      "x.conf:2 has a lack of whitespace around the assignment: 'B =\"b\"'",
      "x.conf:3 has a lack of whitespace around the assignment: 'C= \"c\"'",
    ],
  );
});
