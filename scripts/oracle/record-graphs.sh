#!/usr/bin/env bash
# Record what real `bitbake -g` writes for the task-graph fixture into
# test/fixtures/graph.expect.json: per command (test/fixtures/graph-commands.json) the exit code,
# the ERROR lines, task-depends.dot and pn-buildlist (paths replaced by @TOPDIR@).
# usage: scripts/oracle/record-graphs.sh BITBAKE_CHECKOUT   (as root; BitBake runs as kilnref)
set -euo pipefail
bb=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
npm run build >/dev/null
tmp=$(mktemp -d /tmp/kiln-graph.XXXXXX)
chmod 755 "$tmp"
node dist/test/fixtures/make-graph.js "$tmp/build"
chown -R kilnref "$tmp"
python3 - "$bb" "$tmp/build" "$here/test/fixtures/graph-commands.json" "$here/test/fixtures/graph.expect.json" <<'PY'
import json, os, subprocess, sys
bb, build, commands_file, out_file = sys.argv[1:]
result = []
for args in json.load(open(commands_file)):
    for f in ("task-depends.dot", "pn-buildlist"):
        if os.path.exists(os.path.join(build, f)):
            os.unlink(os.path.join(build, f))
    cmd = "cd %s && export LANG=en_US.UTF-8 && /usr/bin/python3 %s/bin/bitbake -g %s" % (
        build, bb, " ".join("'%s'" % a for a in args))
    r = subprocess.run(["su", "kilnref", "-c", cmd], capture_output=True, text=True)
    lines = (r.stdout + r.stderr).replace(build, "@TOPDIR@").split("\n")
    # Each ERROR with the indented lines that continue it (close matches).
    errors = []
    for l in lines:
        if l.startswith("ERROR:"):
            errors.append(l)
        elif l.startswith("  ") and errors and errors[-1].startswith("ERROR:") and "Close matches:" in errors[-1]:
            errors[-1] += "\n" + l
    entry = {"args": args, "code": r.returncode, "errors": errors}
    for f in ("task-depends.dot", "pn-buildlist"):
        p = os.path.join(build, f)
        entry[f] = open(p).read().replace(build, "@TOPDIR@") if os.path.exists(p) else None
    result.append(entry)
json.dump(result, open(out_file, "w"), indent=1)
print("recorded %d commands in %s" % (len(result), out_file))
PY
rm -rf "$tmp"
