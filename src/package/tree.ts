// An in-memory picture of a directory tree (names and entry kinds only: never owners, which may
// exist only inside a fakeroot session). The splitter plans every move on this picture first, so
// that the whole split runs as one script under the fakeroot prefix.

import { lstatSync, readdirSync } from "node:fs";
import path from "node:path";

export type EntryKind = "dir" | "file" | "link" | "other";

export interface TreeNode {
  name: string;
  kind: EntryKind;
  /** Children by name (directories only). */
  children?: Map<string, TreeNode>;
  parent?: TreeNode;
  /** Modification time as "<seconds>.<nanoseconds>" (directories read from disk), for `touch -d @`. */
  mtime?: string;
}

function kindOf(mode: number): EntryKind {
  const type = mode & 0o170000;
  if (type === 0o040000) return "dir";
  if (type === 0o100000) return "file";
  if (type === 0o120000) return "link";
  return "other";
}

function timeOf(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  const frac = ns % 1_000_000_000n;
  return `${sec}.${frac.toString().padStart(9, "0")}`;
}

/** Read `dir` recursively (symbolic links are not followed). */
export function readTree(dir: string): TreeNode {
  const st = lstatSync(dir, { bigint: true });
  const root: TreeNode = { name: "", kind: "dir", children: new Map(), mtime: timeOf(st.mtimeNs) };
  const fill = (node: TreeNode, abs: string): void => {
    for (const name of readdirSync(abs).sort()) {
      const p = path.join(abs, name);
      const s = lstatSync(p, { bigint: true });
      const child: TreeNode = { name, kind: kindOf(Number(s.mode)), parent: node };
      if (child.kind === "dir") {
        child.children = new Map();
        child.mtime = timeOf(s.mtimeNs);
        fill(child, p);
      }
      node.children!.set(name, child);
    }
  };
  fill(root, dir);
  return root;
}

/** The node at relative path `rel` ("" is the root), if it is (still) in the tree. */
export function lookup(root: TreeNode, rel: string): TreeNode | undefined {
  let node: TreeNode | undefined = root;
  for (const part of rel.split("/")) {
    if (part === "") continue;
    node = node.children?.get(part);
    if (!node) return undefined;
  }
  return node;
}

/** The relative path of a node ("" for the root). */
export function pathOf(node: TreeNode): string {
  const parts: string[] = [];
  for (let n: TreeNode | undefined = node; n?.parent; n = n.parent) parts.push(n.name);
  return parts.reverse().join("/");
}

/** Add an entry (and missing parent directories) at `rel`; returns the new or existing node. */
export function addPath(root: TreeNode, rel: string, kind: EntryKind): TreeNode {
  const parts = rel.split("/").filter((p) => p !== "");
  let node = root;
  parts.forEach((name, i) => {
    let child = node.children!.get(name);
    if (!child) {
      const k = i === parts.length - 1 ? kind : "dir";
      child = { name, kind: k, parent: node, children: k === "dir" ? new Map() : undefined };
      node.children!.set(name, child);
    }
    node = child;
  });
  return node;
}

/** Take a node out of the tree. */
export function detach(node: TreeNode): void {
  node.parent?.children?.delete(node.name);
  node.parent = undefined;
}

/** Every non-directory entry below `node`, as sorted relative paths of the tree's root. */
export function leafPaths(node: TreeNode): string[] {
  const out: string[] = [];
  const walk = (n: TreeNode): void => {
    if (n.kind !== "dir") out.push(pathOf(n));
    else for (const c of n.children!.values()) walk(c);
  };
  walk(node);
  return out.sort(byteOrder);
}

/** Sort comparator: plain code-unit order (the order of `LC_ALL=C sort` for ASCII names). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every entry under `dir` on disk as sorted relative paths: non-directories, and all entries. */
export function listDisk(dir: string): { files: string[]; entries: number } {
  const files: string[] = [];
  let entries = 0;
  const walk = (abs: string, rel: string): void => {
    for (const d of readdirSync(abs, { withFileTypes: true })) {
      entries++;
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(path.join(abs, d.name), r);
      else files.push(r);
    }
  };
  walk(dir, "");
  return { files: files.sort(byteOrder), entries };
}
