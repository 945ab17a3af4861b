// `kiln parse`: parse every recipe (in parallel, reusing the parse cache) and print BitBake's
// summary line.

import { summaryLine } from "../parse/index.js";
import { parseTree } from "../resolve/index.js";
import { fail } from "./report.js";
import { openSession, treeOptions } from "./session.js";

export async function parse(opts: { jobs?: string; cache?: boolean }): Promise<void> {
  try {
    const { ev, configs, reporter } = await openSession({ tracking: false });
    const tree = await parseTree(
      ev,
      configs,
      reporter,
      treeOptions({
        ...(opts.jobs ? { jobs: Number(opts.jobs) } : {}),
        ...(opts.cache === false ? { cache: false } : {}),
      }),
    );
    process.stdout.write(`${summaryLine(tree.stats)}\n`);
  } catch (e) {
    fail(e);
  }
}
