#!/usr/bin/env bash
# Record real BitBake's task signatures (base hashes, every variable's dependencies and hashed
# value) for the recipes of the signature fixture into test/fixtures/sigs.expect.json.
# usage: scripts/oracle/record-sigs.sh BITBAKE_CHECKOUT   (as root; BitBake runs as kilnref)
set -euo pipefail
bb=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
npm run build >/dev/null
# A fixed place: the tests build the fixture there too, so that paths in hashed values agree.
tmp=/tmp/kiln-sigs-fixture
rm -rf "$tmp" && mkdir -p "$tmp" && chmod 755 "$tmp"
node dist/test/fixtures/make-sigs.js "$tmp/build"
chown -R kilnref "$tmp"
recipes=$(node -e 'import("./dist/test/fixtures/sigs.js").then(m => console.log(m.SIG_RECIPES.join(" ")))')
out=test/fixtures/sigs.expect.json
{
  echo "{"
  first=1
  for r in $recipes; do
    [ $first = 1 ] || echo ","
    first=0
    printf '"%s": ' "$r"
    su kilnref -c "cd $tmp/build && export LANG=en_US.UTF-8 && /usr/bin/python3 $here/scripts/oracle/sig-dump.py $bb $r"
  done
  echo "}"
} | sed "s#$tmp/build#@TOPDIR@#g" | python3 -c 'import json,sys; json.dump(json.load(sys.stdin), sys.stdout, indent=0, sort_keys=True)' > "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$tmp"
echo "recorded $recipes in $out"
