SUMMARY = "kiln-vm: starts the virtual machines a KVM host image carries, with QEMU"
LICENSE = "MIT"
SRC_URI = "file://kiln-vm"
S = "${UNPACKDIR}"
do_configure[noexec] = "1"
do_compile[noexec] = "1"
do_install () {
    install -d ${D}${bindir}
    install -m 0755 ${S}/kiln-vm ${D}${bindir}/
}
RDEPENDS:${PN} = "busybox"
INHIBIT_DEFAULT_DEPS = "1"
