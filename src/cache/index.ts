// kiln's shared state (sstate) cache: the output directories of a successful task, stored in
// SSTATE_DIR under the task's hash, restored instead of running the task again; entries missing
// locally are fetched from SSTATE_MIRRORS. See naming.ts (file names), archive.ts (archive
// format), entry.ts (write order), restore.ts (verification) and mirrors.ts (SSTATE_MIRRORS).

export type { Manifest } from "./entry.js";
export { hasOutputs } from "./lookup.js";
export { type MirrorRule, mirrorUrls, parseSstateMirrors } from "./mirrors.js";
export { sstateName } from "./naming.js";
export { restoreOutputs } from "./restore.js";
export { storeOutputs } from "./store.js";
export type { OutputDir, RestoreResult, SstateConfig, SstateKey, StoreResult } from "./types.js";
