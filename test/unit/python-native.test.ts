// kiln's native Python (the host's CPython through native/kiln_python.c): values cross as they do
// under Pyodide, Python objects stay Python objects, failures on either side reach the other.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { nativeBuild, type PythonEngine, startNative } from "../../src/python/engine.js";
import { PYTHON_LIB_DIR } from "../../src/python/runtime.js";

const cacheDir = mkdtempSync(path.join(os.tmpdir(), "kiln-native-"));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

// CI builds the addon (.ci/run installs Python's headers); a missing build is a failure here.
assert.ok(nativeBuild(), "the native Python addon is built (npm run build; needs python3-dev and gcc)");
const py: PythonEngine = startNative({ cacheDir });
py.exec(`import sys\nsys.path.insert(0, ${JSON.stringify(PYTHON_LIB_DIR)})`);
py.exec(
  [
    "import kiln_ffi",
    "def echo(x): return x",
    "def kind(x): return type(x).__name__",
    "def deep(x): return kiln_ffi.to_js(x)",
    "def call_js(fn, *args): return fn(*args)",
    "def catch_js(fn):",
    "    try:",
    "        fn()",
    "    except Exception as e:",
    "        return [type(e).__name__, str(e), e.js_error]",
    "class Thing:",
    "    def __str__(self): return 'a thing'",
  ].join("\n"),
);
const main = py.import("__main__");
const fn = (name: string) => py.get(main, name) as object;

test("plain values cross both ways unchanged", () => {
  // Long strings around the addon's 256-byte buffer, cut inside a multi-byte character too.
  const long = [250, 251, 252, 253, 254, 255, 256, 300].flatMap((n) => [
    "a".repeat(n),
    `${"a".repeat(n)}é🙂`,
  ]);
  for (const v of [
    "",
    "ascii",
    "café",
    "Ωmega",
    "emoji 🙂 here",
    ...long,
    0,
    42,
    -7,
    2 ** 53,
    1.5,
    true,
    false,
  ]) {
    assert.deepEqual(py.call(fn("echo"), v), v);
  }
  assert.equal(py.call(fn("echo"), undefined), undefined);
  assert.equal(py.call(fn("echo"), null), undefined, "null arrives as None, which returns as undefined");
  assert.equal(py.call(fn("kind"), 3), "int");
  assert.equal(py.call(fn("kind"), 3.25), "float");
  assert.equal(py.call(fn("kind"), "x"), "str");
});

test("JavaScript containers arrive as Python ones", () => {
  assert.equal(py.call(fn("kind"), ["a", 1]), "list");
  assert.equal(py.call(fn("kind"), new Set(["a"])), "set");
  assert.equal(py.call(fn("kind"), new Map([["k", "v"]])), "dict");
  assert.equal(py.call(fn("kind"), { k: "v" }), "dict");
  assert.equal(py.call(fn("kind"), new Uint8Array([1, 2])), "bytes");
  py.exec("def describe(x): return repr(x)");
  assert.equal(
    py.call(fn("describe"), [["a", 1], new Set(["s"]), { k: [true, null] }]),
    "[['a', 1], {'s'}, {'k': [True, None]}]",
  );
});

test("Python containers stay Python objects unless converted with to_js", () => {
  py.exec("a_list = ['x', 'y']\na_set = {'z'}");
  const list = py.get(main, "a_list");
  assert.ok(py.isPyObject(list), "a list stays a Python object");
  assert.equal(String(list), "['x', 'y']", "its str() is Python's");
  // Handed back to Python it is the same object, not a copy.
  py.exec("def same(x): return x is a_list");
  assert.equal(py.call(fn("same"), list), true);
  assert.deepEqual(py.call(fn("deep"), list), ["x", "y"]);
  assert.deepEqual(py.call(fn("deep"), py.get(main, "a_set")), new Set(["z"]));
  assert.deepEqual(py.call(fn("deep"), py.call(fn("echo"), new Uint8Array([7, 8]))), new Uint8Array([7, 8]));
  const thing = py.call(py.get(main, "Thing") as object);
  assert.ok(py.isPyObject(thing));
  assert.equal(`${thing}`, "a thing");
});

test("Python calls JavaScript functions, and their failures arrive as JsException", () => {
  assert.equal(
    py.call(fn("call_js"), (a: string, b: number) => `${a}:${b}`, "n", 5),
    "n:5",
  );
  const error = new Error("from JavaScript");
  const [type, message, original] = py.call(
    fn("deep"),
    py.call(fn("catch_js"), () => {
      throw error;
    }),
  ) as [string, string, unknown];
  assert.equal(type, "JsException");
  assert.equal(message, "from JavaScript");
  assert.equal(original, error, "the JavaScript error itself comes back");
});

test("a Python exception reaches JavaScript as PythonError with its type and traceback", () => {
  py.exec("def fail(): raise ValueError('bad value')");
  assert.throws(
    () => py.call(fn("fail")),
    (e: Error & { type?: string }) => {
      assert.ok(py.isPythonError(e));
      assert.equal(e.type, "ValueError");
      assert.match(e.message, /Traceback[\s\S]*ValueError: bad value/);
      return true;
    },
  );
  assert.throws(
    () => py.exec("syntax error here"),
    (e: Error) => py.isPythonError(e) && /SyntaxError/.test(e.message),
  );
});

test("print() goes to the output given, line by line", () => {
  const lines: string[] = [];
  py.setOutput((line) => lines.push(line));
  py.exec("print('one'); print('two', end=''); print(' three')");
  assert.deepEqual(lines, ["one", "two three"]);
});

test("only the thread that started it may use native Python", () => {
  assert.throws(() => startNative({ cacheDir }), /started already/);
});
