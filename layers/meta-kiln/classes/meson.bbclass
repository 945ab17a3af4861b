# Building with Meson and Ninja, out of tree in ${B}. Cross builds get a cross file describing
# the toolchain (compilers, binutils, CPU family), written at configure time.
B = "${WORKDIR}/build"
EXTRA_OEMESON ?= ""
MESON_BUILDTYPE ?= "release"
MESON_CPU_FAMILY = "${@{'x86_64': 'x86_64', 'aarch64': 'aarch64', 'arm': 'arm'}.get(d.getVar('TARGET_ARCH'), d.getVar('TARGET_ARCH'))}"

meson_do_configure () {
    cross=
    if [ -n "${TARGET_PREFIX}" ]; then
        cat > ${WORKDIR}/meson.cross <<EOT
[binaries]
c = '$(echo ${CC} | cut -d' ' -f1)'
cpp = '$(echo ${CXX} | cut -d' ' -f1)'
ar = '${AR}'
strip = '${STRIP}'
pkg-config = 'pkg-config'

[host_machine]
system = 'linux'
cpu_family = '${MESON_CPU_FAMILY}'
cpu = '${TARGET_ARCH}'
endian = 'little'
EOT
        cross="--cross-file ${WORKDIR}/meson.cross"
    fi
    meson setup ${B} ${S} $cross --prefix=${prefix} --libdir=${libdir} --bindir=${bindir} \
        --sysconfdir=${sysconfdir} --localstatedir=${localstatedir} --buildtype=${MESON_BUILDTYPE} \
        --wrap-mode=nodownload ${EXTRA_OEMESON}
}
meson_do_compile () {
    meson compile -C ${B} ${PARALLEL_MAKE}
}
meson_do_install () {
    DESTDIR=${D} meson install -C ${B} --no-rebuild
}
do_configure[cleandirs] = "${B}"
EXPORT_FUNCTIONS do_configure do_compile do_install
