# Import a binary package from Debian: DEBIAN_PACKAGE names it; its .deb is looked for in
# DEBIAN_PACKAGES_DIR (filled once, while online, by scripts/setup-example.sh with
# `apt-get download`), so builds stay offline. The .deb is fetched (and checksummed into the
# task signature) like any local file and extracted by bin_package. PV is the package's version. Without the .deb the
# recipe is skipped with a reason that says how to get it.
inherit bin_package

DEBIAN_PACKAGE ?= "${BPN}"
DEBIAN_PACKAGES_DIR ?= "${TOPDIR}/debian-packages"
DEBIAN_ARCH ?= "${DPKG_ARCH}"
INHIBIT_PACKAGE_STRIP = "1"

def debian_import_find(d):
    import glob, os
    name = d.getVar('DEBIAN_PACKAGE')
    arch = d.getVar('DEBIAN_ARCH')
    found = sorted(glob.glob(os.path.join(d.getVar('DEBIAN_PACKAGES_DIR'), '%s_*_%s.deb' % (name, arch))) +
                   glob.glob(os.path.join(d.getVar('DEBIAN_PACKAGES_DIR'), '%s_*_all.deb' % name)))
    return found[-1] if found else None

python () {
    # Parse again when packages appear in (or leave) the directory.
    bb.parse.mark_dependency(d, d.getVar('DEBIAN_PACKAGES_DIR'))
    deb = debian_import_find(d)
    if not deb:
        raise bb.parse.SkipRecipe("Debian package %s (%s) not found in %s; run scripts/setup-example.sh once while online"
                                  % (d.getVar('DEBIAN_PACKAGE'), d.getVar('DEBIAN_ARCH'), d.getVar('DEBIAN_PACKAGES_DIR')))
    import os
    version = os.path.basename(deb).split('_')[1].replace('%3a', ':')
    d.setVar('PV', version.split(':')[-1])
    d.setVar('SRC_URI', 'file://' + deb.replace('%', '%25'))
    d.setVar('BIN_PACKAGE_DEBS', deb)
}
