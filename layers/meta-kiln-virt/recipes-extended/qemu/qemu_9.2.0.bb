SUMMARY = "QEMU, the machine emulator and virtualizer (system emulation, with KVM acceleration)"
HOMEPAGE = "https://www.qemu.org"
LICENSE = "GPL-2.0-only & LGPL-2.1-only"
LIC_FILES_CHKSUM = "file://COPYING;md5=441c28d2cf86e15a37fa47e15a72fbac \
                    file://COPYING.LIB;endline=24;md5=8c5efda6cf1e1b03dcfd0e6c0d271c7f"

# The release tarball carries the meson subprojects (dtc, keycodemapdb, ...) and the Python wheels
# configure needs, so nothing is downloaded while building (--disable-download).
SRC_URI = "https://download.qemu.org/qemu-${PV}.tar.xz"
SRC_URI[sha256sum] = "f859f0bc65e1f533d040bbe8c92bcfecee5af2c921a6687c652fb44d089bd894"

DEPENDS = "glib-2.0 zlib pixman libslirp dtc meson-native ninja-native python3-native bison-native"
inherit pkgconfig

# The system emulators to build: by default the target's own architecture, which is what a KVM
# host runs (KVM support is always built in; without /dev/kvm QEMU falls back to emulation).
QEMU_TARGETS ?= "${TARGET_ARCH}"
QEMU_TARGET_LIST = "${@','.join(t + '-softmmu' for t in d.getVar('QEMU_TARGETS').split())}"

# QEMU's configure is its own script (it sets up meson), not autoconf's.
B = "${WORKDIR}/build"
do_configure[cleandirs] = "${B}"
do_configure () {
    # configure would otherwise look for ${TARGET_PREFIX}pkg-config.
    export PKG_CONFIG=pkg-config
    ${S}/configure --prefix=${prefix} --libdir=${libdir} --libexecdir=${libexecdir} \
        --sysconfdir=${sysconfdir} --localstatedir=${localstatedir} \
        --cross-prefix=${TARGET_PREFIX} --target-list=${QEMU_TARGET_LIST} \
        --enable-kvm --enable-slirp --enable-fdt=system --disable-download --disable-docs \
        --disable-werror --disable-strip --extra-cflags="${CFLAGS}" --extra-ldflags="${LDFLAGS}"
}
do_compile () {
    oe_runmake
}
do_install () {
    oe_runmake DESTDIR=${D} install
}

FILES:${PN} += "${datadir}/qemu ${datadir}/icons ${datadir}/applications"
