SUMMARY = "kiln-container: runs the containers a host image carries with crun or runc"
LICENSE = "MIT"
SRC_URI = "file://kiln-container file://kiln-container-autostart"
S = "${UNPACKDIR}"
inherit kiln-service
# Once every other boot-time service has started.
KILN_SERVICES = "${bindir}/kiln-container-autostart:oneshot"
KILN_SERVICE_PRIORITY = "80"

do_configure[noexec] = "1"
do_compile[noexec] = "1"
do_install () {
    install -d ${D}${bindir}
    install -m 0755 ${S}/kiln-container ${S}/kiln-container-autostart ${D}${bindir}/
}
RDEPENDS:${PN} = "busybox"
INHIBIT_DEFAULT_DEPS = "1"
