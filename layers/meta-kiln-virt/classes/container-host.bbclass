# A host image that carries container images: BUNDLED_CONTAINERS lists image recipes built with
# IMAGE_FSTYPES containing "oci"; each one's OCI layout is installed below CONTAINER_STORE_DIR as
# NAME (ready for a runtime: `crun`/`runc` after unpacking, `skopeo copy oci:...`). do_rootfs
# depends on their do_image, so building the host builds them.
BUNDLED_CONTAINERS ?= ""
CONTAINER_STORE_DIR ?= "/var/lib/kiln/containers"

python () {
    for name in (d.getVar('BUNDLED_CONTAINERS') or '').split():
        d.appendVarFlag('do_rootfs', 'depends', ' %s:do_image' % name.split(':')[0])
}

install_bundled_containers () {
    for entry in ${BUNDLED_CONTAINERS}; do
        name=${entry%%:*}
        layout=${DEPLOY_DIR_IMAGE}/${name}-${MACHINE}.oci
        if [ ! -f "$layout/index.json" ]; then
            echo "BUNDLED_CONTAINERS: $name has no OCI image at $layout (IMAGE_FSTYPES must contain oci)" >&2
            exit 1
        fi
        install -d ${IMAGE_ROOTFS}${CONTAINER_STORE_DIR}
        rm -rf ${IMAGE_ROOTFS}${CONTAINER_STORE_DIR}/$name
        cp -a --no-preserve=ownership "$layout" ${IMAGE_ROOTFS}${CONTAINER_STORE_DIR}/$name
    done
}
ROOTFS_POSTPROCESS_COMMAND += "install_bundled_containers"
do_rootfs[vardeps] += "BUNDLED_CONTAINERS CONTAINER_STORE_DIR install_bundled_containers"
