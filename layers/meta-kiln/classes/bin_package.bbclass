# Recipes that import files already built elsewhere: the installed tree is taken as it is.
# Debian binary packages named in BIN_PACKAGE_DEBS (local .deb files) are extracted with dpkg-deb
# into ${S} just before do_install, whose default copies ${S} into ${D}. Nothing is configured or
# compiled.
S = "${WORKDIR}/imported"
BIN_PACKAGE_DEBS ?= ""

bin_package_extract () {
    rm -rf ${S}
    mkdir -p ${S}
    for deb in ${BIN_PACKAGE_DEBS}; do
        dpkg-deb -x "$deb" ${S}
    done
}
do_install[prefuncs] += "bin_package_extract"

do_configure[noexec] = "1"
do_compile[noexec] = "1"
do_install () {
    cp -a --no-preserve=ownership ${S}/. ${D}/
}
