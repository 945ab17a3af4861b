SUMMARY = "The example's PID 1: mounts the kernel file systems, runs services, powers off on request"
LICENSE = "MIT"
SRC_URI = "file://init.c"
S = "${UNPACKDIR}"

# Static: PID 1 must run before anything else is there.
do_compile () {
    ${CC} ${CFLAGS} -static -Wall -Wextra ${LDFLAGS} init.c -o init
}
do_install () {
    install -d ${D}${base_sbindir}
    install -m 0755 init ${D}${base_sbindir}/init
    ln -sf ${base_sbindir}/init ${D}/init
}
FILES:${PN} += "/init"
# Static: needs no C library in the image.
INHIBIT_DEFAULT_DEPS = "1"
