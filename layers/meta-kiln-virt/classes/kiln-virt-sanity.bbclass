addhandler kiln_virt_sanity
kiln_virt_sanity[eventmask] = "bb.event.ConfigParsed"
python kiln_virt_sanity () {
    if 'virtualization' not in (e.data.getVar('DISTRO_FEATURES') or '').split():
        bb.warn("The meta-kiln-virt layer is included but DISTRO_FEATURES does not contain 'virtualization': "
                "add DISTRO_FEATURES:append = \" virtualization\" to local.conf (or your distro) so that its "
                "container and VM support takes effect; recipes that need 'kvm' or 'xen' are skipped without them.")
}
