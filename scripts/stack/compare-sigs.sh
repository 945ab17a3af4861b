#!/usr/bin/env bash
# Task signatures of recipes, BitBake against kiln, on the reference stack (see setup.sh): base
# hash of every task, dependencies and hashed value of every variable.
# usage: scripts/stack/compare-sigs.sh STACK BUILDDIR RECIPE...   (as root; both run as kilnref)
set -uo pipefail
stack=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
shift 2
kiln=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/kiln-sigs-compare.XXXXXX)
chmod 777 "$out"
status=0
for r in "$@"; do
  # BitBake puts its bin directory first in PATH and sets LC_ALL; both reach shell-task hashes.
  su kilnref -c "cd $build && export LANG=en_US.UTF-8 && /usr/bin/python3 $kiln/scripts/oracle/sig-dump.py $stack/bitbake $r >$out/bitbake-$r.json 2>/dev/null; export LC_ALL=en_US.UTF-8 PATH=$stack/bitbake/bin:\$PATH KILN_NO_SERVER=1; $kiln/bin/kiln sigs --json $r >$out/kiln-$r.json 2>$out/kiln-$r.err"
  echo "### $r"
  python3 "$kiln/scripts/compare-sigs.py" "$out/bitbake-$r.json" "$out/kiln-$r.json" || status=1
done
echo "(raw outputs kept in $out)"
exit $status
