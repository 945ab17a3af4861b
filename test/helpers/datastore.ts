// A datastore for unit tests: warnings and errors go nowhere, inline Python is what the test gives.

import { DataStore, type InlinePython, type Reporter } from "../../src/data/index.js";

export const quiet: Reporter = { warn: () => {}, error: () => {} };

export const store = (python?: InlinePython) => DataStore.create({ reporter: quiet, python });
