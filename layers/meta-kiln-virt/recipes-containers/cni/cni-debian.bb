SUMMARY = "The CNI network plugins (bridge, host-local, loopback, portmap...), from Debian's binary package with what it depends on"
HOMEPAGE = "https://github.com/containernetworking/plugins"
LICENSE = "Apache-2.0"
DEBIAN_PACKAGE = "containernetworking-plugins"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_cni = "cni-debian".
PROVIDES = "cni"
RPROVIDES:${PN} = "cni"
