SUMMARY = "crun, a fast and small OCI container runtime written in C"
HOMEPAGE = "https://github.com/containers/crun"
# The crun program is GPL, the libcrun library LGPL.
LICENSE = "GPL-2.0-or-later & LGPL-2.1-or-later"
LIC_FILES_CHKSUM = "file://COPYING;md5=b234ee4d69f5fce4486a80fdaf4a4263 \
                    file://COPYING.libcrun;md5=4fbd65380cdd255951079008b364516c"

# crun's libocispec submodule and libocispec's own submodules (runtime-spec, image-spec, yajl) are
# fetched as separate git sources at the commits crun 1.20 pins, so that no `git submodule` runs at
# build time. libocispec's configure wants the yajl directory even though crun links the system
# yajl; its pinned yajl commit is gone from the repository, so yajl's main branch head is used.
SRC_URI = "git://github.com/containers/crun.git;branch=main;protocol=https;name=crun \
           git://github.com/containers/libocispec.git;branch=main;protocol=https;name=libocispec;destsuffix=git/libocispec \
           git://github.com/opencontainers/runtime-spec.git;branch=main;protocol=https;name=rspec;destsuffix=git/libocispec/runtime-spec \
           git://github.com/opencontainers/image-spec.git;branch=main;protocol=https;name=ispec;destsuffix=git/libocispec/image-spec \
           git://github.com/containers/yajl.git;branch=main;protocol=https;name=yajl;destsuffix=git/libocispec/yajl"
# The 1.20 tag.
SRCREV_crun = "9c9a76ac11994701dd666c4f0b869ceffb599a66"
SRCREV_libocispec = "5ffd4dd9fa684e0ffb2f0b5ea4a6cb638b021397"
SRCREV_rspec = "9505701eb390445ef7edf2be3bd3d7bc1f14eae5"
SRCREV_ispec = "c66e8113cbad252a418d85f061bd1a20d0904d08"
SRCREV_yajl = "f344d21280c3e4094919fd318bc5ce75da91fc06"
SRCREV_FORMAT = "crun_libocispec"
S = "${UNPACKDIR}/git"

DEPENDS = "libcap libseccomp yajl"
inherit autotools pkgconfig

# crun generates libocispec's sources inside the source tree: build there, and do not let the
# autotools class empty ${B} (which is now the source) before configuring.
B = "${S}"
do_configure[cleandirs] = ""
# autoreconf needs the m4 directory crun's autogen.sh would make.
do_configure:prepend () {
    mkdir -p ${S}/m4
}
EXTRA_OECONF = "--enable-caps --enable-seccomp --disable-systemd --disable-embedded-yajl"

RPROVIDES:${PN} = "virtual-runc"
