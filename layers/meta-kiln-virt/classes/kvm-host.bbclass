# A host image that carries virtual machines and starts them with QEMU/KVM.
#
# KVM_GUESTS lists guest images built in other configurations, each "MC:IMAGE" or
# "MC:IMAGE:autostart" (started at boot, in order, by kiln-vm-tools' boot service): the image
# recipe IMAGE of multiconfig MC (BBMULTICONFIG; conf/multiconfig/MC.conf usually gives it its
# own TMPDIR). do_rootfs depends on the guest's image and kernel through [mcdepends], so building
# the host builds its guests. Each guest is installed below KVM_GUEST_STORE_DIR/IMAGE as
#   kernel, initrd     the guest's kernel and its KVM_GUEST_IMAGE_FSTYPE image (cpio.gz) as initramfs
#   vm.conf            what kiln-vm needs to start it (QEMU program, machine, memory, command line)
#   domain.xml         the same guest as a libvirt domain (`virsh define domain.xml`)
# and `kiln-vm run IMAGE` (kiln-vm-tools) starts it. A guest's files are looked for in
# KVM_GUEST_DEPLOY_DIR[MC], by default ${TOPDIR}/tmp-MC/deploy/images/${MACHINE}.
#
# The image needs DISTRO_FEATURES "kvm"; the kernel's configuration is checked against
# KVM_HOST_KERNEL_FRAGMENTS with a warning naming what is unmet. KVM_HOST_HYPERVISOR names the
# package with QEMU for the target ("" when the host gets it another way).
inherit features_check
REQUIRED_DISTRO_FEATURES += "kvm"

KVM_GUESTS ?= ""
KVM_GUEST_STORE_DIR ?= "/var/lib/kiln/vms"
KVM_GUEST_IMAGE_FSTYPE ?= "cpio.gz"
KVM_GUEST_MEMORY ?= "256"
KVM_GUEST_CPUS ?= "1"
KVM_GUEST_CMDLINE ?= "${QB_KERNEL_CMDLINE}"
KVM_HOST_HYPERVISOR ?= "qemu"
KVM_HOST_KERNEL_FRAGMENTS ?= "${KILN_VIRT_KERNEL_FRAGMENTS}/kvm-host.cfg"
KVM_HOST_KERNEL_CONFIG ?= "${DEPLOY_DIR_IMAGE}/config-${MACHINE}"

IMAGE_INSTALL:append = " kiln-vm-tools ${KVM_HOST_HYPERVISOR}"

python () {
    import os
    here = d.getVar('BB_CURRENT_MC') or ''
    plan = []
    for entry in (d.getVar('KVM_GUESTS') or '').split():
        parts = entry.split(':')
        if len(parts) not in (2, 3) or not all(parts) or parts[2:] not in ([], ['autostart']):
            bb.fatal("KVM_GUESTS entry %s is not MC:IMAGE or MC:IMAGE:autostart" % entry)
        mc, image = parts[0], parts[1]
        d.appendVarFlag('do_rootfs', 'mcdepends', ' mc:%s:%s:%s:do_image mc:%s:%s:virtual/kernel:do_deploy'
                        % (here, mc, image, here, mc))
        deploy = d.getVarFlag('KVM_GUEST_DEPLOY_DIR', mc) or \
            os.path.join(d.getVar('TOPDIR'), 'tmp-' + mc, 'deploy', 'images', d.getVar('MACHINE'))
        plan.append('%s=%s%s' % (image, deploy, '=autostart' if len(parts) == 3 else ''))
    d.setVar('KVM_GUEST_PLAN', ' '.join(plan))
    d.appendVarFlag('do_image', 'depends', ' virtual/kernel:do_deploy')
}

# The QEMU machine for the guest (the host's own architecture), and the processor QEMU emulates
# when there is no KVM (with KVM the guest gets the host's).
KVM_GUEST_QEMU_MACHINE ?= "q35"
KVM_GUEST_QEMU_MACHINE:aarch64 ?= "virt"
KVM_GUEST_QEMU_CPU ?= ""
KVM_GUEST_QEMU_CPU:aarch64 ?= "cortex-a57"
KVM_GUEST_LIBVIRT_ARCH ?= "${TARGET_ARCH}"

xml_escape () {
    printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e "s/'/\&apos;/g" -e 's/"/\&quot;/g'
}

install_kvm_guests () {
    install -d ${IMAGE_ROOTFS}${sysconfdir}/kiln
    : > ${IMAGE_ROOTFS}${sysconfdir}/kiln/vms.autostart
    for entry in ${KVM_GUEST_PLAN}; do
        name=${entry%%=*}
        deploy=${entry#*=}
        case $deploy in
        *=autostart) deploy=${deploy%=autostart}; echo "$name" >> ${IMAGE_ROOTFS}${sysconfdir}/kiln/vms.autostart ;;
        esac
        kernel=$deploy/${KERNEL_IMAGE_NAME}-${MACHINE}
        image=$deploy/$name-${MACHINE}.${KVM_GUEST_IMAGE_FSTYPE}
        for f in "$kernel" "$image"; do
            if [ ! -f "$f" ]; then
                echo "KVM_GUESTS: guest $name has no $f (set KVM_GUEST_DEPLOY_DIR[MC] if its TMPDIR is elsewhere)" >&2
                exit 1
            fi
        done
        dir=${KVM_GUEST_STORE_DIR}/$name
        install -d ${IMAGE_ROOTFS}$dir
        install -m 0644 "$kernel" ${IMAGE_ROOTFS}$dir/kernel
        install -m 0644 "$image" ${IMAGE_ROOTFS}$dir/initrd
        cat > ${IMAGE_ROOTFS}$dir/vm.conf <<EOT
VM_NAME='$name'
VM_QEMU='${QB_SYSTEM_NAME}'
VM_MACHINE='${KVM_GUEST_QEMU_MACHINE}'
VM_CPU='${KVM_GUEST_QEMU_CPU}'
VM_MEMORY='${KVM_GUEST_MEMORY}'
VM_CPUS='${KVM_GUEST_CPUS}'
VM_APPEND='${KVM_GUEST_CMDLINE}'
EOT
        cat > ${IMAGE_ROOTFS}$dir/domain.xml <<EOT
<domain type='kvm'>
  <name>$(xml_escape "$name")</name>
  <memory unit='MiB'>${KVM_GUEST_MEMORY}</memory>
  <vcpu>${KVM_GUEST_CPUS}</vcpu>
  <os>
    <type arch='${KVM_GUEST_LIBVIRT_ARCH}' machine='${KVM_GUEST_QEMU_MACHINE}'>hvm</type>
    <kernel>$dir/kernel</kernel>
    <initrd>$dir/initrd</initrd>
    <cmdline>$(xml_escape "${KVM_GUEST_CMDLINE}")</cmdline>
  </os>
  <on_reboot>destroy</on_reboot>
  <devices>
    <emulator>/usr/bin/${QB_SYSTEM_NAME}</emulator>
    <interface type='user'>
      <model type='virtio'/>
    </interface>
    <serial type='pty'>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
  </devices>
</domain>
EOT
    done
}
ROOTFS_POSTPROCESS_COMMAND += "install_kvm_guests"
do_rootfs[vardeps] += "KVM_GUESTS KVM_GUEST_PLAN KVM_GUEST_STORE_DIR KVM_GUEST_IMAGE_FSTYPE KVM_GUEST_MEMORY \
    KVM_GUEST_CPUS KVM_GUEST_CMDLINE KVM_GUEST_QEMU_MACHINE KVM_GUEST_QEMU_CPU KVM_GUEST_LIBVIRT_ARCH install_kvm_guests xml_escape"

python kvm_host_check_kernel () {
    import kiln
    kiln.warn_unmet_kernel_config(d, d.getVar('KVM_HOST_KERNEL_CONFIG'),
                                  (d.getVar('KVM_HOST_KERNEL_FRAGMENTS') or '').split(), 'KVM hosts')
}
do_image[prefuncs] += "kvm_host_check_kernel"
