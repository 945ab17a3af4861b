SUMMARY = "runc, the OCI reference runtime: spawns and runs containers from an OCI bundle"
HOMEPAGE = "https://github.com/opencontainers/runc"
LICENSE = "Apache-2.0"
LIC_FILES_CHKSUM = "file://LICENSE;md5=435b266b3899aa8a959f17d41c56def8"

# The v1.3.0-rc.1 tag (meta-virtualization's walnascar branch follows main a little past it).
SRC_URI = "git://github.com/opencontainers/runc.git;branch=main;protocol=https"
SRCREV = "a00ce11e91eb54c9c1bdfd773d13d4cdd41bb206"
S = "${UNPACKDIR}/git"

# The seccomp build tag links libseccomp through cgo.
DEPENDS = "libseccomp"
inherit go pkgconfig

GO_MAKE_TARGETS = "runc"
# PREFIX=/usr puts runc in /usr/sbin; COMMIT is what `runc --version` prints.
EXTRA_OEMAKE = "PREFIX=${prefix} BUILDTAGS='seccomp urfave_cli_no_docs' COMMIT=${SRCREV}"

RPROVIDES:${PN} = "virtual-runc"
