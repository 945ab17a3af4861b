SUMMARY = "LXC, Linux containers: the liblxc library and the lxc-* tools for system containers"
HOMEPAGE = "https://linuxcontainers.org/lxc/"
LICENSE = "LGPL-2.1-only & GPL-2.0-only"
LIC_FILES_CHKSUM = "file://LICENSE.LGPL2.1;md5=4fbd65380cdd255951079008b364516c \
                    file://LICENSE.GPL2;md5=751419260aa954499f7abaabaa882bbe"

# The v6.0.3 tag, on the 6.0 long-term support branch.
SRC_URI = "git://github.com/lxc/lxc.git;branch=stable-6.0;protocol=https"
SRCREV = "fe31d844e882d5cc176a7935a93b14b4b2823992"
S = "${UNPACKDIR}/git"

DEPENDS = "libcap libseccomp dbus"
inherit meson pkgconfig

# Features are named rather than detected from whatever the sysroot happens to hold. No manual
# pages (they need docbook2x) and no init scripts (kiln images start services their own way).
EXTRA_OEMESON = "-Dcapabilities=true -Dseccomp=true -Ddbus=true -Dapparmor=false -Dselinux=false \
    -Dopenssl=false -Dman=false -Dexamples=false -Dinstall-init-files=false \
    -Ddistrosysconfdir=${sysconfdir}/default"

FILES:${PN} += "${datadir}/lxc ${libdir}/lxc"
