# Sysroots: what a recipe installs for others to build against (headers, libraries, pkg-config
# files) is put in ${SYSROOT_DESTDIR} and shared as ${COMPONENTS_DIR}/${PN}; each recipe gets its
# own ${RECIPE_SYSROOT} assembled from the components of its DEPENDS (and theirs, recursively).

SYSROOT_DIRS ?= "${includedir} ${libdir} ${base_libdir} ${datadir}/pkgconfig"

python do_populate_sysroot () {
    import kiln
    kiln.populate_sysroot(d)
}
do_populate_sysroot[cleandirs] = "${SYSROOT_DESTDIR}"
do_populate_sysroot[sstate-outputdirs] = "${SYSROOT_DESTDIR}"
do_populate_sysroot[kiln-deploy] = "${COMPONENTS_DIR}/${PN}"
addtask populate_sysroot after do_install before do_build

python do_prepare_recipe_sysroot () {
    import kiln
    kiln.prepare_recipe_sysroot(d)
}
do_prepare_recipe_sysroot[cleandirs] = "${RECIPE_SYSROOT}"
do_prepare_recipe_sysroot[deptask] = "do_populate_sysroot"
addtask prepare_recipe_sysroot after do_fetch before do_configure
do_populate_sysroot[vardeps] += "SYSROOT_DIRS DEPENDS"
do_prepare_recipe_sysroot[vardeps] += "DEPENDS"
