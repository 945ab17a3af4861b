# The task chain every recipe has: fetch, unpack, patch, configure, compile, install, then
# package / packagedata / package_write_* and populate_sysroot, and build.
# Fetching, unpacking, patching, packaging and images are kiln built-ins (bb.fetch2, kiln.*).

inherit staging package ${PACKAGE_CLASSES}

DEPENDS:prepend = "${BASEDEPENDS} "

def kiln_filespath(d):
    """FILESPATH: each directory of FILESEXTRAPATHS and of the recipe (${BP}, ${BPN}, files),
    first below each override of FILESOVERRIDES (most specific first), then plain."""
    extra = [p for p in (d.getVar('FILESEXTRAPATHS') or '').split(':') if p and p != '__default']
    own = [d.expand(p) for p in ('${FILE_DIRNAME}/${BP}', '${FILE_DIRNAME}/${BPN}', '${FILE_DIRNAME}/files')]
    overrides = [o for o in (d.getVar('FILESOVERRIDES') or '').split(':') if o]
    overrides.reverse()
    paths = []
    for override in overrides + ['']:
        for directory in extra + own:
            paths.append(os.path.join(directory, override) if override else directory)
    return ':'.join(paths)

def kiln_src_uri(d):
    return (d.getVar('SRC_URI') or '').split()

python base_do_fetch () {
    urls = kiln_src_uri(d)
    if urls:
        bb.fetch2.Fetch(urls, d).download()
}
do_fetch[dirs] = "${DL_DIR}"
do_fetch[network] = "1"
do_fetch[file-checksums] = "${@bb.fetch.get_checksum_file_list(d)}"
do_fetch[vardeps] += "SRCREV"
addtask fetch

python base_do_unpack () {
    urls = kiln_src_uri(d)
    if urls:
        bb.fetch2.Fetch(urls, d).unpack(d.getVar('UNPACKDIR'))
}
do_unpack[cleandirs] = "${UNPACKDIR}"
do_unpack[dirs] = "${UNPACKDIR}"
addtask unpack after do_fetch

python do_patch () {
    import kiln
    kiln.apply_patches(d)
}
do_patch[dirs] = "${S}"
addtask patch after do_unpack

do_configure[dirs] = "${B}"
base_do_configure () {
    :
}
addtask configure after do_patch

do_compile[dirs] = "${B}"
base_do_compile () {
    if [ -e Makefile ] || [ -e makefile ] || [ -e GNUmakefile ]; then
        oe_runmake
    fi
}
addtask compile after do_configure

oe_runmake () {
    make ${PARALLEL_MAKE} ${EXTRA_OEMAKE} "$@"
}

do_install[dirs] = "${B}"
do_install[cleandirs] = "${D}"
do_install[sstate-outputdirs] = "${D}"
base_do_install () {
    :
}
addtask install after do_compile

# Classes (cmake, autotools, ...) replace these with their own through EXPORT_FUNCTIONS.
EXPORT_FUNCTIONS do_fetch do_unpack do_configure do_compile do_install

do_build[noexec] = "1"
do_build () {
    :
}
addtask build after do_install

python () {
    # do_install runs under fakeroot, so that owners it gives files survive into packages. Set
    # here, after parsing: a recipe defining do_install again would drop a flag set before.
    d.setVarFlag('do_install', 'fakeroot', '1')

    # A recipe must say under which license it is distributed (the global configuration,
    # which also runs this, has no recipe file).
    if d.getVar('FILE', False).endswith('.bb') and d.getVar('LICENSE') == 'INVALID':
        bb.fatal('%s: LICENSE is not set' % d.getVar('FILE'))
}
