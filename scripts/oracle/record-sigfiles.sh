#!/usr/bin/env bash
# Record real BitBake's signature data files and what bitbake-dumpsig / bitbake-diffsigs print for
# them, into test/fixtures/sigfiles/ (test/integration/sigfiles.test.ts checks kiln against them),
# and check the other direction: that kiln writes the same files and bitbake-dumpsig reads them.
# usage: scripts/oracle/record-sigfiles.sh BITBAKE_CHECKOUT   (as root; BitBake runs as kilnref)
#
#   1. version 1 of the fixture (test/fixtures/sigfiles.ts): `bitbake -S none app tool`
#   2. version 2 over it, the same again: both versions' files are now under tmp/stamps
#   3. bitbake-dumpsig on every file, bitbake-diffsigs on every task's two files (both ways) and
#      `bitbake-diffsigs -t app do_compile`; the files and outputs go into the fixture
#   4. kiln writes version 2's files itself (`kiln sigs`); each must decompress to the same JSON as
#      BitBake's file of the same name, and bitbake-dumpsig must print the same for it
set -euo pipefail
bb=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
npm run build >/dev/null
base=/tmp/kiln-sigfiles-fixture
build=$base/build
out=test/fixtures/sigfiles
rm -rf "$base" && mkdir -p "$base" && chmod 755 "$base"
as_kilnref() {
  su kilnref -c "cd $build && export LANG=en_US.UTF-8 PYTHONHASHSEED=0 && $*"
}

for version in 1 2; do
  node dist/test/fixtures/make-sigfiles.js "$build" "$version"
  chown -R kilnref "$base"
  as_kilnref "/usr/bin/python3 $bb/bin/bitbake -S none app tool" >/dev/null
  sleep 1.1 # version 2's files are newer (bitbake-diffsigs -t takes the last two by time)
done

rm -rf "$out" && mkdir -p "$out"
(cd "$build" && find tmp/stamps -name '*.sigdata.*' -printf '%T@ %p\n' | sort -n | cut -d' ' -f2) > "$base/files"
# Kept as stamps/... (the build directory's tmp/stamps/...).
(cd "$build/tmp" && tar cf - $(sed 's#^tmp/##' "$base/files")) | (cd "$out" && tar xf -)
cp "$base/files" "$out/order.txt" # oldest first

# One case per command: its arguments (paths relative to the build directory), what it printed,
# its exit status. Python writes the JSON so that the text is kept exactly.
cases=$base/cases.tsv
: > "$cases"
record() { # KIND ARGS...
  local kind=$1
  shift
  local tool=bitbake-dumpsig
  [ "$kind" = diffsigs ] && tool=bitbake-diffsigs
  set +e
  as_kilnref "/usr/bin/python3 $bb/bin/$tool $*" > "$base/stdout" 2> "$base/stderr"
  local status=$?
  set -e
  python3 - "$kind" "$status" "$base/stdout" "$base/stderr" "$@" >> "$cases" <<'EOF'
import json, sys
kind, status, stdout, stderr, *args = sys.argv[1:]
print(json.dumps({"kind": kind, "args": args, "status": int(status),
                  "stdout": open(stdout).read(), "stderr": open(stderr).read()}))
EOF
}
for f in $(cat "$base/files"); do record dumpsig "$f"; done
# Each task's two files: older first, then newer first.
for task in $(sed 's/\.sigdata\..*//' "$base/files" | sort -u); do
  pair=($(grep "^$task\.sigdata\." "$base/files"))
  if [ ${#pair[@]} = 2 ]; then
    record diffsigs "${pair[0]}" "${pair[1]}"
    record diffsigs "${pair[1]}" "${pair[0]}"
  fi
done
record diffsigs -t app do_compile
record diffsigs -t greeting compile
python3 -c 'import json,sys; json.dump([json.loads(l) for l in open(sys.argv[1])], open(sys.argv[2], "w"), indent=1); print(file=open(sys.argv[2], "a"))' \
  "$cases" "$out/expect.json"

# The other direction: kiln's own files for version 2.
mv "$build/tmp/stamps" "$base/bitbake-stamps"
(cd "$build" && KILN_NO_SERVER=1 "$here/bin/kiln" sigs app -c build >/dev/null && KILN_NO_SERVER=1 "$here/bin/kiln" sigs tool -c build >/dev/null)
chown -R kilnref "$build/tmp"
fail=0
for f in $(cd "$build" && find tmp/stamps -name '*.sigdata.*' | sort); do
  theirs=$base/bitbake-stamps/${f#tmp/stamps/}
  if [ ! -f "$theirs" ]; then
    echo "kiln wrote $f; BitBake has no file of that name (another hash)"
    fail=1
    continue
  fi
  if ! cmp -s <(zstd -dcq "$build/$f") <(zstd -dcq "$theirs"); then
    echo "kiln's $f differs from BitBake's"
    fail=1
  fi
  if ! as_kilnref "/usr/bin/python3 $bb/bin/bitbake-dumpsig $f" > "$base/kiln.dump" 2>&1 \
    || ! cmp -s "$base/kiln.dump" <(as_kilnref "/usr/bin/python3 $bb/bin/bitbake-dumpsig $theirs" 2>&1); then
    echo "bitbake-dumpsig prints something else for kiln's $f:"
    cat "$base/kiln.dump"
    fail=1
  fi
done
n=$(cd "$build" && find tmp/stamps -name '*.sigdata.*' | wc -l)
[ "$fail" = 0 ] && echo "kiln's $n files: same JSON as BitBake's, and bitbake-dumpsig reads them alike"
echo "recorded $(wc -l < "$cases") cases in $out/expect.json"
rm -rf "$base"
exit $fail
