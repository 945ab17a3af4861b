SUMMARY = "A greeting service for the example image"
LICENSE = "MIT"
SRC_URI = "file://hello.c"
S = "${UNPACKDIR}"

GREETING ?= "hello from kiln"
CFLAGS ?= "-O2"

# The greeting becomes a C string literal: single quotes keep the double quotes for the compiler.
do_compile () {
    ${CC} ${CFLAGS} ${LDFLAGS} -DGREETING='"${GREETING}"' hello.c -o hello
}

do_install () {
    install -d ${D}${bindir}
    install -m 0755 hello ${D}${bindir}/hello
}

inherit kiln-service
KILN_SERVICES = "${bindir}/hello:oneshot"
