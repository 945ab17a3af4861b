SUMMARY = "The example's hello program as an OCI container image"
LICENSE = "MIT"
inherit image
IMAGE_INSTALL = "base-files hello"
IMAGE_FSTYPES = "oci"
OCI_IMAGE_ENTRYPOINT = "/usr/bin/hello"
OCI_IMAGE_LABELS = "org.opencontainers.image.title=kiln-container-hello"
