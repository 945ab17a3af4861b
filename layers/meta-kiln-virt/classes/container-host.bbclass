# A host image that carries and runs containers.
#
# BUNDLED_CONTAINERS lists container-image recipes (built with IMAGE_FSTYPES containing "oci"),
# each "NAME" or "NAME:autostart". Each one is installed below CONTAINER_STORE_DIR/NAME as
#   image/    its OCI image layout (for skopeo, podman, or another runtime's tools)
#   bundle/   the same image unpacked into a runtime bundle (rootfs/ + config.json), ready for
#             `crun run -b` / `runc run -b`, or for `kiln-container run NAME`
# and "autostart" ones are started at boot, in the order listed (/etc/kiln/containers.autostart,
# read by kiln-container-tools' boot service). do_rootfs depends on their do_image, so building
# the host builds them.
#
# The image gets kiln-container-tools and the runtime VIRTUAL-RUNTIME_container_runtime (crun;
# Debian's binaries with PREFERRED_PROVIDER_crun = "crun-debian"). The kernel's configuration
# (config-${MACHINE} as the kernel recipe deploys it) is checked against
# CONTAINER_HOST_KERNEL_FRAGMENTS, with a warning that names every unmet option.
BUNDLED_CONTAINERS ?= ""
CONTAINER_STORE_DIR ?= "/var/lib/kiln/containers"
VIRTUAL-RUNTIME_container_runtime ?= "crun"
CONTAINER_HOST_KERNEL_FRAGMENTS ?= "${KILN_VIRT_KERNEL_FRAGMENTS}/containers.cfg"
CONTAINER_HOST_KERNEL_CONFIG ?= "${DEPLOY_DIR_IMAGE}/config-${MACHINE}"

IMAGE_INSTALL:append = " kiln-container-tools ${VIRTUAL-RUNTIME_container_runtime}"

python () {
    for entry in (d.getVar('BUNDLED_CONTAINERS') or '').split():
        name, _, flags = entry.partition(':')
        if flags not in ('', 'autostart'):
            bb.fatal("BUNDLED_CONTAINERS entry %s: %s is not a known flag (autostart)" % (entry, flags))
        d.appendVarFlag('do_rootfs', 'depends', ' %s:do_image' % name)
    d.appendVarFlag('do_image', 'depends', ' virtual/kernel:do_deploy')
}

install_bundled_containers () {
    install -d ${IMAGE_ROOTFS}${sysconfdir}/kiln
    : > ${IMAGE_ROOTFS}${sysconfdir}/kiln/containers.autostart
    echo ${VIRTUAL-RUNTIME_container_runtime} > ${IMAGE_ROOTFS}${sysconfdir}/kiln/container-runtime
    for entry in ${BUNDLED_CONTAINERS}; do
        name=${entry%%:*}
        layout=${DEPLOY_DIR_IMAGE}/${name}-${MACHINE}.oci
        if [ ! -f "$layout/index.json" ]; then
            echo "BUNDLED_CONTAINERS: $name has no OCI image at $layout (IMAGE_FSTYPES must contain oci)" >&2
            exit 1
        fi
        install -d ${IMAGE_ROOTFS}${CONTAINER_STORE_DIR}/$name
        rm -rf ${IMAGE_ROOTFS}${CONTAINER_STORE_DIR}/$name/image
        cp -a --no-preserve=ownership "$layout" ${IMAGE_ROOTFS}${CONTAINER_STORE_DIR}/$name/image
        [ "$entry" = "$name" ] || echo "$name" >> ${IMAGE_ROOTFS}${sysconfdir}/kiln/containers.autostart
    done
}

python unpack_bundled_containers () {
    import kiln, os
    store = d.getVar('IMAGE_ROOTFS') + d.getVar('CONTAINER_STORE_DIR')
    for entry in (d.getVar('BUNDLED_CONTAINERS') or '').split():
        name = entry.split(':')[0]
        kiln.oci_bundle(d, os.path.join(store, name, 'image'), os.path.join(store, name, 'bundle'), name)
}
ROOTFS_POSTPROCESS_COMMAND += "install_bundled_containers unpack_bundled_containers"
do_rootfs[vardeps] += "BUNDLED_CONTAINERS CONTAINER_STORE_DIR VIRTUAL-RUNTIME_container_runtime install_bundled_containers unpack_bundled_containers"

python container_host_check_kernel () {
    import kiln
    kiln.warn_unmet_kernel_config(d, d.getVar('CONTAINER_HOST_KERNEL_CONFIG'),
                                  (d.getVar('CONTAINER_HOST_KERNEL_FRAGMENTS') or '').split(), 'containers')
}
do_image[prefuncs] += "container_host_check_kernel"
