#!/usr/bin/env bash
# `bitbake -g` and `kiln graph` side by side on the reference stack (see setup.sh): are
# task-depends.dot, pn-buildlist and the exit status byte-identical?
# usage: scripts/stack/compare-graph.sh STACK BUILDDIR [ARGS...]   (as root; both run as kilnref)
#   ARGS default to "core-image-minimal"; quote several runs as separate words, e.g.
#   scripts/stack/compare-graph.sh STACK BUILD "docker-moby" "libvirt -c populate_sysroot"
set -uo pipefail
stack=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
shift 2
kiln=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -gt 0 ] || set -- core-image-minimal
status=0
for args in "$@"; do
  out=$(mktemp -d /tmp/kiln-graph-compare.XXXXXX)
  mkdir -p "$out/bitbake" "$out/kiln"
  chmod -R 777 "$out"
  su kilnref -c "cd $build && export LANG=en_US.UTF-8 && /usr/bin/python3 $stack/bitbake/bin/bitbake -g $args >$out/bitbake/log 2>&1; echo \$? >$out/bitbake/status; mv task-depends.dot pn-buildlist $out/bitbake/ 2>/dev/null"
  su kilnref -c "cd $out/kiln && export LANG=en_US.UTF-8 BBPATH=$build KILN_NO_SERVER=1 && $kiln/bin/kiln graph $args >log 2>&1; echo \$? >status"
  for f in task-depends.dot pn-buildlist status; do
    if cmp -s "$out/bitbake/$f" "$out/kiln/$f"; then
      echo "$args: $f identical$( [ "$f" = task-depends.dot ] && echo " ($(grep -c -- ' -> ' "$out/bitbake/$f" 2>/dev/null || echo 0) edges)")"
    else
      echo "$args: $f DIFFERS (outputs in $out)"
      status=1
    fi
  done
done
exit $status
