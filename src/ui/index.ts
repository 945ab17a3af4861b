// ui: what the user sees while kiln works.
export { type BuildProgress, createProgress, type TaskResult } from "./progress.js";
