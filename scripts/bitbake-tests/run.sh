#!/bin/sh
# Run BitBake's own tests of the datastore, parser and code parser (lib/bb/tests/data.py,
# parse.py, codeparser.py of a BitBake checkout) against kiln, and compare the run with the
# record in test/bitbake-tests (passing.txt, failing.txt). Needs `npm run build` first.
#
#   scripts/bitbake-tests/run.sh BITBAKE_CHECKOUT [--record] [MODULE...]
#
# --record rewrites passing.txt from the run (then explain any failure in failing.txt).
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -f "$root/dist/test/bitbake-tests/run.js" ]; then
  echo "run 'npm run build' first" >&2
  exit 2
fi
exec node "$root/dist/test/bitbake-tests/run.js" "$@"
