SUMMARY = "Prints facts about the running system in one line (built with CMake)"
LICENSE = "MIT"
SRC_URI = "file://CMakeLists.txt file://kiln-status.c"
S = "${UNPACKDIR}"
inherit cmake kiln-service
KILN_SERVICES = "${bindir}/kiln-status:oneshot"
KILN_SERVICE_PRIORITY = "60"
# Runs on the target only, at its first boot: kiln keeps the postinst in /etc/kiln-postinsts while
# it builds the image, and kiln-run-postinsts (a kiln-init one-shot) runs it, then removes it.
pkg_postinst_ontarget:${PN} () {
    echo "KILN-FIRSTBOOT: kiln-status configured on $(uname -m)"
}
