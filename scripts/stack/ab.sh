#!/usr/bin/env bash
# Compare the cold-parse speed of two kiln checkouts (both built) on one build directory, taking
# turns (A B, then B A, ...) so that the machine's drift falls on both alike. Prints each pair and
# the median ratio B/A of wall and CPU time: below 1, B is faster.
# usage: scripts/stack/ab.sh KILN_A KILN_B BUILDDIR [PAIRS=6] [JOBS=all cores]
set -euo pipefail
a=$(cd "$1" && pwd)
b=$(cd "$2" && pwd)
build=$(cd "$3" && pwd)
pairs=${4:-6}
jobs=${5:-$(nproc)}
times=$(mktemp)
trap 'rm -f "$times"' EXIT

# Wall and CPU (user + system) seconds of one cold parse.
run() {
  (cd "$build" && /usr/bin/time -f "%e %U %S" -o "$times" "$1/bin/kiln" parse --no-cache -j "$jobs" >/dev/null 2>&1)
  awk '{ print $1, $2 + $3 }' "$times"
}

for i in $(seq "$pairs"); do
  if ((i % 2)); then ra=$(run "$a"); rb=$(run "$b"); else rb=$(run "$b"); ra=$(run "$a"); fi
  echo "$ra $rb"
done | python3 -c '
import statistics, sys
walls, cpus = [], []
print("A wall  A cpu  B wall  B cpu  B/A wall  B/A cpu")
for line in sys.stdin:
    aw, ac, bw, bc = map(float, line.split())
    walls.append(bw / aw)
    cpus.append(bc / ac)
    print(f"{aw:6.2f} {ac:6.2f} {bw:7.2f} {bc:6.2f} {bw / aw:9.3f} {bc / ac:8.3f}")
print(f"median ratio B/A: wall {statistics.median(walls):.3f}, cpu {statistics.median(cpus):.3f}")
'
