SUMMARY = "The C library the toolchain links against, imported from Debian's libc6 for the target architecture"
LICENSE = "LGPL-2.1-or-later"
DEBIAN_PACKAGE = "libc6"
inherit debian-import
RPROVIDES:${PN} = "libc6 virtual-libc"
# Only the run-time parts: the dynamic loader and the libraries.
do_install () {
    cp -a --no-preserve=ownership ${S}/. ${D}/
    rm -rf ${D}/usr/share/doc ${D}/usr/share/lintian ${D}/usr/share/locale ${D}/usr/libexec ${D}/usr/bin ${D}/usr/sbin
}
FILES:${PN} = "/*"
INHIBIT_DEFAULT_DEPS = "1"
PROVIDES = "virtual/libc"
