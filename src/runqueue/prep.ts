// What the scheduler needs to know about a recipe before it can decide what to run: the
// signatures of its tasks and, per task, the flags that change how it is scheduled.

import { type DataStore, isTrueWord } from "../data/index.js";
import { fakerootStateFile } from "../exec/index.js";
import { pySplit } from "../syntax/index.js";
import { type RecipeSignatures, recipeSignatures } from "../tasks/index.js";

export interface TaskPrep {
  /** [file-checksums], expanded. */
  fileChecksums: string;
  nostamp: boolean;
  noexec: boolean;
  fakeroot: boolean;
  /** Directories the task's results live in, kept in shared state ([sstate-outputdirs]). */
  sstateDirs: string[];
  /**
   * [kiln-deploy]: a shared directory the task's output directories are copied into after the
   * task ran or was restored (a recipe's packages into the feed, its sysroot into the components).
   */
  deployInto: string;
}

export interface RecipePrep {
  name: string;
  pn: string;
  /** "mc:NAME:" in a multiconfig, else "". */
  mcPrefix: string;
  signatures: RecipeSignatures;
  ignoreVars: string[];
  ignoreTasks: string | null;
  /** ${STAMP}: stamp files are STAMP.TASK.HASH. */
  stamp: string;
  tmpdir: string;
  /** Where [fakeroot] tasks keep the owners and modes they gave files. */
  fakerootState: string;
  sstateDir: string;
  sstateMirrors: string;
  tasks: Record<string, TaskPrep>;
}

export function recipePrep(name: string, d: DataStore): RecipePrep {
  const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  const mc = str(d.getVar("BB_CURRENT_MC"));
  const tasks: Record<string, TaskPrep> = {};
  for (const task of (d.getVar("__BBTASKS", false) as string[] | undefined) ?? []) {
    tasks[task] = {
      fileChecksums: str(d.getVarFlag(task, "file-checksums")),
      nostamp: isTrueWord(d.getVarFlag(task, "nostamp")),
      noexec: isTrueWord(d.getVarFlag(task, "noexec")),
      fakeroot: isTrueWord(d.getVarFlag(task, "fakeroot")),
      sstateDirs: pySplit(str(d.getVarFlag(task, "sstate-outputdirs"))),
      deployInto: str(d.getVarFlag(task, "kiln-deploy")),
    };
  }
  return {
    name,
    pn: str(d.getVar("PN")),
    mcPrefix: mc && mc !== "default" ? `mc:${mc}:` : "",
    signatures: recipeSignatures(d),
    ignoreVars: pySplit(str(d.getVar("BB_BASEHASH_IGNORE_VARS"))),
    ignoreTasks: str(d.getVar("BB_TASKHASH_IGNORE_TASKS")) || null,
    stamp: str(d.getVar("STAMP")),
    tmpdir: str(d.getVar("TMPDIR")),
    fakerootState: fakerootStateFile(d),
    sstateDir: str(d.getVar("SSTATE_DIR")),
    sstateMirrors: str(d.getVar("SSTATE_MIRRORS")),
    tasks,
  };
}
