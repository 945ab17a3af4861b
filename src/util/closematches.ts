// Python's difflib.get_close_matches, for "did you mean" hints worded as BitBake words them:
// the best (up to n) candidates whose similarity ratio with the word is at least the cutoff.
// The ratio is 2*M/T, M counting characters in difflib's matching blocks (textdiff.ts).

import { matchingBlocks } from "./textdiff.js";

function ratio(a: string, b: string): number {
  const [x, y] = [[...a], [...b]];
  const matching = matchingBlocks(x, y).reduce((sum, [, , size]) => sum + size, 0);
  return x.length + y.length ? (2 * matching) / (x.length + y.length) : 1;
}

/** An upper bound of ratio() from character counts (difflib's quick_ratio). */
function quickRatio(a: string, b: string): number {
  const counts = new Map<string, number>();
  for (const c of b) counts.set(c, (counts.get(c) ?? 0) + 1);
  let matches = 0;
  for (const c of a) {
    const n = counts.get(c) ?? 0;
    if (n > 0) matches++;
    counts.set(c, n - 1);
  }
  const total = a.length + b.length;
  return total ? (2 * matches) / total : 1;
}

export function closeMatches(word: string, possibilities: string[], n = 3, cutoff = 0.6): string[] {
  const scored: Array<[number, string]> = [];
  for (const x of possibilities) {
    // difflib compares with the candidate as the first sequence and the word as the second.
    const upper = (2 * Math.min(x.length, word.length)) / (x.length + word.length || 1);
    if (upper >= cutoff && quickRatio(x, word) >= cutoff) {
      const r = ratio(x, word);
      if (r >= cutoff) scored.push([r, x]);
    }
  }
  // Highest score first; equal scores: the greater string first (heapq.nlargest on tuples).
  scored.sort((p, q) => (q[0] !== p[0] ? q[0] - p[0] : q[1] > p[1] ? 1 : q[1] < p[1] ? -1 : 0));
  return scored.slice(0, n).map(([, x]) => x);
}
