# Images in the style of OpenEmbedded's core-image: IMAGE_FEATURES pull in package groups.
inherit image

FEATURE_PACKAGES_kiln-base ?= "kiln-init kiln-postinsts base-files busybox"
FEATURE_PACKAGES_ssh-server ?= ""
IMAGE_FEATURES ??= "kiln-base"
FEATURE_INSTALL = "${@' '.join((d.getVar('FEATURE_PACKAGES_' + f) or '') for f in (d.getVar('IMAGE_FEATURES') or '').split())}"
