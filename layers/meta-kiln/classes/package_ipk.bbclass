# Writing .ipk packages (opkg's format) into the feed ${DEPLOY_DIR_IPK}/${PACKAGE_ARCH}.

python do_package_write_ipk () {
    import kiln
    kiln.package_write(d, 'ipk')
}
do_package_write_ipk[cleandirs] = "${PKGWRITEDIRIPK}"
do_package_write_ipk[fakeroot] = "1"
do_package_write_ipk[sstate-outputdirs] = "${PKGWRITEDIRIPK}"
do_package_write_ipk[kiln-deploy] = "${DEPLOY_DIR_IPK}"
# do_package too: the packages are written from its output (PKGDEST), which must be there
# (restored from shared state when nothing else needs do_package to run).
addtask package_write_ipk after do_packagedata do_package before do_build
# What the packages depend on at run time is packaged too (and its data known) before this one is
# written, and building a recipe builds the packages its packages need.
do_package_write_ipk[rdeptask] = "do_packagedata"
do_build[rdeptask] += "do_package_write_ipk"
