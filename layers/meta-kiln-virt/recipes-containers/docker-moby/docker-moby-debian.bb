SUMMARY = "Docker (moby), the container engine and its command-line client, from Debian's binary package with what it depends on"
HOMEPAGE = "https://mobyproject.org"
LICENSE = "Apache-2.0"
DEBIAN_PACKAGE = "docker.io"
DEBIAN_IMPORT_DEPENDS = "1"
inherit debian-import
# Chosen instead of the source recipe with PREFERRED_PROVIDER_docker-moby = "docker-moby-debian".
PROVIDES = "docker-moby"
RPROVIDES:${PN} = "docker-moby"
RPROVIDES:${PN} += "docker"
