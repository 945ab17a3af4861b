// Matching FILES patterns against the (in-memory) tree of PKGD, with the semantics OpenEmbedded
// gives FILES: Python's glob.glob(pattern, recursive=True) run from the package root. So "*", "?",
// "[seq]" and "[!seq]" match within one path component ("/usr/lib/*" does not reach into
// /usr/lib/pkgconfig/, it matches the directory itself, which then goes whole); a component that is
// exactly "**" matches zero or more directories; names starting with "." are matched only by a
// component that starts with "." too (and never by "**"). A pattern without wildcards names one
// entry, which need not be a directory. Symbolic links are entries like files: they are matched,
// but never followed into.

import { fnmatchRegExp } from "../util/glob.js";
import { byteOrder, pathOf, type TreeNode } from "./tree.js";

const MAGIC = /[*?[]/;

/** A FILES pattern as path components relative to the package root ("/usr/bin/" → usr, bin). */
export function patternParts(pattern: string): string[] {
  return pattern.split("/").filter((p) => p !== "" && p !== ".");
}

function descendantsAndSelf(node: TreeNode, dirsOnly: boolean, out: TreeNode[]): void {
  out.push(node);
  if (node.kind !== "dir") return;
  for (const child of node.children!.values()) {
    if (child.name.startsWith(".")) continue;
    if (child.kind === "dir") descendantsAndSelf(child, dirsOnly, out);
    else if (!dirsOnly) out.push(child);
  }
}

function expand(node: TreeNode, parts: string[], i: number, out: Set<TreeNode>): void {
  if (i === parts.length) {
    out.add(node);
    return;
  }
  if (node.kind !== "dir") return;
  const part = parts[i]!;
  if (part === "**") {
    const last = i === parts.length - 1;
    const found: TreeNode[] = [];
    descendantsAndSelf(node, !last, found);
    for (const n of found) {
      if (last) out.add(n);
      else expand(n, parts, i + 1, out);
    }
    return;
  }
  if (!MAGIC.test(part)) {
    const child = node.children!.get(part);
    if (child) expand(child, parts, i + 1, out);
    return;
  }
  const re = fnmatchRegExp(part);
  const hiddenOk = part.startsWith(".");
  for (const child of node.children!.values()) {
    if (child.name.startsWith(".") && !hiddenOk) continue;
    if (re.test(child.name)) expand(child, parts, i + 1, out);
  }
}

/**
 * The entries of the tree `root` that `pattern` matches, sorted by path (a directory comes before
 * everything in it). An empty pattern (or "/") matches nothing.
 */
export function globTree(root: TreeNode, pattern: string): TreeNode[] {
  const parts = patternParts(pattern);
  if (parts.length === 0) return [];
  const out = new Set<TreeNode>();
  expand(root, parts, 0, out);
  out.delete(root);
  return [...out]
    .map((n) => ({ n, p: pathOf(n) }))
    .sort((a, b) => byteOrder(a.p, b.p))
    .map((x) => x.n);
}
