SUMMARY = "The Xen tools (xl and its libraries), from Debian's binary package with what it depends on"
HOMEPAGE = "https://xenproject.org"
LICENSE = "GPL-2.0-only"
# Only where the distribution is built for Xen (checked before the package is looked for).
REQUIRED_DISTRO_FEATURES = "xen"
inherit features_check
DEBIAN_PACKAGE = "xen-utils-4.17"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_xen-tools = "xen-tools-debian".
PROVIDES = "xen-tools"
RPROVIDES:${PN} = "xen-tools"
