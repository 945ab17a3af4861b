SUMMARY = "A Linux kernel from Debian's kernel package, deployed for images and runqemu"
LICENSE = "GPL-2.0-only"
DEBIAN_PACKAGE ?= "linux-image-[0-9]*-cloud-amd64"
DEBIAN_PACKAGE:qemuarm64 ?= "linux-image-[0-9]*-arm64"
inherit debian-import
PROVIDES = "virtual/kernel"
PACKAGES = ""
KERNEL_IMAGE_NAME ?= "vmlinuz"

do_install[noexec] = "1"
do_deploy () {
    install -d ${DEPLOYDIR}
    install -m 0644 $(ls ${S}/boot/vmlinuz-* | head -n 1) ${DEPLOYDIR}/${KERNEL_IMAGE_NAME}-${MACHINE}
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
