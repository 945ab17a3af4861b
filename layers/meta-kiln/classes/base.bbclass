# The task chain every recipe has. Task bodies arrive with the build issues; the chain and its
# order are declared here so that parsing and graphs see them.

do_fetch[dirs] = "${DL_DIR}"
do_fetch[network] = "1"
do_fetch () {
    :
}
addtask fetch

do_unpack[dirs] = "${WORKDIR}"
do_unpack () {
    :
}
addtask unpack after do_fetch

do_patch () {
    :
}
addtask patch after do_unpack

do_configure[dirs] = "${B}"
do_configure () {
    :
}
addtask configure after do_patch

do_compile[dirs] = "${B}"
do_compile () {
    :
}
addtask compile after do_configure

do_install[dirs] = "${B}"
do_install () {
    :
}
addtask install after do_compile

do_build[noexec] = "1"
do_build () {
    :
}
addtask build after do_install

python () {
    # A recipe must say under which license it is distributed (the global configuration,
    # which also runs this, has no recipe file).
    if d.getVar('FILE', False).endswith('.bb') and d.getVar('LICENSE') == 'INVALID':
        bb.fatal('%s: LICENSE is not set' % d.getVar('FILE'))
}
