SUMMARY = "The directories and files every kiln root filesystem starts from"
LICENSE = "MIT"
S = "${UNPACKDIR}"
INHIBIT_DEFAULT_DEPS = "1"

do_install () {
    for dir in /dev /proc /sys /run /tmp /root /home /mnt ${sysconfdir} ${bindir} ${sbindir} \
               ${base_bindir} ${base_sbindir} ${localstatedir}/lib; do
        install -d ${D}$dir
    done
    chmod 1777 ${D}/tmp
    chmod 0700 ${D}/root
    cat > ${D}${sysconfdir}/os-release <<EOT
NAME="${DISTRO_NAME}"
ID=${DISTRO}
VERSION_ID=${DISTRO_VERSION}
PRETTY_NAME="${DISTRO_NAME} ${DISTRO_VERSION}"
EOT
    echo "${DISTRO_NAME} ${DISTRO_VERSION} \\n \\l" > ${D}${sysconfdir}/issue
    # Disk images (wic) add a line for each partition other than / (wic's fstab update).
    printf '%b\n' '# /etc/fstab: static file system information.' \
        '/dev/root\t/\tauto\tdefaults\t1\t1' \
        'proc\t/proc\tproc\tdefaults\t0\t0' > ${D}${sysconfdir}/fstab
    echo "root:x:0:0:root:/root:/bin/sh" > ${D}${sysconfdir}/passwd
    echo "root:x:0:" > ${D}${sysconfdir}/group
    echo "root:*::0:::::" > ${D}${sysconfdir}/shadow
    chmod 0600 ${D}${sysconfdir}/shadow
    touch ${D}${sysconfdir}/gshadow
    chmod 0600 ${D}${sysconfdir}/gshadow
}
CONFFILES:${PN} = "${sysconfdir}/fstab ${sysconfdir}/passwd ${sysconfdir}/group ${sysconfdir}/shadow ${sysconfdir}/gshadow"
FILES:${PN} = "/*"
