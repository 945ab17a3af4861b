SUMMARY = "Runs at first boot the package scripts kept in /etc/kiln-postinsts while the image was built"
LICENSE = "MIT"
SRC_URI = "file://kiln-run-postinsts"
S = "${UNPACKDIR}"
INHIBIT_DEFAULT_DEPS = "1"
inherit kiln-service
# First of kiln-init's services: what later services need may be set up by these scripts.
KILN_SERVICES = "${sbindir}/kiln-run-postinsts:oneshot"
KILN_SERVICE_PRIORITY = "00"

do_install () {
    install -d ${D}${sbindir}
    install -m 0755 ${UNPACKDIR}/kiln-run-postinsts ${D}${sbindir}/kiln-run-postinsts
}
