SUMMARY = "QEMU, the machine emulator and virtualizer (the system emulator for the target's own architecture), from Debian's binary package with what it depends on"
HOMEPAGE = "https://www.qemu.org"
LICENSE = "GPL-2.0-only & LGPL-2.1-or-later"
DEBIAN_PACKAGE = "qemu-system-x86"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_qemu = "qemu-debian".
PROVIDES = "qemu"
RPROVIDES:${PN} = "qemu"
# The emulator for the target's own architecture, as a KVM host runs it.
DEBIAN_PACKAGE:aarch64 = "qemu-system-arm"
