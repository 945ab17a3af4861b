SUMMARY = "A shell and the usual command-line tools in one static program, from Debian's busybox-static"
LICENSE = "GPL-2.0-only"
DEBIAN_PACKAGE = "busybox-static"
inherit debian-import
RPROVIDES:${PN} = "busybox"
PROVIDES = "busybox"

# The applets a busybox binary has, one a line: from `busybox --list` when it runs here, else
# (another architecture's binary) from its table of applet names, NUL-separated and sorted,
# which starts with "[" and "[[" and ends with an empty name.
busybox_applets () {
    "$1" --list 2>/dev/null && return 0
    tr '\0' '\n' < "$1" | awk 'names { if ($0 == "") exit; print; next }
        prev == "[" && $0 == "[[" { names = 1; print "["; print } { prev = $0 }'
}

# Debian ships the binary only; the command links are made here.
do_install () {
    install -d ${D}${base_bindir}
    install -m 0755 ${S}/bin/busybox ${D}${base_bindir}/busybox
    applets=$(busybox_applets ${S}/bin/busybox)
    if [ -z "$applets" ]; then
        echo "cannot tell which applets ${S}/bin/busybox has" >&2
        exit 1
    fi
    for applet in $applets; do
        [ "$applet" = busybox ] || [ "$applet" = init ] || ln -sf busybox ${D}${base_bindir}/$applet
    done
    ln -sf busybox ${D}${base_bindir}/sh
}
FILES:${PN} = "/*"
INHIBIT_DEFAULT_DEPS = "1"
