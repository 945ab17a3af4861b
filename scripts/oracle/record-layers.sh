#!/usr/bin/env bash
# Record what real `bitbake-layers` prints for the generated multi-layer fixture, and how its
# add-layer / remove-layer edit bblayers.conf, into test/fixtures/layers.expect.json (paths
# replaced by @TOPDIR@). The commands are listed in test/fixtures/layers-commands.json.
# usage: scripts/oracle/record-layers.sh BITBAKE_CHECKOUT   (as root; BitBake runs as kilnref)
set -euo pipefail
bb=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
npm run build >/dev/null
tmp=$(mktemp -d /tmp/kiln-layers.XXXXXX)
chmod 755 "$tmp"
node dist/test/fixtures/make-multilayer.js "$tmp/build"
chown -R kilnref "$tmp"
python3 - "$bb" "$tmp" "$here/test/fixtures/layers-commands.json" "$here/test/fixtures/layers.expect.json" <<'PY'
import json, shutil, subprocess, sys
bb, tmp, commands_file, out_file = sys.argv[1:]
build = tmp + "/build"

def run(args, cwd):
    cmd = "cd %s && export LANG=en_US.UTF-8 && /usr/bin/python3 %s/bin/bitbake-layers %s" % (
        cwd, bb, " ".join("'%s'" % a for a in args))
    r = subprocess.run(["su", "kilnref", "-c", cmd], capture_output=True, text=True)
    return r.returncode, r.stdout.replace(tmp + "/build", "@TOPDIR@").replace(tmp, "@TMP@")

commands = json.load(open(commands_file))
result = {"show": [], "edit": []}
for args in commands["show"]:
    code, stdout = run(args, build)
    result["show"].append({"args": args, "code": code, "stdout": stdout})
for edit in commands["edit"]:
    work = tmp + "/edit"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(build, work, symlinks=True, ignore=shutil.ignore_patterns("bitbake.sock", "bitbake.lock", "bitbake-cookerdaemon.log", "tmp*", "cache"))
    for rel, text in edit.get("files", {}).items():
        path = work + "/" + rel
        import os
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").write(text)
    subprocess.run(["chown", "-R", "kilnref", work])
    args = [a.replace("@TOPDIR@", work) for a in edit["args"]]
    code, _ = run(args, work)
    conf = open(work + "/conf/bblayers.conf").read().replace(work, "@TOPDIR@")
    result["edit"].append({**edit, "code": code, "bblayers": conf})
result["topdir_length"] = len(build)
json.dump(result, open(out_file, "w"), indent=1)
print("recorded %d commands and %d edits in %s" % (len(result["show"]), len(result["edit"]), out_file))
PY
rm -rf "$tmp"
