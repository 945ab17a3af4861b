SUMMARY = "A minimal container: a busybox shell and the base files, as an OCI image"
LICENSE = "MIT"
inherit image
IMAGE_INSTALL = "base-files busybox"
IMAGE_FSTYPES = "oci"
OCI_IMAGE_ENTRYPOINT = "/bin/sh"
OCI_IMAGE_ENV_VARS = "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
OCI_IMAGE_LABELS = "org.opencontainers.image.title=kiln-container-base"
