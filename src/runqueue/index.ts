// runqueue: running builds, as BitBake's runqueue and worker do: build workers, the plan and its
// execution, stamps, shared state use.
export { type BuildOptions, type BuildSession, type BuildSummary, runBuild } from "./build.js";
