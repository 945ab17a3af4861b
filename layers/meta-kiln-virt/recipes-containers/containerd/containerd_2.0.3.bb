SUMMARY = "containerd, the container daemon that manages images, storage and runc-run containers"
HOMEPAGE = "https://containerd.io"
LICENSE = "Apache-2.0"
LIC_FILES_CHKSUM = "file://LICENSE;md5=1269f40c0d099c21a871163984590d89"

# The v2.0.3 tag, on the 2.0 release branch.
SRC_URI = "git://github.com/containerd/containerd.git;branch=release/2.0;protocol=https"
SRCREV = "06b99ca80cdbfbc6cc8bd567021738c9af2b36ce"
S = "${UNPACKDIR}/git"

inherit go

# bin/containerd, bin/ctr, bin/containerd-stress and the runc shim, installed into /usr/bin.
GO_MAKE_TARGETS = "binaries"
# no_btrfs: the btrfs snapshotter would need the btrfs headers.
EXTRA_OEMAKE = "PREFIX=${prefix} GO_BUILDTAGS='no_btrfs' VERSION=v${PV} REVISION=${SRCREV}"

# containerd starts containers through an OCI runtime (runc or crun).
RDEPENDS:${PN} = "virtual-runc"
