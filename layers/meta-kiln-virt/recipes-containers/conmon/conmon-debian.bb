SUMMARY = "conmon, the container monitor podman and CRI-O use, from Debian's binary package with what it depends on"
HOMEPAGE = "https://github.com/containers/conmon"
LICENSE = "Apache-2.0"
DEBIAN_PACKAGE = "conmon"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_conmon = "conmon-debian".
PROVIDES = "conmon"
RPROVIDES:${PN} = "conmon"
