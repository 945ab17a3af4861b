SUMMARY = "The kernel configuration a KVM host needs, for kiln kernel-config-check on the target"
LICENSE = "MIT"
REQUIRED_DISTRO_FEATURES = "kvm"
inherit features_check
SRC_URI = "file://kvm-host.cfg file://virtio-guest.cfg"
FILESEXTRAPATHS:prepend := "${THISDIR}/../linux/files:"
S = "${UNPACKDIR}"
INHIBIT_DEFAULT_DEPS = "1"
do_install () {
    install -d ${D}${datadir}/kiln/kernel-fragments
    install -m 0644 ${S}/*.cfg ${D}${datadir}/kiln/kernel-fragments/
}
FILES:${PN} = "${datadir}/kiln"
