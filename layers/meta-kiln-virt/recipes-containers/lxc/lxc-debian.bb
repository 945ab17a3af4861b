SUMMARY = "LXC, Linux containers (liblxc and its tools), from Debian's binary package with what it depends on"
HOMEPAGE = "https://linuxcontainers.org/lxc/"
LICENSE = "LGPL-2.1-or-later & GPL-2.0-only"
DEBIAN_PACKAGE = "lxc"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_lxc = "lxc-debian".
PROVIDES = "lxc"
RPROVIDES:${PN} = "lxc"
