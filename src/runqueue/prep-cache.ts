// Recipe preparations (signatures and task flags) kept on disk, so that a build where nothing
// changed does not parse recipes in full again — nor start build workers at all. The key is the
// parse cache's fingerprint of the recipe file (parser version, configuration, every file it
// read with its content) plus the target's name; each file carries a checksum and is written
// atomically, and anything unreadable is ignored.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { RecipeSignatures, VarSignature } from "../tasks/index.js";
import { writeFileAtomic } from "../util/atomic.js";
import type { RecipePrep } from "./prep.js";

const FORMAT = "kiln-prep-3";

function fileOf(dir: string, fingerprint: string, name: string): string {
  const key = createHash("sha256").update(`${FORMAT}\0${fingerprint}\0${name}`).digest("hex");
  return path.join(dir, key.slice(0, 2), `${key}.json`);
}

interface Stored extends Omit<RecipePrep, "signatures"> {
  signatures: {
    taskdeps: Array<[string, string[]]>;
    basehash: Array<[string, string]>;
    vars: Array<[string, string[], string | null]>;
  };
}

function toStored(prep: RecipePrep): Stored {
  const s = prep.signatures;
  return {
    ...prep,
    signatures: {
      taskdeps: [...s.taskdeps].map(([k, v]) => [k, [...v]]),
      basehash: [...s.basehash],
      vars: [...s.vars].map(([k, v]) => [k, [...v.deps], v.value]),
    },
  };
}

function fromStored(stored: Stored): RecipePrep {
  const s = stored.signatures;
  const signatures: RecipeSignatures = {
    taskdeps: new Map(s.taskdeps.map(([k, v]) => [k, new Set(v)])),
    basehash: new Map(s.basehash),
    vars: new Map(
      s.vars.map(([k, deps, value]): [string, VarSignature] => [k, { deps: new Set(deps), value }]),
    ),
  };
  return { ...stored, signatures };
}

export function loadPrep(dir: string, fingerprint: string, name: string): RecipePrep | undefined {
  try {
    const raw = JSON.parse(readFileSync(fileOf(dir, fingerprint, name), "utf8")) as {
      sum: string;
      body: string;
    };
    if (createHash("sha256").update(raw.body).digest("hex") !== raw.sum) return undefined;
    return fromStored(JSON.parse(raw.body) as Stored);
  } catch {
    return undefined;
  }
}

export function savePrep(dir: string, fingerprint: string, name: string, prep: RecipePrep): void {
  const file = fileOf(dir, fingerprint, name);
  const body = JSON.stringify(toStored(prep));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify({ sum: createHash("sha256").update(body).digest("hex"), body }));
}
