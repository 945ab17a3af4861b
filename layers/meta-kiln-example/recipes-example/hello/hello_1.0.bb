SUMMARY = "A greeting service for the example image"
LICENSE = "MIT"
SRC_URI = "file://hello.c"

GREETING ?= "hello from kiln"
CFLAGS:append = " -DGREETING='\"${GREETING}\"'"
CFLAGS ?= "-O2"

do_compile () {
    ${CC} ${CFLAGS} ${WORKDIR}/hello.c -o hello
}

do_install () {
    install -d ${D}${bindir}
    install -m 0755 hello ${D}${bindir}/hello
}
