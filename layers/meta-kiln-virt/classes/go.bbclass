# Go programs, cross-compiled with the build machine's Go toolchain.
#
# kiln has no go-native recipe: the `go` on PATH (GO) builds for the target, which Go does by
# itself given GOOS/GOARCH. Parts written in C (cgo) are compiled with the target's C compiler:
# cgo runs $CC, which bitbake.conf exports as ${CC}, with the sysroot flags passed on below.
#
# A recipe builds in one of two ways:
#   GO_MAKE_TARGETS = "..."   run the project's Makefile with these targets (GO=${GO} passed in),
#                             then `make ${GO_MAKE_INSTALL_TARGETS}` with DESTDIR=${D};
#   GO_BUILD_PACKAGES = "..." `go build` these packages (GO_BUILD_TAGS, GO_LDFLAGS) into ${B}/bin,
#                             installed into GO_INSTALL_DIR.
# GO_MOD_VENDOR = "1" (the default) says the source vendors its modules: nothing is downloaded.

GO ?= "go"

GOOS = "linux"
# Go's names for the architectures kiln builds for; others are skipped (see the end of this file).
GOARCH = "${@{'x86_64': 'amd64', 'aarch64': 'arm64', 'i686': '386', 'arm': 'arm', 'riscv64': 'riscv64'}.get(d.getVar('TARGET_ARCH'), '')}"
export GOOS
export GOARCH

# Most container tools need cgo (libseccomp, gpgme, nsenter's C part of runc).
CGO_ENABLED ?= "1"
export CGO_ENABLED
export CGO_CFLAGS = "${CFLAGS}"
export CGO_LDFLAGS = "${LDFLAGS}"

# Everything Go writes stays in this recipe's work directory, never in the user's home.
export GOPATH = "${WORKDIR}/go"
export GOCACHE = "${WORKDIR}/go-cache"
# No network during the build, and no other toolchain fetched when go.mod asks for a newer Go
# than the host has: go stops with "go.mod requires go >= X" instead.
export GOPROXY = "off"
export GOTOOLCHAIN = "local"

GO_MOD_VENDOR ?= "1"
# -trimpath keeps build paths out of the binaries (reproducible; like DEBUG_PREFIX_MAP for C).
GOFLAGS = "-trimpath${@' -mod=vendor' if d.getVar('GO_MOD_VENDOR') == '1' else ''}"
export GOFLAGS

GO_MAKE_TARGETS ?= ""
GO_MAKE_INSTALL_TARGETS ?= "install"
GO_BUILD_PACKAGES ?= "./..."
GO_BUILD_TAGS ?= ""
GO_LDFLAGS ?= ""
GO_INSTALL_DIR ?= "${bindir}"

go_do_configure () {
    if ! command -v ${GO} >/dev/null 2>&1; then
        echo "ERROR: ${PN} is written in Go and kiln builds Go programs with the build machine's Go toolchain," >&2
        echo "but '${GO}' was not found on PATH. Install Go (the version ${PN}'s go.mod asks for, or newer)" >&2
        echo "or set GO to the go program's path in local.conf." >&2
        exit 1
    fi
    echo "Building ${PN} for ${GOOS}/${GOARCH} with $(${GO} version)"
}

go_do_compile () {
    if [ -n "${GO_MAKE_TARGETS}" ]; then
        oe_runmake -C ${S} GO=${GO} ${GO_MAKE_TARGETS}
    else
        mkdir -p ${B}/bin
        cd ${S}
        ${GO} build -tags "${GO_BUILD_TAGS}" -ldflags "${GO_LDFLAGS}" -o ${B}/bin/ ${GO_BUILD_PACKAGES}
    fi
}

go_do_install () {
    if [ -n "${GO_MAKE_TARGETS}" ]; then
        oe_runmake -C ${S} GO=${GO} DESTDIR=${D} ${GO_MAKE_INSTALL_TARGETS}
    else
        install -d ${D}${GO_INSTALL_DIR}
        install -m 0755 ${B}/bin/* ${D}${GO_INSTALL_DIR}/
    fi
}

EXPORT_FUNCTIONS do_configure do_compile do_install

python () {
    if not d.getVar('GOARCH'):
        raise bb.parse.SkipRecipe("Go has no port kiln knows of for TARGET_ARCH '%s'" % d.getVar('TARGET_ARCH'))
}
