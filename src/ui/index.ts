// ui: what the user sees while kiln works.
export { type BuildProgress, createProgress, type ProgressOptions, type TaskResult } from "./progress.js";
