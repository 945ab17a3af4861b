# Packaging (kiln's built-in, reached through kiln.package): ${D} is copied to ${PKGD}, ELF files
# are stripped (with the target's ${STRIP}, ${OBJCOPY} and ${READELF}) with their debug information
# kept for ${PN}-dbg, and files are split into
# ${PKGDEST}/<package> by FILES:<package> (the first package in PACKAGES whose patterns match a
# file takes it). Runtime dependencies on shared libraries are added automatically, from the
# shared libraries this recipe's packages and those of its dependencies provide (pkgdata).

python do_package () {
    import kiln
    kiln.package(d)
}
do_package[cleandirs] = "${PKGD} ${PKGDEST} ${PKGDESTWORK}"
# ${D} too: recipes without do_install (package groups) package an empty tree.
do_package[dirs] = "${D} ${PKGD}"
do_package[fakeroot] = "1"
do_package[deptask] = "do_packagedata"
do_package[sstate-outputdirs] = "${PKGDEST} ${PKGDESTWORK}"
addtask package after do_install

# What other recipes' packaging needs to know about this recipe's packages (names, versions,
# runtime dependencies, shared libraries), shared in ${PKGDATA_DIR}/${PN}.
python do_packagedata () {
    pass
}
do_packagedata[sstate-outputdirs] = "${PKGDESTWORK}"
do_packagedata[kiln-deploy] = "${PKGDATA_DIR}/${PN}"
addtask packagedata after do_package

# What the packaging built-in reads, per package (and the recipe-wide values it falls back to:
# SUMMARY, DESCRIPTION, SECTION, LICENSE) and the binutils it runs, are part of the signatures.
PACKAGEVARS = "FILES RDEPENDS RRECOMMENDS RPROVIDES RCONFLICTS RREPLACES SUMMARY DESCRIPTION SECTION LICENSE \
    ALLOW_EMPTY CONFFILES pkg_preinst pkg_postinst pkg_postinst_ontarget pkg_prerm pkg_postrm"
do_package[vardeps] += "PACKAGES PKGE PKGV PKGR PACKAGE_ARCH MAINTAINER HOMEPAGE INHIBIT_PACKAGE_STRIP STRIP OBJCOPY READELF \
    SUMMARY DESCRIPTION SECTION LICENSE"
python () {
    names = []
    for pkg in (d.getVar('PACKAGES') or '').split():
        names.extend('%s:%s' % (var, pkg) for var in (d.getVar('PACKAGEVARS') or '').split())
    d.appendVarFlag('do_package', 'vardeps', ' ' + ' '.join(names))
}
