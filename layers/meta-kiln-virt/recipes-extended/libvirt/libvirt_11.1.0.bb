SUMMARY = "libvirt: an API, a daemon (libvirtd) and virsh for managing KVM, QEMU, LXC and Xen guests"
HOMEPAGE = "https://libvirt.org"
LICENSE = "LGPL-2.1-or-later & GPL-2.0-or-later"
LIC_FILES_CHKSUM = "file://COPYING;md5=b234ee4d69f5fce4486a80fdaf4a4263 \
                    file://COPYING.LESSER;md5=4b54a1fd55a448865a0b32d41598759d"

# The v11.1.0 release commit. gitsm: libvirt keeps keycodemapdb as a git submodule.
SRC_URI = "gitsm://gitlab.com/libvirt/libvirt.git;branch=master;protocol=https"
SRCREV = "9cd06737487c8ee311f71b7288c46a5cc70a700a"
S = "${UNPACKDIR}/git"

# libtirpc: the remote protocol's XDR code (glibc no longer has it); rpcgen, xsltproc and perl
# generate sources at build time; json-c is what the QEMU driver speaks QMP with.
DEPENDS = "glib-2.0 libxml2 gnutls libtirpc json-c libnl rpcsvc-proto-native libxslt-native perl-native \
    ${@bb.utils.contains('DISTRO_FEATURES', 'xen', 'xen-tools', '', d)}"
inherit meson pkgconfig

# Drivers for QEMU/KVM and LXC, and for Xen (libxl) when the distribution has Xen. Nothing here
# needs a distribution feature: the QEMU driver runs guests with or without KVM.
EXTRA_OEMESON = "-Ddriver_qemu=enabled -Dqemu_user=qemu -Dqemu_group=qemu -Ddriver_lxc=enabled \
    -Ddriver_libvirtd=enabled -Ddriver_remote=enabled -Ddriver_network=enabled \
    -Ddriver_libxl=${@bb.utils.contains('DISTRO_FEATURES', 'xen', 'enabled', 'disabled', d)} \
    -Ddocs=disabled -Dtests=disabled -Dinit_script=none -Drunstatedir=/run"

FILES:${PN} += "${libdir}/libvirt ${datadir}/libvirt ${prefix}/lib/sysctl.d"
