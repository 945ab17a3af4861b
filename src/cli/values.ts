// Rendering datastore values for output (the helpers live with the datastore).
export { renderValue, splitFlag } from "../data/index.js";
