// What metadata Python reaches of this module through kiln's bb package: the shell parser
// (bb.codeparser.ShellParser) and task signatures (bb.data.build_dependencies,
// generate_dependencies, generate_dependency_hash), answered by the code kiln's own signatures use.

import type { PythonRuntime } from "../python/index.js";
import { initShellParser, shellExecs } from "./shell.js";
import {
  buildDependencies,
  dependencyContext,
  dependencyHashes,
  generateDependencies,
  type VarSignature,
} from "./signatures.js";

/** Register the services with `python` (after loading the shell grammar they need). */
export async function provideSignatureServices(python: PythonRuntime): Promise<void> {
  await initShellParser();
  python.provideTool("codeparser.shell", (args) => shellExecs((args as { text: string }).text));

  python.provide("data.build_dependencies", (d, args) => {
    const a = args as {
      key: string;
      keys: string[];
      shelldeps: string[];
      varflagsexcl: string | string[];
      ignored: string[];
      codedata: number;
    };
    const { deps, value } = buildDependencies(a.key, {
      d,
      codeData: python.datastore(a.codedata),
      keys: new Set(a.keys),
      shelldeps: new Set(a.shelldeps),
      excludedFlags: a.varflagsexcl, // a list (2.18 on) or text (before), as the caller made it
      ignored: new Set(a.ignored),
    });
    return [[...deps].sort(), value];
  });

  python.provide("data.generate_dependencies", (d, args) => {
    const { ignored } = args as { ignored: string[] };
    const { tasks, vars } = generateDependencies(dependencyContext(d, new Set(ignored)));
    const deps: Record<string, string[]> = {};
    const values: Record<string, string | null> = {};
    for (const [name, v] of vars) {
      deps[name] = [...v.deps].sort();
      values[name] = v.value;
    }
    return [tasks, deps, values];
  });

  python.provideTool("data.dependency_hash", (args) => {
    const a = args as {
      tasks: string[];
      deps: Record<string, string[]>;
      values: Record<string, string | null>;
    };
    const vars = new Map<string, VarSignature>(
      Object.entries(a.deps).map(([name, deps]) => [
        name,
        { deps: new Set(deps), value: a.values[name] ?? null },
      ]),
    );
    const { taskdeps, basehash } = dependencyHashes(a.tasks, vars);
    return [
      Object.fromEntries([...taskdeps].map(([task, names]) => [task, [...names].sort()])),
      Object.fromEntries(basehash),
    ];
  });
}
