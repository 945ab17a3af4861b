SUMMARY = "crun, an OCI container runtime written in C, from Debian's binary package with the libraries it needs"
HOMEPAGE = "https://github.com/containers/crun"
LICENSE = "GPL-2.0-or-later & LGPL-2.1-or-later"
DEBIAN_PACKAGE = "crun"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_crun = "crun-debian".
PROVIDES = "crun"
RPROVIDES:${PN} = "crun virtual-runc"
