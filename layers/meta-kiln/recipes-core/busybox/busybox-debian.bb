SUMMARY = "A shell and the usual command-line tools in one static program, from Debian's busybox-static"
LICENSE = "GPL-2.0-only"
DEBIAN_PACKAGE = "busybox-static"
inherit debian-import
RPROVIDES:${PN} = "busybox"
PROVIDES = "busybox"

# Debian ships the binary only; the command links are made here.
do_install () {
    install -d ${D}${base_bindir}
    install -m 0755 ${S}/bin/busybox ${D}${base_bindir}/busybox
    for applet in $(${S}/bin/busybox --list 2>/dev/null || true); do
        [ "$applet" = busybox ] || [ "$applet" = init ] || ln -sf busybox ${D}${base_bindir}/$applet
    done
    ln -sf busybox ${D}${base_bindir}/sh
}
FILES:${PN} = "/*"
INHIBIT_DEFAULT_DEPS = "1"
