# A package that only pulls in others through RDEPENDS (empty, but written).
PACKAGES = "${PN}"
ALLOW_EMPTY:${PN} = "1"
PACKAGE_ARCH = "all"
deltask do_fetch
deltask do_unpack
deltask do_patch
deltask do_configure
deltask do_compile
deltask do_install
addtask package before do_packagedata
INHIBIT_DEFAULT_DEPS = "1"
