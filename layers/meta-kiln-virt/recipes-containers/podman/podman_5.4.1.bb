SUMMARY = "Podman, a daemonless engine for running and managing OCI containers and pods"
HOMEPAGE = "https://podman.io"
LICENSE = "Apache-2.0"
LIC_FILES_CHKSUM = "file://LICENSE;md5=3d9b931fa23ab1cacd0087f9e2ee12c0"

# The v5.4.1 tag, on the v5.4 release branch.
SRC_URI = "git://github.com/containers/podman.git;branch=v5.4;protocol=https"
SRCREV = "b79bc8afe796cba51dd906270a7e1056ccdfcf9e"
S = "${UNPACKDIR}/git"

# gpgme verifies image signatures, libseccomp builds the default seccomp filter (both via cgo).
DEPENDS = "gpgme libseccomp"
inherit go pkgconfig

GO_MAKE_TARGETS = "podman rootlessport quadlet"
GO_MAKE_INSTALL_TARGETS = "install.bin"
# Podman's Makefile probes the build machine for btrfs, apparmor and systemd to choose build tags;
# a cross build names them itself.
EXTRA_OEMAKE = "PREFIX=${prefix} BINDIR=${bindir} LIBEXECDIR=${libexecdir} ETCDIR=${sysconfdir} \
    BUILDTAGS='seccomp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper'"
# quadlet's systemd generators and podman's tmpfiles.d entry.
FILES:${PN} += "${prefix}/lib/systemd ${prefix}/lib/tmpfiles.d"

# conmon supervises each container; an OCI runtime runs it.
RDEPENDS:${PN} = "conmon virtual-runc"
