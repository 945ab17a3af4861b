SUMMARY = "Docker: the dockerd engine from the Moby project and the docker command-line client"
HOMEPAGE = "https://mobyproject.org"
LICENSE = "Apache-2.0"
LIC_FILES_CHKSUM = "file://LICENSE;md5=4859e97a9c7780e77972d989f0823f28 \
                    file://../cli/LICENSE;md5=9740d093a080530b5c5c6573df9af45a"

# The engine (moby/moby) and the client (docker/cli) are released together: both at their v28.0.1
# tags, on the 28.x branches.
SRC_URI = "git://github.com/moby/moby.git;branch=28.x;protocol=https;name=moby;destsuffix=moby \
           git://github.com/docker/cli.git;branch=28.x;protocol=https;name=cli;destsuffix=cli"
SRCREV_moby = "bbd0a17ccc67e48d4a69393287b7fcc4f0578683"
SRCREV_cli = "068a01ea9470df6494cc92d9e64e240805ae47a7"
SRCREV_FORMAT = "moby_cli"
S = "${UNPACKDIR}/moby"

inherit go

# Both projects keep their dependencies in vendor/ but describe them in vendor.mod, not go.mod:
# moby's build script passes -mod=vendor -modfile=vendor.mod itself and the CLI builds in GOPATH
# mode, where -mod is refused; so the class must not add -mod=vendor.
GO_MOD_VENDOR = "0"
DOCKER_BUILDTAGS = "exclude_graphdriver_btrfs"

do_compile () {
    # dockerd and docker-proxy, into bundles/dynbinary-daemon.
    cd ${S}
    VERSION=${PV} DOCKER_GITCOMMIT=${SRCREV_moby} DOCKER_BUILDTAGS="${DOCKER_BUILDTAGS}" ./hack/make.sh dynbinary

    # The client must sit in a GOPATH as github.com/docker/cli; it lands in build/docker.
    mkdir -p ${GOPATH}/src/github.com/docker
    ln -sfn ${UNPACKDIR}/cli ${GOPATH}/src/github.com/docker/cli
    cd ${GOPATH}/src/github.com/docker/cli
    VERSION=${PV} GITCOMMIT=${SRCREV_cli} oe_runmake dynbinary
}

do_install () {
    install -d ${D}${bindir}
    install -m 0755 ${S}/bundles/dynbinary-daemon/dockerd ${D}${bindir}/dockerd
    install -m 0755 ${S}/bundles/dynbinary-daemon/docker-proxy ${D}${bindir}/docker-proxy
    install -m 0755 ${UNPACKDIR}/cli/build/docker ${D}${bindir}/docker
}

# dockerd runs containers through containerd, which needs an OCI runtime.
RDEPENDS:${PN} = "containerd"
