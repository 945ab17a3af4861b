SUMMARY = "umoci, which unpacks and modifies OCI images, from Debian's binary package with what it depends on"
HOMEPAGE = "https://umo.ci"
LICENSE = "Apache-2.0"
DEBIAN_PACKAGE = "umoci"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_umoci = "umoci-debian".
PROVIDES = "umoci"
RPROVIDES:${PN} = "umoci"
