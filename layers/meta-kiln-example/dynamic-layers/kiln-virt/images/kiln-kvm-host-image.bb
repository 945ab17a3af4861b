SUMMARY = "The example as a KVM host: the example image as a guest (built in multiconfig 'guest'), started at boot"
LICENSE = "MIT"
inherit core-image kvm-host
IMAGE_INSTALL = "kiln-status"
KVM_GUESTS = "guest:kiln-image-minimal:autostart"
# The guest powers itself off once its services ran, so the host's boot goes on.
KVM_GUEST_CMDLINE = "${QB_KERNEL_CMDLINE} kiln.poweroff_when_done=1"
IMAGE_FSTYPES = "cpio.gz tar.zst"
# QEMU with its libraries and the guest, unpacked from the initramfs, and the guest's memory.
QB_MEM = "1536"
