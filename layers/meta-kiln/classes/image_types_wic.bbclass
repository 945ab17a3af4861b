# Partitioned disk images (IMAGE_FSTYPES "wic", "wic.qcow2", "wic.zst"): OpenEmbedded's class
# name and variables, kiln's disk stage (src/disk) doing the work. The kickstart file is the first of WKS_FILES found in WKS_SEARCH_PATH (the
# recipe's directory, then each BBPATH entry's wic/ and files/wic/), as OpenEmbedded's
# image_types_wic.bbclass finds it; a .wks.in is expanded with the recipe's variables first.
# APPEND is added to the kernel command line after the kickstart's bootloader --append;
# IMAGE_EFI_BOOT_FILES ("FILE[;DEST]", from DEPLOY_DIR_IMAGE) go into bootimg-efi partitions.
# Besides the disk, ${IMAGE_NAME}.wic.json describes its layout (for runqemu and later tools).
WKS_FILE ??= "${IMAGE_BASENAME}.${MACHINE}.wks"
WKS_FILES ?= "${WKS_FILE} ${IMAGE_BASENAME}.wks"
WKS_SEARCH_PATH ?= "${THISDIR}:${@':'.join('%s/wic:%s/files/wic' % (p, p) for p in '${BBPATH}'.split(':'))}"
WKS_FULL_PATH = "${@kiln_wks_search(d.getVar('WKS_FILES').split(), d.getVar('WKS_SEARCH_PATH')) or ''}"
IMAGE_EFI_BOOT_FILES ?= ""
APPEND ?= ""

def kiln_wks_search(files, search_path):
    for f in files:
        if os.path.isabs(f):
            if os.path.exists(f):
                return f
        else:
            found = bb.utils.which(search_path, f)
            if found:
                return found

def kiln_is_disk_type(t):
    return t == 'wic' or t.startswith('wic.')

def kiln_using_wic(d):
    return any(kiln_is_disk_type(t) for t in (d.getVar('IMAGE_FSTYPES') or '').split())

# A changed kickstart reruns do_image.
do_image[file-checksums] += "${@'${WKS_FULL_PATH}:True' if kiln_using_wic(d) and d.getVar('WKS_FULL_PATH') else ''}"

def kiln_disk_image(d, types):
    """The disk image types of IMAGE_FSTYPES from one kickstart file (WKS_FULL_PATH): the disk is
    made once (kiln's disk stage), then written in each form, with ${IMAGE_NAME}.wic.json
    describing its layout; ${IMAGE_LINK_NAME} links to each."""
    import re
    import kiln_runtime
    wks = d.getVar("WKS_FULL_PATH")
    if not wks:
        bb.fatal("No kickstart file of WKS_FILES (%s) was found in WKS_SEARCH_PATH (%s): set WKS_FILE or WKS_FILES"
                 % (d.getVar("WKS_FILES"), d.getVar("WKS_SEARCH_PATH")))
    text = None
    if wks.endswith(".in"):
        # A template: expanded with the recipe's variables, and references left unexpanded
        # removed, as OpenEmbedded's do_write_wks_template does.
        with open(wks) as f:
            text = d.expand(f.read())
        while True:
            stripped = re.sub(r"\$\{[^{}@\n\t :]+\}", "", text)
            if stripped == text:
                break
            text = stripped
    outdir, name, link = d.getVar("IMGDEPLOYDIR"), d.getVar("IMAGE_NAME"), d.getVar("IMAGE_LINK_NAME")
    search = [p for p in (d.getVar("WKS_SEARCH_PATH") or "").split(":") if p]
    outputs = [{"type": t, "file": os.path.join(outdir, "%s.%s" % (name, t))} for t in types]
    try:
        kiln_runtime.host_call(
            "disk.make", d, wks=wks, wksText=text, searchPath=search, rootfs=d.getVar("IMAGE_ROOTFS"),
            deployDir=d.getVar("DEPLOY_DIR_IMAGE"),
            identity="%s-%s" % (d.getVar("IMAGE_BASENAME"), d.getVar("MACHINE")),
            outputs=outputs, manifest=os.path.join(outdir, "%s.wic.json" % name),
            sourceDateEpoch=int(d.getVar("SOURCE_DATE_EPOCH") or 0), append=d.getVar("APPEND") or "",
            efiBootFiles=d.getVar("IMAGE_EFI_BOOT_FILES") or "")
    except bb.build.FuncFailed as e:
        # Bad input is the user's to fix (the message names the .wks line): an error, no traceback.
        bb.fatal(str(e))
    if link and link != name:
        for suffix in types + ["wic.json"]:
            os.symlink("%s.%s" % (name, suffix), os.path.join(outdir, "%s.%s" % (link, suffix)))

do_image[vardeps] += "WKS_FILES APPEND IMAGE_EFI_BOOT_FILES kiln_disk_image"
