SUMMARY = "libvirt, the virtualization API, its daemon and virsh, from Debian's binary package with what it depends on"
HOMEPAGE = "https://libvirt.org"
LICENSE = "LGPL-2.1-or-later"
DEBIAN_PACKAGE = "libvirt-daemon libvirt-clients"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_libvirt = "libvirt-debian".
PROVIDES = "libvirt"
RPROVIDES:${PN} = "libvirt"
