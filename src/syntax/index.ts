// syntax: metadata text to located statements. Knows nothing of datastores or layers.
export { type ParsedFile, type ParseOptions, parseText, type Warning } from "./parser.js";
export { isPySpace, PY_WS, pyLines, pyLstrip, pyRstrip, pySplit, pyStrip } from "./pystr.js";
export * from "./statements.js";
