# Services for kiln-init (the example's PID 1): KILN_SERVICES lists programs on the target to
# start at boot, "PATH" for a daemon (kept running) or "PATH:oneshot" for a program run to
# completion; each becomes a link /etc/kiln/services.d/NN-NAME[.oneshot] (NN from
# KILN_SERVICE_PRIORITY), taken in name order by kiln-init.
KILN_SERVICES ?= ""
KILN_SERVICE_PRIORITY ?= "50"

do_install:append () {
    install -d ${D}${sysconfdir}/kiln/services.d
    for service in ${KILN_SERVICES}; do
        path=${service%%:*}
        suffix=
        [ "$path" = "$service" ] || suffix=".${service#*:}"
        ln -sf "$path" ${D}${sysconfdir}/kiln/services.d/${KILN_SERVICE_PRIORITY}-$(basename "$path")$suffix
    done
}
