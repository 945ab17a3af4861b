SUMMARY = "umoci: modify, unpack and repack OCI images without a daemon"
HOMEPAGE = "https://umo.ci"
LICENSE = "Apache-2.0"
LIC_FILES_CHKSUM = "file://COPYING;md5=3b83ef96387f14655fc854ddc3c6bd57"

# The v0.4.7 tag (meta-virtualization's walnascar branch follows main well past it).
SRC_URI = "git://github.com/opencontainers/umoci.git;branch=main;protocol=https"
SRCREV = "17f38511d61846e2fb8ec01a1532f3ef5525e71d"
S = "${UNPACKDIR}/git"

inherit go

GO_MAKE_TARGETS = "umoci"

# umoci's own install target also builds the manual pages (go-md2man): install just the program.
do_install () {
    install -D -m 0755 ${S}/umoci ${D}${bindir}/umoci
}
