#!/usr/bin/env bash
# Check out one reference stack's recorded commits (commits.txt) in clones of its four
# repositories, STACK/{bitbake,openembedded-core,meta-openembedded,meta-virtualization}; then
# setup.sh makes its build directory. No network: the clones must already hold the commits.
# usage: scripts/stack/checkout.sh STACK walnascar|wrynose|master
set -euo pipefail
stack=$(cd "$1" && pwd)
release=$2
list="$(dirname "$0")/commits.txt"
grep -q "^$release " "$list" || { echo "unknown release $release (see $list)" >&2; exit 1; }
grep "^$release " "$list" | while read -r _ repo commit; do
  [ -d "$stack/$repo" ] || { echo "missing $stack/$repo" >&2; exit 1; }
  git -C "$stack/$repo" checkout -q "$commit"
  echo "$repo $(git -C "$stack/$repo" log -1 --format='%h %cs')"
done
