// Which BitBake kiln behaves as. kiln speaks every BitBake from 2.12 on; where releases differ in
// something metadata can observe, it behaves as the BitBake the build's OpenEmbedded-Core release
// is made for. That release is named by the core layer's LAYERSERIES_CORENAMES (the series every
// other layer's LAYERSERIES_COMPAT is checked against): walnascar is BitBake 2.12, whinlatter
// 2.16, wrynose 2.18. A series kiln does not know is newer than these (master lists the next
// release's name), and a build without a core layer (BitBake's own test cases) gets the newest.

import { type BitBakeVersion, NEWEST_BITBAKE } from "../data/index.js";

/** OpenEmbedded-Core release series and the BitBake each is made for; older series than these
 * are spoken as 2.12, kiln's oldest. */
const SERIES_BITBAKE: Record<string, number> = {
  kirkstone: 12,
  langdale: 12,
  mickledore: 12,
  nanbield: 12,
  scarthgap: 12,
  styhead: 12,
  walnascar: 12,
  whinlatter: 16,
  wrynose: 18,
};

/** The BitBake a core layer of these series names is made for (the newest among them). */
export function bitbakeForSeries(series: Iterable<string>): BitBakeVersion {
  let minor = -1;
  for (const name of series) {
    const known = SERIES_BITBAKE[name];
    if (known === undefined) return NEWEST_BITBAKE;
    minor = Math.max(minor, known);
  }
  return minor < 0 ? NEWEST_BITBAKE : { major: 2, minor };
}
