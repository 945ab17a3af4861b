// build: running builds: build threads, the scheduler, stamps, shared state use.
export { type BuildOptions, type BuildSession, type BuildSummary, runBuild } from "./build.js";
