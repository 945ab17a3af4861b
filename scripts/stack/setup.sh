#!/usr/bin/env bash
# Make a build directory for a reference layer stack from local clones (no network):
#   STACK/bitbake                (openembedded/bitbake)
#   STACK/openembedded-core
#   STACK/meta-openembedded      (meta-oe, meta-python, meta-networking, meta-filesystems)
#   STACK/meta-virtualization
# each at one release's commits (walnascar, wrynose or master: checkout.sh puts them there).
# usage: scripts/stack/setup.sh STACK BUILDDIR
set -euo pipefail
stack=$(cd "$1" && pwd)
build=$2
for d in bitbake openembedded-core meta-openembedded meta-virtualization; do
  [ -d "$stack/$d" ] || { echo "missing $stack/$d" >&2; exit 1; }
done
mkdir -p "$build/conf"
cat > "$build/conf/bblayers.conf" <<CONF
POKY_BBLAYERS_CONF_VERSION = "2"
BBPATH = "\${TOPDIR}"
BBFILES ?= ""
BBLAYERS ?= " \\
  $stack/openembedded-core/meta \\
  $stack/meta-openembedded/meta-oe \\
  $stack/meta-openembedded/meta-python \\
  $stack/meta-openembedded/meta-networking \\
  $stack/meta-openembedded/meta-filesystems \\
  $stack/meta-virtualization \\
  "
CONF
cat > "$build/conf/local.conf" <<'CONF'
MACHINE = "qemux86-64"
DISTRO_FEATURES:append = " virtualization"
BB_NO_NETWORK = "1"
CONF_VERSION = "2"
CONF
echo "build directory ready: $build"
