// Python's difflib.get_close_matches, for "did you mean" hints worded as BitBake words them:
// the best (up to n) candidates whose similarity ratio with the word is at least the cutoff.
// The ratio is 2*M/T, M counting characters in the matching blocks found by repeatedly taking
// the longest common run (leftmost in the word, then in the candidate) and recursing on both sides.

/** Characters of `a` and `b` that match, by longest-common-run decomposition. */
function matchingCharacters(a: string, b: string): number {
  const blocks = (alo: number, ahi: number, blo: number, bhi: number): number => {
    let bestI = alo;
    let bestJ = blo;
    let bestSize = 0;
    // Longest run a[i:i+k] == b[j:j+k] with the smallest i, then the smallest j.
    let lengths = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (let j = blo; j < bhi; j++) {
        if (a[i] !== b[j]) continue;
        const k = (lengths.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestSize) {
          bestI = i - k + 1;
          bestJ = j - k + 1;
          bestSize = k;
        }
      }
      lengths = next;
    }
    if (bestSize === 0) return 0;
    return bestSize + blocks(alo, bestI, blo, bestJ) + blocks(bestI + bestSize, ahi, bestJ + bestSize, bhi);
  };
  return blocks(0, a.length, 0, b.length);
}

function ratio(a: string, b: string): number {
  const total = a.length + b.length;
  return total ? (2 * matchingCharacters(a, b)) / total : 1;
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
