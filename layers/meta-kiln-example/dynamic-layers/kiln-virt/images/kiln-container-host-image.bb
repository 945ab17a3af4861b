SUMMARY = "The example as a container host: crun, and the hello container started at boot"
LICENSE = "MIT"
inherit core-image container-host
IMAGE_INSTALL = "kiln-status"
BUNDLED_CONTAINERS = "kiln-container-hello:autostart"
IMAGE_FSTYPES = "cpio.gz tar.zst"
