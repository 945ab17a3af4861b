SUMMARY = "conmon, the monitor that podman and CRI-O run beside each container"
HOMEPAGE = "https://github.com/containers/conmon"
LICENSE = "Apache-2.0"
LIC_FILES_CHKSUM = "file://LICENSE;md5=61af0b6932ea7b12fb9142721043bc77"

# The v2.1.12 tag.
SRC_URI = "git://github.com/containers/conmon.git;branch=main;protocol=https"
SRCREV = "e8896631295ccb0bfdda4284f1751be19b483264"
S = "${UNPACKDIR}/git"

# meson.build requires both (libseccomp for seccomp notifications).
DEPENDS = "glib-2.0 libseccomp"
inherit meson pkgconfig

# Installed as ${libexecdir}/podman/conmon, where podman looks first.
FILES:${PN} += "${libexecdir}/podman"
