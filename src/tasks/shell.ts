// Which commands a shell function runs, for task signatures: every simple command's name
// (also inside $(...), backquotes, pipelines, loops and conditionals), `eval` text parsed in turn,
// minus the functions the text defines itself. Parsed with tree-sitter-bash (a real bash grammar),
// adjacent backquote substitutions first set apart (see backquotes.ts).

import { createRequire } from "node:module";
import { Language, type Node, Parser } from "web-tree-sitter";
import { separateBackquotes } from "./backquotes.js";

let parser: Parser | null = null;

/** Load the bash grammar once per process (WebAssembly). */
export async function initShellParser(): Promise<void> {
  if (parser) return;
  await Parser.init();
  const require = createRequire(import.meta.url);
  const bash = await Language.load(require.resolve("tree-sitter-bash/tree-sitter-bash.wasm"));
  parser = new Parser();
  parser.setLanguage(bash);
}

const memo = new Map<string, string[]>();

/** The commands `text` runs (sorted), as BitBake's ShellParser reports them. */
export function shellExecs(text: string): string[] {
  const known = memo.get(text);
  if (known) return known;
  if (!parser) throw new Error("kiln internal error: initShellParser() was not awaited");
  const execs = new Set<string>();
  const defined = new Set<string>();
  collect(text, execs, defined);
  const result = [...execs].filter((e) => !defined.has(e)).sort();
  memo.set(text, result);
  return result;
}

function collect(text: string, execs: Set<string>, defined: Set<string>): void {
  const tree = parser!.parse(separateBackquotes(text));
  if (!tree) return;
  const visit = (node: Node) => {
    if (node.type === "function_definition") {
      const name = node.childForFieldName("name");
      if (name) defined.add(name.text);
    } else if (node.type === "command") {
      const name = node.childForFieldName("name");
      const word = name?.text ?? "";
      if (word === "eval") {
        // Words keep their quotes, as BitBake's parser keeps them: `eval "f"` does not call f.
        const args = node.childrenForFieldName("argument").map((a) => a?.text ?? "");
        collect(args.join(" "), execs, defined);
      } else if (word && !word.startsWith("$") && !word.startsWith("`")) {
        execs.add(word);
      }
    }
    for (const child of node.namedChildren) if (child) visit(child);
  };
  visit(tree.rootNode);
  tree.delete();
}
