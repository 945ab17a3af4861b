# Writing .deb packages (dpkg's format) into the feed ${DEPLOY_DIR_DEB}/${DPKG_ARCH}.

python do_package_write_deb () {
    import kiln
    kiln.package_write(d, 'deb')
}
do_package_write_deb[cleandirs] = "${PKGWRITEDIRDEB}"
do_package_write_deb[fakeroot] = "1"
do_package_write_deb[sstate-outputdirs] = "${PKGWRITEDIRDEB}"
do_package_write_deb[kiln-deploy] = "${DEPLOY_DIR_DEB}"
# do_package too: the packages are written from its output (PKGDEST), which must be there
# (restored from shared state when nothing else needs do_package to run).
addtask package_write_deb after do_packagedata do_package before do_build
# What the packages depend on at run time is packaged too (and its data known) before this one is
# written, and building a recipe builds the packages its packages need.
do_package_write_deb[rdeptask] = "do_packagedata"
do_build[rdeptask] += "do_package_write_deb"
