// Finding the kickstart file of an image as OpenEmbedded's image_types_wic.bbclass does: the
// first name of WKS_FILES that exists, an absolute name as it is, a relative one in the
// directories of WKS_SEARCH_PATH in order.

import { existsSync, statSync } from "node:fs";
import path from "node:path";

export function findKickstart(names: string[], searchPath: string[]): string | undefined {
  for (const name of names) {
    if (path.isAbsolute(name)) {
      if (existsSync(name)) return name;
      continue;
    }
    for (const dir of searchPath) {
      const p = path.join(dir, name);
      if (existsSync(p) && statSync(p).isFile()) return p;
    }
  }
  return undefined;
}
