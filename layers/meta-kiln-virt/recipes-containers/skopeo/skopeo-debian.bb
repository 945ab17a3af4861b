SUMMARY = "skopeo, which copies and inspects container images, from Debian's binary package with what it depends on"
HOMEPAGE = "https://github.com/containers/skopeo"
LICENSE = "Apache-2.0"
DEBIAN_PACKAGE = "skopeo"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_skopeo = "skopeo-debian".
PROVIDES = "skopeo"
RPROVIDES:${PN} = "skopeo"
