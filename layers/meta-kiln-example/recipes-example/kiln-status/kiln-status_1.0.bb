SUMMARY = "Prints facts about the running system in one line (built with CMake)"
LICENSE = "MIT"
SRC_URI = "file://CMakeLists.txt file://kiln-status.c"
S = "${UNPACKDIR}"
inherit cmake kiln-service
KILN_SERVICES = "${bindir}/kiln-status:oneshot"
KILN_SERVICE_PRIORITY = "60"
