#!/usr/bin/env bash
# Once, while online: install the build machine's tools kiln uses, and download the Debian
# packages the example imports (busybox-static, libc6, a kernel) into
# examples/quickstart/debian-packages, so that `kiln build kiln-image-minimal` then works offline.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=(git tar zstd xz-utils bzip2 gzip unzip patch fakeroot gcc g++ make cmake pkg-config binutils cpio
  e2fsprogs dpkg-dev util-linux qemu-utils qemu-system-x86)
missing=()
for pkg in "${tools[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
updated=
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && updated=1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

dir=examples/quickstart/debian-packages
mkdir -p "$dir"
cd "$dir"
if ! ls linux-image-*.deb busybox-static_*.deb libc6_*.deb >/dev/null 2>&1 && [ -z "$updated" ]; then
  apt-get update -qq
fi
kernel=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
wanted=(busybox-static libc6 "$kernel")
for pkg in "${wanted[@]}"; do
  ls "${pkg}"_*.deb >/dev/null 2>&1 || apt-get download -q "$pkg" 2>&1 | grep -v "unsandboxed" || true
done
ls -1 ./*.deb
