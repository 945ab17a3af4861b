#!/usr/bin/env bash
# `bitbake-layers` and `kiln layers` side by side on the reference stack (see setup.sh).
# usage: scripts/stack/compare-layers.sh STACK BUILDDIR   (as root; both tools run as kilnref)
set -uo pipefail
stack=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
kiln=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/kiln-layers-compare.XXXXXX)
chmod 755 "$out"
chown -R kilnref "$build" "$out"
as_user() { su kilnref -c "cd $build && export LANG=en_US.UTF-8 KILN_NO_SERVER=1 && $*"; }
status=0
for cmd in show-layers show-recipes show-appends show-overlayed show-cross-depends; do
  as_user "/usr/bin/python3 $stack/bitbake/bin/bitbake-layers $cmd" > "$out/bitbake-$cmd.txt" 2>/dev/null
  as_user "$kiln/bin/kiln layers $cmd" > "$out/kiln-$cmd.txt" 2>"$out/kiln-$cmd.err"
  python3 "$kiln/scripts/compare-layers.py" "$cmd" "$out/bitbake-$cmd.txt" "$out/kiln-$cmd.txt" || status=1
done
echo "(raw outputs kept in $out)"
exit $status
