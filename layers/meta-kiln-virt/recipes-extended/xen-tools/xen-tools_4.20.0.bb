SUMMARY = "The Xen hypervisor's user-space tools: xl, xenstored, libxenlight and friends"
HOMEPAGE = "https://xenproject.org"
# The tools are GPL-2.0; the libraries under tools/libs are LGPL-2.1 (COPYING says which is which).
LICENSE = "GPL-2.0-only & LGPL-2.1-only"
LIC_FILES_CHKSUM = "file://COPYING;md5=d1a1e216f80b6d8da95fec897d0dbec9"

# Only for distributions that run on Xen.
REQUIRED_DISTRO_FEATURES = "xen"
inherit features_check

# The RELEASE-4.20.0 tag, on the stable-4.20 branch.
SRC_URI = "git://xenbits.xen.org/git-http/xen.git;branch=stable-4.20;protocol=https"
SRCREV = "3ad5d648cda5add395f49fc3704b2552aae734f7"
S = "${UNPACKDIR}/git"

# iasl (acpica) compiles the ACPI tables given to guests; Arm guests' device trees need libfdt.
DEPENDS = "util-linux ncurses yajl zlib xz zstd libnl python3 acpica-native bison-native flex-native \
    python3-setuptools-native"
DEPENDS:append:aarch64 = " dtc"
inherit autotools pkgconfig

# Xen's names for the architectures.
XEN_ARCH = "${@{'x86_64': 'x86_64', 'aarch64': 'arm64'}.get(d.getVar('TARGET_ARCH'), '')}"
export XEN_TARGET_ARCH = "${XEN_ARCH}"
export XEN_COMPILE_ARCH = "${@{'x86_64': 'x86_64', 'aarch64': 'arm64'}.get(d.getVar('BUILD_ARCH'), d.getVar('BUILD_ARCH'))}"
export XEN_OS = "Linux"
export CROSS_COMPILE = "${TARGET_PREFIX}"

# Xen builds only inside its source tree: keep the autotools class from emptying it.
B = "${S}"
do_configure[cleandirs] = ""
# Tools only (the hypervisor is another recipe's job), and nothing configure would download at
# build time: QEMU comes from the qemu recipe, no SeaBIOS/iPXE/stub domains.
EXTRA_OECONF = "--disable-xen --enable-tools --disable-stubdom --disable-docs --disable-golang \
    --disable-ocamltools --disable-seabios --disable-ipxe --disable-rombios --disable-werror \
    --with-system-qemu=${bindir}/qemu-system-i386"

do_compile () {
    oe_runmake tools
}
do_install () {
    oe_runmake DESTDIR=${D} install-tools
}

python () {
    if not d.getVar('XEN_ARCH'):
        raise bb.parse.SkipRecipe("Xen does not run on TARGET_ARCH '%s'" % d.getVar('TARGET_ARCH'))
}
