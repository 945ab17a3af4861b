#!/usr/bin/env bash
# Record what real bitbake-getvar prints (stdout, stderr, exit status) for each command line of
# the getvar fixture (test/fixtures/getvar.ts) into test/fixtures/getvar.expect.json, the build
# directory's path replaced by @TOPDIR@. test/integration/getvar.test.ts compares kiln getvar.
# usage: scripts/oracle/record-getvar.sh BITBAKE_CHECKOUT   (as root; BitBake runs as kilnref)
set -euo pipefail
bb=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
npm run build >/dev/null
# A fixed place: the test builds the fixture there too (history lines name files by path).
base=/tmp/kiln-getvar-fixture
rm -rf "$base" && mkdir -p "$base" && chmod 755 "$base"
node dist/test/fixtures/make-getvar.js "$base/build"
chown -R kilnref "$base"
node -e 'import("./dist/test/fixtures/getvar.js").then(m => { for (const c of m.GETVAR_COMMANDS) console.log(JSON.stringify(c)) })' > "$base/commands"
while read -r json; do
  args=$(python3 -c 'import json, shlex, sys; print(" ".join(shlex.quote(a) for a in json.loads(sys.argv[1])))' "$json")
  set +e
  su kilnref -c "cd $base/build && export LANG=en_US.UTF-8 && /usr/bin/python3 $bb/bin/bitbake-getvar $args" > "$base/stdout" 2> "$base/stderr"
  status=$?
  set -e
  python3 - "$json" "$status" "$base/stdout" "$base/stderr" "$base/build" <<'PY'
import json, sys
args, status, stdout, stderr, top = sys.argv[1:]
fix = lambda t: t.replace(top, "@TOPDIR@")
print(json.dumps({"args": json.loads(args), "status": int(status),
                  "stdout": fix(open(stdout).read()), "stderr": fix(open(stderr).read())}))
PY
done < "$base/commands" > "$base/cases"
python3 -c 'import json,sys; json.dump([json.loads(l) for l in open(sys.argv[1])], open(sys.argv[2], "w"), indent=1); print(file=open(sys.argv[2], "a"))' \
  "$base/cases" test/fixtures/getvar.expect.json
echo "recorded $(wc -l < "$base/cases") command lines in test/fixtures/getvar.expect.json"
rm -rf "$base"
