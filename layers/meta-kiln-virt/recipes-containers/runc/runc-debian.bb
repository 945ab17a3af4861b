SUMMARY = "runc, the OCI reference container runtime, from Debian's binary package with the libraries it needs"
HOMEPAGE = "https://github.com/opencontainers/runc"
LICENSE = "Apache-2.0"
DEBIAN_PACKAGE = "runc"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_runc = "runc-debian".
PROVIDES = "runc"
RPROVIDES:${PN} = "runc virtual-runc"
