SUMMARY = "podman, a daemonless container engine, from Debian's binary package with what it depends on"
HOMEPAGE = "https://podman.io"
LICENSE = "Apache-2.0"
DEBIAN_PACKAGE = "podman"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_podman = "podman-debian".
PROVIDES = "podman"
RPROVIDES:${PN} = "podman"
