SUMMARY = "The example image: kiln-init, a busybox shell and the example's programs"
LICENSE = "MIT"
inherit core-image
IMAGE_INSTALL = "hello kiln-status"
IMAGE_FSTYPES = "cpio.gz ext4 tar.zst wic"
do_image[depends] += "virtual/kernel:do_deploy"
