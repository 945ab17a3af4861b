# Images: a root filesystem installed from the package feed (kiln's own installer: IMAGE_INSTALL
# and everything it needs at run time), users and groups, then one file per IMAGE_FSTYPES entry
# in ${DEPLOY_DIR_IMAGE} (tar, tar.gz, tar.zst, cpio.gz, ext4, qcow2), named ${IMAGE_NAME} with a
# ${IMAGE_LINK_NAME} link; "oci" makes an OCI image layout configured by OCI_IMAGE_*; "wic"
# (and "wic.qcow2", "wic.zst") a partitioned disk from a kickstart file (see below). Everything
# runs under fakeroot, so owners come from the packages.
inherit nopackages

IMAGE_INSTALL ?= ""
IMAGE_FEATURES ??= ""
FEATURE_INSTALL ?= ""
PACKAGE_INSTALL = "${IMAGE_INSTALL} ${FEATURE_INSTALL}"
IMAGE_LINGUAS = ""
NO_RECOMMENDATIONS ?= "0"
PACKAGE_EXCLUDE ?= ""
RDEPENDS += "${PACKAGE_INSTALL}"

IMAGE_ROOTFS = "${WORKDIR}/rootfs"
IMGDEPLOYDIR = "${WORKDIR}/deploy-${PN}-image"
IMAGE_BASENAME ?= "${PN}"
IMAGE_NAME ?= "${IMAGE_BASENAME}-${MACHINE}"
IMAGE_LINK_NAME ?= "${IMAGE_BASENAME}-${MACHINE}"
IMAGE_FSTYPES ?= "tar.zst"
IMAGE_ROOTFS_EXTRA_SPACE ?= "16"
IMAGE_HOSTNAME ?= "${MACHINE}"
# "name[:gid]" entries, and "name:uid:group[:home[:shell]]" entries.
EXTRA_GROUPS ?= ""
EXTRA_USERS ?= ""

python do_rootfs () {
    import kiln
    kiln.rootfs(d)
}
do_rootfs[cleandirs] = "${IMAGE_ROOTFS}"
do_rootfs[fakeroot] = "1"
do_rootfs[recrdeptask] = "do_package_write_${@d.getVar('PACKAGE_CLASSES').split()[0].replace('package_', '')} do_packagedata"
addtask rootfs after do_prepare_recipe_sysroot

inherit image_types_wic

python do_image () {
    import kiln
    fstypes = (d.getVar('IMAGE_FSTYPES') or '').split()
    disks = [t for t in fstypes if kiln_is_disk_type(t)]
    if disks:
        kiln_disk_image(d, disks)
    others = [t for t in fstypes if t not in disks]
    if others:
        kiln.image(d, others)
}
do_image[cleandirs] = "${IMGDEPLOYDIR}"
do_image[fakeroot] = "1"
do_image[sstate-outputdirs] = "${IMGDEPLOYDIR}"
do_image[kiln-deploy] = "${DEPLOY_DIR_IMAGE}"
addtask image after do_rootfs before do_build

# An image has no sources of its own.
python () {
    for task in ('do_fetch', 'do_unpack', 'do_patch', 'do_configure', 'do_compile', 'do_install'):
        d.setVarFlag(task, 'noexec', '1')
}
INHIBIT_DEFAULT_DEPS = "1"
do_rootfs[vardeps] += "PACKAGE_INSTALL IMAGE_FEATURES FEATURE_INSTALL NO_RECOMMENDATIONS PACKAGE_EXCLUDE EXTRA_USERS EXTRA_GROUPS IMAGE_HOSTNAME ROOTFS_POSTPROCESS_COMMAND PACKAGE_CLASSES"
do_image[vardeps] += "OCI_IMAGE_ENTRYPOINT OCI_IMAGE_ENTRYPOINT_ARGS OCI_IMAGE_ENV_VARS OCI_IMAGE_WORKINGDIR \
    OCI_IMAGE_RUNTIME_UID OCI_IMAGE_PORTS OCI_IMAGE_LABELS OCI_IMAGE_AUTHOR OCI_IMAGE_STOPSIGNAL OCI_IMAGE_TAG OCI_IMAGE_TAR_OUTPUT"
do_image[vardeps] += "IMAGE_FSTYPES IMAGE_NAME IMAGE_LINK_NAME IMAGE_ROOTFS_EXTRA_SPACE IMAGE_BASENAME SOURCE_DATE_EPOCH"
