SUMMARY = "A Linux kernel from Debian's kernel package, deployed for images and runqemu"
LICENSE = "GPL-2.0-only"
DEBIAN_PACKAGE ?= "linux-image-[0-9]*-cloud-amd64"
DEBIAN_PACKAGE:qemuarm64 ?= "linux-image-[0-9]*-cloud-arm64"
inherit debian-import
PROVIDES = "virtual/kernel"
PACKAGES = ""

do_install[noexec] = "1"
# Debian's /boot/vmlinuz-* (with its /boot/config-* as config-${MACHINE}): a bzImage on amd64,
# an arm64 Image (with its EFI stub) on arm64. Some arm64 kernels are gzip-compressed Images;
# they are deployed uncompressed, as QEMU and boot loaders load an Image.
do_deploy () {
    install -d ${DEPLOYDIR}
    kernel=$(ls ${S}/boot/vmlinuz-* | head -n 1)
    if [ "$(head -c 2 "$kernel" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then
        gzip -dc "$kernel" > ${DEPLOYDIR}/${KERNEL_IMAGE_NAME}-${MACHINE}
        chmod 0644 ${DEPLOYDIR}/${KERNEL_IMAGE_NAME}-${MACHINE}
    else
        install -m 0644 "$kernel" ${DEPLOYDIR}/${KERNEL_IMAGE_NAME}-${MACHINE}
    fi
    # Its configuration, for images that check the kernel has what they need.
    install -m 0644 $(ls ${S}/boot/config-* | head -n 1) ${DEPLOYDIR}/config-${MACHINE}
}
do_deploy[cleandirs] = "${DEPLOYDIR}"
do_deploy[prefuncs] = "bin_package_extract"
do_deploy[sstate-outputdirs] = "${DEPLOYDIR}"
do_deploy[kiln-deploy] = "${DEPLOY_DIR_IMAGE}"
addtask deploy after do_unpack before do_build
deltask do_package
deltask do_packagedata
deltask do_package_write_ipk
deltask do_package_write_deb
deltask do_populate_sysroot
INHIBIT_DEFAULT_DEPS = "1"
