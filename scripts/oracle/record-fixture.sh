#!/usr/bin/env bash
# Record real BitBake's answers for the generated multi-layer fixture into
# test/fixtures/multilayer.expect.jsonl (paths replaced by @TOPDIR@).
# usage: scripts/oracle/record-fixture.sh BITBAKE_CHECKOUT   (as root; BitBake runs as user kilnref,
# with Debian's /usr/bin/python3 and the en_US.UTF-8 locale, see ../shared/conformance/README.md)
set -euo pipefail
bb=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
npm run build >/dev/null
tmp=$(mktemp -d /tmp/kiln-fixture.XXXXXX)
node dist/test/fixtures/make-multilayer.js "$tmp"
chown -R kilnref "$tmp"
names=$(node -e 'import("./dist/test/fixtures/multilayer.js").then(m => console.log(m.FIXTURE_NAMES.join(" ")))')
out=test/fixtures/multilayer.expect.jsonl
su kilnref -c "cd $tmp && export LANG=en_US.UTF-8 && /usr/bin/python3 $bb/bin/bitbake -p 2>&1" \
  | grep '^Parsing of' | python3 -c 'import json,sys; print(json.dumps({"summary": sys.stdin.read().strip()}))' > "$out.tmp"
su kilnref -c "cd $tmp && export LANG=en_US.UTF-8 && /usr/bin/python3 $here/scripts/oracle/tree-dump.py $bb $names" \
  | sed "s#$tmp#@TOPDIR@#g" >> "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$tmp"
echo "recorded $(wc -l < "$out") lines in $out"
