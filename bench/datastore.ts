// The datastore's own costs, without Python: what a parse does hundreds of thousands of times.
// Prints µs per operation; asserts nothing.

import { DataStore, type Reporter } from "../src/data/index.js";

const quiet: Reporter = { warn: () => {}, error: () => {} };

/** µs per call of `op`, after a warm-up of a tenth as many calls. */
function perCall(op: (i: number) => void, calls: number): number {
  for (let i = 0; i < calls / 10; i++) op(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) op(i);
  return Number(process.hrtime.bigint() - t0) / 1000 / calls;
}

/** A configuration-sized store (3,000 variables referencing each other, overrides, appends),
 * then a recipe's copy of it, as parsing makes one per recipe. */
function recipeStore(): DataStore {
  const config = DataStore.create({ reporter: quiet });
  config.setVar("MACHINE", "qemu");
  config.setVar("OVERRIDES", "linux:${MACHINE}:class-target");
  config.setVar("V0", "zero");
  for (let i = 1; i < 3000; i++) config.setVar(`V${i}`, `value ${i} \${V${i - 1}}`);
  config.setVar("INPUT", "x");
  config.setVar("DERIVED", "${INPUT}-y ${V3}");
  config.setVar("LIST", "a b c");
  config.setVar("LIST:append", " d");
  config.setVar("LIST:qemu", "for qemu");
  for (let i = 0; i < 500; i++) config.setVar(`FILES:pkg${i}`, `/usr/lib/pkg${i}`);
  return config.compactCopy().createCopy();
}

export function benchDatastore(line: (label: string, value: string) => void): void {
  const d = recipeStore();
  const us = (n: number) => `${n.toFixed(3)} µs/op`;
  d.getVar("DERIVED");
  line("datastore: cached expanded read", us(perCall(() => d.getVar("DERIVED"), 500_000)));
  line("datastore: unexpanded read", us(perCall(() => d.getVar("DERIVED", false), 500_000)));
  line("datastore: set a variable", us(perCall(() => d.setVar("PLAIN", "v"), 500_000)));
  const recompute = (i: number) => {
    d.setVar("INPUT", i & 1 ? "w" : "x");
    d.getVar("DERIVED");
  };
  line("datastore: change, then re-expand a reader", us(perCall(recompute, 200_000)));
  const override = (i: number) => {
    d.setVar("LIST:qemu", i & 1 ? "one" : "two");
    d.getVar("LIST");
  };
  line("datastore: change, then resolve overrides", us(perCall(override, 200_000)));
  const rename = (i: number) => {
    d.setVar("FILES:${NAME}", "/x");
    d.setVar("NAME", `n${i % 50}`);
    d.renameVar("FILES:${NAME}", `FILES:n${i % 50}`);
  };
  line("datastore: rename an override-suffixed key", us(perCall(rename, 50_000)));
  const copy = () => {
    const c = d.createCopy();
    c.setVar("INPUT", "copy");
    c.getVar("DERIVED");
  };
  line("datastore: copy, change, re-expand", us(perCall(copy, 100_000)));
}
