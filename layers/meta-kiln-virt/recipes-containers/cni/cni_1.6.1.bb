SUMMARY = "The Container Network Interface reference plugins (bridge, host-local, portmap, ...)"
HOMEPAGE = "https://www.cni.dev"
LICENSE = "Apache-2.0"
LIC_FILES_CHKSUM = "file://LICENSE;md5=e3fc50a88d0a364313df4b21ef20c29e"

# The v1.6.1 tag of containernetworking/plugins. (cnitool, from the containernetworking/cni
# repository, is left out: that repository does not vendor its modules, so it would need network
# access while compiling.)
SRC_URI = "git://github.com/containernetworking/plugins.git;branch=main;protocol=https"
SRCREV = "7f756b411efc3d3730c707e2cc1f2baf1a66e28c"
S = "${UNPACKDIR}/git"

inherit go

# What upstream's build_linux.sh does: one program per plugin directory (Windows-only plugins
# are excluded by their build constraints), with the release stamped in.
GO_BUILD_PACKAGES = "./plugins/meta/... ./plugins/main/... ./plugins/ipam/..."
GO_LDFLAGS = "-X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=v${PV}"
GO_INSTALL_DIR = "${libexecdir}/cni"

# Container engines and Kubernetes look for plugins in /opt/cni/bin.
do_install:append () {
    install -d ${D}/opt/cni
    ln -sf ${libexecdir}/cni ${D}/opt/cni/bin
}
FILES:${PN} += "/opt/cni"
