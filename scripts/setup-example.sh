#!/usr/bin/env bash
# Once, while online: install the build machine's tools kiln uses (with the aarch64 cross compiler
# and QEMU for both machines; Python's headers, for kiln's native Python; skopeo and umoci, which
# the tests use to check kiln's OCI images; sfdisk (fdisk), mkfs.vfat and mtools, mkfs.erofs and
# mksquashfs for wic disk images, and sgdisk (gdisk), which the tests use to check them), and download the Debian packages the example imports
# (busybox-static, libc6, a kernel, and the container runtimes crun and runc with every package they
# depend on; for amd64 and arm64; and QEMU with its dependencies for amd64) into examples/quickstart/debian-packages, indexed in its Packages
# file (the metadata debian-import resolves shared libraries from),
# so that `kiln build kiln-image-minimal` then works offline for MACHINE qemux86-64 and qemuarm64.
# Running it again downloads nothing that is already there.
#
# --virt-tools also downloads what meta-kiln-virt's other Debian imports need (containerd, podman,
# docker.io, lxc, the CNI plugins, conmon, skopeo, umoci, QEMU, libvirt, the Xen tools: several
# hundred megabytes). KILN_SETUP_ARCHES (default "amd64 arm64") and KILN_DEBIAN_PACKAGES_DIR
# (default examples/quickstart/debian-packages) change what and where.
set -euo pipefail
cd "$(dirname "$0")/.."
virt_tools=
[ "${1:-}" != --virt-tools ] || virt_tools=1

# apt needs arm64 in dpkg's architectures to download arm64 packages (none is installed here;
# the cross compiler is an amd64 package). That takes a fresh `apt-get update`.
need_update=
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
  need_update=1
fi
update() {
  if [ -n "$need_update" ] || [ -z "${updated:-}" ]; then
    apt-get update -qq
    updated=1
    need_update=
  fi
}

tools=(git tar zstd xz-utils bzip2 gzip unzip patch fakeroot gcc g++ make cmake pkg-config binutils cpio
  meson ninja-build e2fsprogs dpkg-dev python3-dev util-linux file qemu-utils qemu-system-x86 qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  skopeo umoci fdisk gdisk dosfstools mtools erofs-utils squashfs-tools)
missing=()
for pkg in "${tools[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  update
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

dir=${KILN_DEBIAN_PACKAGES_DIR:-examples/quickstart/debian-packages}
mkdir -p "$dir"
cd "$dir"

# have ARCH NAME: is a .deb of package NAME (a glob pattern) for ARCH (or for all) here?
have() {
  compgen -G "${2}_*_$1.deb" >/dev/null || compgen -G "${2}_*_all.deb" >/dev/null
}

# get ARCH NAME [META]: NAME_*_ARCH.deb unless one is here already. With META, NAME is a pattern
# and the package to download is the kernel package META (e.g. linux-image-cloud-arm64) depends on.
get() {
  local arch=$1 name=$2 meta=${3:-}
  if have "$arch" "$name"; then return 0; fi
  update
  if [ -n "$meta" ]; then
    name=$(apt-cache depends "$meta:$arch" | awk '/Depends: linux-image-[0-9]/ { sub(/:.*/, "", $2); print $2; exit }')
    [ -n "$name" ] || { echo "setup-example.sh: cannot tell which kernel $meta:$arch depends on" >&2; exit 1; }
  fi
  apt-get download -q "$name:$arch" 2>&1 | grep -v "unsandboxed" || true
  have "$arch" "$name" || { echo "setup-example.sh: could not download $name:$arch" >&2; exit 1; }
}
# closure ARCH NAME...: the packages NAMEs need, with everything they depend on (a superset: apt
# lists every alternative), downloaded in one go.
closure() {
  local arch=$1 name missing=() wanted
  shift
  for name in "$@"; do have "$arch" "$name" || missing+=("$name"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  update
  wanted=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
      --no-replaces --no-enhances "${@/%/:$arch}" | grep -v '^ ' | grep -v '^<' | sed 's/:.*//' | sort -u)
  missing=()
  for name in $wanted; do have "$arch" "$name" || missing+=("$name:$arch"); done
  [ ${#missing[@]} -eq 0 ] || apt-get download -q "${missing[@]}" 2>&1 | grep -v "unsandboxed" || true
  for name in "$@"; do
    have "$arch" "$name" || { echo "setup-example.sh: could not download $name:$arch" >&2; exit 1; }
  done
}
for arch in ${KILN_SETUP_ARCHES:-amd64 arm64}; do
  get "$arch" busybox-static
  get "$arch" libc6
  get "$arch" "linux-image-[0-9]*-cloud-$arch" "linux-image-cloud-$arch"
  closure "$arch" crun runc
  # QEMU for the example's KVM host, which boots its guest inside (x86-64 only: the test's).
  [ "$arch" != amd64 ] || closure "$arch" qemu-system-x86
  if [ -n "$virt_tools" ]; then
    qemu=qemu-system-x86
    [ "$arch" = amd64 ] || qemu=qemu-system-arm
    closure "$arch" containerd podman docker.io lxc containernetworking-plugins conmon skopeo umoci \
      "$qemu" libvirt-daemon libvirt-clients xen-utils-4.17
  fi
done
# The Debian package metadata of what is here, as an apt repository's Packages file.
if [ ! -f Packages ] || [ -n "$(find . -name '*.deb' -newer Packages)" ]; then
  dpkg-scanpackages -m . /dev/null > Packages.new 2>/dev/null
  mv Packages.new Packages
fi
ls -1 ./*.deb
