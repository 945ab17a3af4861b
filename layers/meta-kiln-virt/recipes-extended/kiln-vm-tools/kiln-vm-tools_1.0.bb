SUMMARY = "kiln-vm: starts the virtual machines a KVM host image carries, with QEMU"
LICENSE = "MIT"
SRC_URI = "file://kiln-vm file://kiln-vm-autostart"
S = "${UNPACKDIR}"
inherit kiln-service
# After every other boot-time service (containers included).
KILN_SERVICES = "${bindir}/kiln-vm-autostart:oneshot"
KILN_SERVICE_PRIORITY = "85"
do_configure[noexec] = "1"
do_compile[noexec] = "1"
do_install () {
    install -d ${D}${bindir}
    install -m 0755 ${S}/kiln-vm ${S}/kiln-vm-autostart ${D}${bindir}/
}
RDEPENDS:${PN} = "busybox"
INHIBIT_DEFAULT_DEPS = "1"
