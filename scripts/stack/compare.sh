#!/usr/bin/env bash
# Compare kiln with real BitBake on the reference stack (see setup.sh): parse counts, every
# target and skip reason, and every variable of some recipes. Prints a Markdown report.
# usage: scripts/stack/compare.sh STACK BUILDDIR [RECIPE...]   (as root; both tools run as kilnref)
set -uo pipefail
stack=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
shift 2
recipes=${*:-busybox runc-opencontainers containerd-opencontainers docker-moby lxc xen libvirt core-image-minimal}
kiln=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/kiln-compare.XXXXXX)
chmod 755 "$out"
chown -R kilnref "$build" "$out"
# BitBake puts its own bin directory first in PATH; OpenEmbedded's layer.conf builds PATH from it
# (BITBAKEPATH), and shell functions can embed it: kiln gets the same PATH.
as_user() { su kilnref -c "cd $build && export LANG=en_US.UTF-8 KILN_NO_SERVER=1 PATH=$stack/bitbake/bin:\$PATH && $*"; }

echo "# kiln and BitBake on the reference stack"
echo
echo "Stack: $(for d in bitbake openembedded-core meta-openembedded meta-virtualization; do printf '%s %s; ' "$d" "$(git -c safe.directory='*' -C "$stack/$d" log -1 --format='%h (%cs)' 2>/dev/null)"; done)"
echo
echo "## Parse"
echo
# From its cache, BitBake reports the entries it loaded instead of a parse summary.
echo "- BitBake: \`$(as_user "/usr/bin/python3 $stack/bitbake/bin/bitbake -p 2>&1" | grep -E '^(Parsing of|Loaded [0-9]+ entries)')\`"
echo "- kiln:    \`$(as_user "$kiln/bin/kiln parse 2>$out/kiln-parse.err" | grep '^Parsing of')\`"
echo
echo "## Targets and skipped recipes"
echo
as_user "/usr/bin/python3 $kiln/scripts/oracle/tree-dump.py $stack/bitbake" > "$out/bitbake-tree.jsonl" 2>/dev/null
as_user "$kiln/bin/kiln query --all --json PN" > "$out/kiln-tree.jsonl" 2>/dev/null
echo '```'
python3 "$kiln/scripts/compare-tree.py" "$out/bitbake-tree.jsonl" "$out/kiln-tree.jsonl" --max=30
echo '```'
echo
echo "## Dependency and package lists of every target (BitBake's recipe cache)"
echo
as_user "/usr/bin/python3 $kiln/scripts/oracle/cache-dump.py $stack/bitbake" > "$out/bitbake-cache.jsonl" 2>/dev/null
as_user "$kiln/bin/kiln query --all --json --deps PN" > "$out/kiln-cache.jsonl" 2>/dev/null
echo '```'
python3 "$kiln/scripts/compare-cache.py" "$out/bitbake-cache.jsonl" "$out/kiln-cache.jsonl" --max=10
echo '```'
echo
echo "## Variables of sampled recipes"
for r in $recipes; do
  echo
  echo "### $r"
  echo
  as_user "/usr/bin/python3 $kiln/scripts/oracle/env-dump.py $stack/bitbake $r" > "$out/bitbake-$r.json" 2>/dev/null
  as_user "$kiln/bin/kiln env --json $r" > "$out/kiln-$r.json" 2>"$out/kiln-$r.err"
  echo '```'
  if [ -s "$out/kiln-$r.json" ] && [ -s "$out/bitbake-$r.json" ]; then
    python3 "$kiln/scripts/compare-env.py" "$out/bitbake-$r.json" "$out/kiln-$r.json"
  else
    echo "no answer: $(tail -c 400 "$out/kiln-$r.err")"
  fi
  echo '```'
done
echo
echo "(raw outputs kept in $out)"
