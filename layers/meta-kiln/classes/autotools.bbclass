# Building with a configure script (autotools style), out of tree in ${B}.
B = "${WORKDIR}/build"
EXTRA_OECONF ?= ""
CONFIGUREOPTS = "--prefix=${prefix} --exec-prefix=${exec_prefix} --bindir=${bindir} --sbindir=${sbindir} \
    --libdir=${libdir} --includedir=${includedir} --datadir=${datadir} --sysconfdir=${sysconfdir} \
    --localstatedir=${localstatedir} --host=${TARGET_ARCH}-linux-gnu --disable-dependency-tracking"

autotools_do_configure () {
    if [ ! -x ${S}/configure ] && [ -e ${S}/configure.ac ]; then
        (cd ${S} && autoreconf -fi)
    fi
    ${S}/configure ${CONFIGUREOPTS} ${EXTRA_OECONF}
}
autotools_do_compile () {
    oe_runmake
}
autotools_do_install () {
    oe_runmake DESTDIR=${D} install
}
do_configure[cleandirs] = "${B}"
EXPORT_FUNCTIONS do_configure do_compile do_install
