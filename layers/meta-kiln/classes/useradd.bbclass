# Users and groups a package needs: USERADD_PACKAGES names the packages; for each,
# GROUPADD_PARAM:<pkg> and USERADD_PARAM:<pkg> hold ";"-separated groupadd / useradd arguments.
# They are created when the package is installed into a root filesystem (the post-install script
# runs offline with $D, using the build machine's groupadd/useradd with --prefix), and
# appear in the image's /etc/passwd and /etc/group; files the recipe gives to them keep their ids.
USERADD_PACKAGES ?= "${PN}"

def useradd_postinst(d, pkg):
    lines = ['if [ -z "$D" ]; then echo "useradd: %s must be installed into a root filesystem by kiln" >&2; exit 1; fi' % pkg]
    for params in (d.getVar('GROUPADD_PARAM:' + pkg) or '').split(';'):
        if params.strip():
            name = params.split()[-1]
            lines.append('grep -q "^%s:" "$D/etc/group" || groupadd --prefix "$D" %s' % (name, params.strip()))
    for params in (d.getVar('USERADD_PARAM:' + pkg) or '').split(';'):
        if params.strip():
            name = params.split()[-1]
            lines.append('grep -q "^%s:" "$D/etc/passwd" || useradd --prefix "$D" %s' % (name, params.strip()))
    return '\n'.join(lines) + '\n'

python () {
    for pkg in (d.getVar('USERADD_PACKAGES') or '').split():
        d.prependVar('pkg_postinst:' + pkg, useradd_postinst(d, pkg))
        d.appendVar('RDEPENDS:' + pkg, ' base-files')
}
