SUMMARY = "containerd, the container daemon, from Debian's binary package with what it depends on"
HOMEPAGE = "https://containerd.io"
LICENSE = "Apache-2.0"
DEBIAN_PACKAGE = "containerd"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_containerd = "containerd-debian".
PROVIDES = "containerd"
RPROVIDES:${PN} = "containerd"
