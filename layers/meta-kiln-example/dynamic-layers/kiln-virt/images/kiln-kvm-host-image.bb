SUMMARY = "The example as a KVM host: the example image as a guest, built in multiconfig 'guest'"
LICENSE = "MIT"
inherit core-image kvm-host
IMAGE_INSTALL = "kiln-status"
KVM_GUESTS = "guest:kiln-image-minimal"
IMAGE_FSTYPES = "cpio.gz tar.zst"
