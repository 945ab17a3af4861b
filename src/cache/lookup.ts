// Is there an entry for a key, locally or on a mirror? Asks mirrors without downloading archives.

import { entryPresent } from "./entry.js";
import { MirrorError, mirrorHas, mirrorUrls } from "./mirrors.js";
import { entryPaths } from "./naming.js";
import { DEFAULT_TIMEOUT_MS } from "./restore.js";
import type { SstateConfig, SstateKey } from "./types.js";

/** True when SSTATE_DIR, or a mirror (HEAD requests), has both the archive and its .sha256. */
export async function hasOutputs(cfg: SstateConfig, key: SstateKey): Promise<boolean> {
  const paths = entryPaths(cfg.dir, key);
  if (await entryPresent(paths)) return true;
  const timeout = cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  for (const url of mirrorUrls(cfg.mirrors, paths.rel, cfg.log)) {
    try {
      const found = await Promise.all([mirrorHas(url, timeout), mirrorHas(`${url}.sha256`, timeout)]);
      if (found[0] && found[1]) return true;
    } catch (e) {
      if (!(e instanceof MirrorError)) throw e;
      cfg.log?.(`sstate mirror: ${e.message}`);
    }
  }
  return false;
}
